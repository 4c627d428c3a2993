package masterdata

import (
	"slices"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/table"
)

func testEnv(t *testing.T, industry string, size int) Env {
	t.Helper()
	ch, err := chart.Build(industry, size, true)
	if err != nil {
		t.Fatal(err)
	}
	return Env{Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Months: 12, Industry: industry, Chart: ch}
}

var testCompany = config.Company{Code: "1000", Currency: "USD", Country: "US", AnnualVolume: 100_000}

// TestDepreciationAddsUpToBase checks every method's schedule: no month
// negative, nothing before acquisition or after the schedule, and the
// months of a life summing exactly to cost minus salvage.
func TestDepreciationAddsUpToBase(t *testing.T) {
	acquired := time.Date(2020, 3, 17, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		method  string
		life    int
		cost    int64
		salvage int64
	}{
		{StraightLine, 480, 987_654_321, 49_382_716},
		{StraightLine, 36, 100, 0},
		{DoubleDecliningBalance, 60, 4_567_891, 228_395},
		{DoubleDecliningBalance, 36, 1_000_001, 0},
		{SumOfYearsDigits, 84, 12_345_678, 617_284},
		{MACRS, 36, 999_999, 0},
		{MACRS, 60, 5_000_000_00, 0},
		{MACRS, 84, 8_950_000_000_000_00, 0}, // a large machine in Lebanese pounds
	} {
		a := FixedAsset{Method: c.method, LifeMonths: c.life, Cost: c.cost, Salvage: c.salvage, Acquired: acquired}
		var sum int64
		months := 0
		for m := -3; m < a.span()+24; m++ {
			d := acquired.AddDate(0, m, 0)
			v := a.Depreciation(d.Year(), d.Month())
			if v < 0 {
				t.Fatalf("%s/%d: month %d has %d", c.method, c.life, m, v)
			}
			if (m < 0 || m >= a.span()) && v != 0 {
				t.Fatalf("%s/%d: month %d outside the schedule has %d", c.method, c.life, m, v)
			}
			if v > 0 {
				months++
			}
			sum += v
		}
		if sum != c.cost-c.salvage {
			t.Errorf("%s/%d: schedule sums to %d, want %d", c.method, c.life, sum, c.cost-c.salvage)
		}
		if c.cost > 10_000 && months < c.life*9/10 {
			t.Errorf("%s/%d: only %d months with depreciation", c.method, c.life, months)
		}
	}
}

func TestAcceleratedMethodsFrontLoad(t *testing.T) {
	acquired := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, m := range []string{DoubleDecliningBalance, SumOfYearsDigits, MACRS} {
		a := FixedAsset{Method: m, LifeMonths: 60, Cost: 6_000_000, Acquired: acquired}
		sl := FixedAsset{Method: StraightLine, LifeMonths: 60, Cost: 6_000_000, Acquired: acquired}
		if got, want := a.AccumulatedBefore(2023, 1), sl.AccumulatedBefore(2023, 1); got <= want {
			t.Errorf("%s: two years accumulate %d, straight line %d", m, got, want)
		}
	}
}

func TestFixedAssetsCoherent(t *testing.T) {
	for _, industry := range []string{"retail", "manufacturing", "healthcare", "real_estate"} {
		env := testEnv(t, industry, 100)
		s := SizesFor(testCompany, "small")
		assets := FixedAssets(7, env, testCompany, s)
		if len(assets) != s.FixedAssets || len(assets) < 100 {
			t.Fatalf("%s: %d assets, sizes say %d", industry, len(assets), s.FixedAssets)
		}
		again := FixedAssets(7, env, testCompany, s)
		if !slices.Equal(assets, again) {
			t.Fatalf("%s: two calls differ", industry)
		}
		other := FixedAssets(8, env, testCompany, s)
		if slices.Equal(assets, other) {
			t.Fatalf("%s: seeds 7 and 8 give the same assets", industry)
		}
		byClass := map[string]int{}
		withCents := 0
		for _, a := range assets {
			byClass[a.Class]++
			if a.Cost%100 != 0 {
				withCents++
			}
			if want := a.AccumulatedBefore(2024, 1); a.Accumulated != want || a.Accumulated > a.Cost-a.Salvage {
				t.Errorf("%s %s: accumulated %d, schedule says %d, base %d", industry, a.ID, a.Accumulated, want, a.Cost-a.Salvage)
			}
			if env.Chart.Accounts[a.AssetAccount].Role != chart.FixedAssets || env.Chart.Accounts[a.AccumAccount].Role != chart.AccumDepr ||
				env.Chart.Accounts[a.ExpenseAccount].Role != chart.Depreciation {
				t.Errorf("%s %s: accounts %d/%d/%d have the wrong roles", industry, a.ID, a.AssetAccount, a.AccumAccount, a.ExpenseAccount)
			}
			if a.Status == AssetDisposed && !a.Disposed.Before(env.Start) {
				t.Errorf("%s %s: disposed on %s, inside the period", industry, a.ID, a.Disposed)
			}
			if a.Status == AssetDisposed && a.Depreciation(2024, 6) != 0 {
				t.Errorf("%s %s: disposed asset still depreciates", industry, a.ID)
			}
			if (a.Class == Land) != (a.Method == NoDepreciation) {
				t.Errorf("%s %s: class %s with method %s", industry, a.ID, a.Class, a.Method)
			}
			if a.CostCenter < 0 || a.CostCenter >= s.CostCenters || a.Vendor < 0 || a.Vendor >= s.Vendors {
				t.Errorf("%s %s: cost centre %d, vendor %d out of range", industry, a.ID, a.CostCenter, a.Vendor)
			}
		}
		if withCents < len(assets)*9/10 {
			t.Errorf("%s: only %d of %d costs have cents", industry, withCents, len(assets))
		}
		switch industry {
		case "retail":
			if byClass[LeaseholdImprovements]+byClass[Furniture] < byClass[Machinery] {
				t.Errorf("retail: store fit-outs and fixtures %v should outnumber machinery", byClass)
			}
			for _, a := range assets {
				if strings.Contains(a.Description, "CNC") || strings.Contains(a.Description, "Moulding") {
					t.Errorf("retail owns %q", a.Description)
				}
			}
		case "manufacturing":
			if byClass[Machinery] < len(assets)/4 {
				t.Errorf("manufacturing: only %d machines of %d assets", byClass[Machinery], len(assets))
			}
		case "real_estate":
			if byClass[Buildings]+byClass[Land] < len(assets)/3 {
				t.Errorf("real estate: %v", byClass)
			}
		}
	}
}

func TestMonthlyDepreciationSumsAssets(t *testing.T) {
	env := testEnv(t, "manufacturing", 400)
	s := SizesFor(testCompany, "medium")
	assets := FixedAssets(3, env, testCompany, s)
	for m := time.January; m <= time.December; m++ {
		var want, got int64
		for i := range assets {
			want += assets[i].Depreciation(2024, m)
		}
		lines := MonthlyDepreciation(assets, 2024, m)
		for _, l := range lines {
			if l.Amount <= 0 || env.Chart.Accounts[l.Expense].Role != chart.Depreciation {
				t.Fatalf("month %d: line %+v", m, l)
			}
			got += l.Amount
		}
		if got != want || want == 0 {
			t.Fatalf("month %d: lines sum to %d, assets to %d", m, got, want)
		}
	}
}

// TestFixedAssetRowsMatchAPI checks that the file and the journal see the
// same assets: the table's rows, drawn as MasterRows draws them, carry the
// identifiers, costs and accumulated depreciation FixedAssets returns.
func TestFixedAssetRowsMatchAPI(t *testing.T) {
	env := testEnv(t, "retail", 400)
	s := SizesFor(testCompany, "medium")
	assets := FixedAssets(11, env, testCompany, s)
	var tb Table
	for _, x := range Tables(env) {
		if x.Name == "fixed_assets" {
			tb = x
		}
	}
	r := Stream(11, "fixed_assets", testCompany.Code)
	var row []table.Value
	for i := range tb.Rows(s) {
		row = tb.Row(testCompany, s, i, r, row[:0])
		if len(row) != len(tb.Columns) {
			t.Fatalf("row %d has %d values for %d columns", i, len(row), len(tb.Columns))
		}
		a := assets[i]
		if row[0].Str != a.ID || row[9].Int != a.Cost || row[14].Int != a.Accumulated || row[11].Str != a.Method {
			t.Fatalf("row %d: %v, asset %+v", i, row, a)
		}
	}
}

// TestAssetBalancesRollForward checks that the balances at the end of a
// month, the next month's depreciation run and its purchases give the
// next month's closing balances, that cost always exceeds accumulated
// depreciation, and that a day inside a month holds that month's
// purchases so far but not its depreciation run.
func TestAssetBalancesRollForward(t *testing.T) {
	env := testEnv(t, "manufacturing", 400)
	s := SizesFor(testCompany, "medium")
	assets := FixedAssets(5, env, testCompany, s)
	for m := time.January; m < time.December; m++ {
		before := map[int]int64{}
		var cost, accum int64
		for _, b := range AssetBalances(assets, time.Date(2024, m, 0, 0, 0, 0, 0, time.UTC)) {
			before[b.Account] = b.Amount
			switch env.Chart.Accounts[b.Account].Role {
			case chart.FixedAssets:
				cost += b.Amount
			case chart.AccumDepr:
				accum -= b.Amount
			default:
				t.Fatalf("balance on account %d of role %s", b.Account, env.Chart.Accounts[b.Account].Role)
			}
		}
		if cost <= 0 || accum <= 0 || accum >= cost {
			t.Fatalf("month %d: cost %d, accumulated depreciation %d", m, cost, accum)
		}
		for _, l := range MonthlyDepreciation(assets, 2024, m) {
			before[l.Accumulated] -= l.Amount
		}
		for i := range assets {
			a := &assets[i]
			if a.Acquired.Year() == 2024 && a.Acquired.Month() == m {
				before[a.AssetAccount] += a.Cost // its first month's depreciation is in the run
			}
		}
		mid := time.Date(2024, m, 15, 0, 0, 0, 0, time.UTC)
		midway := map[int]int64{}
		for _, b := range AssetBalances(assets, mid) {
			midway[b.Account] = b.Amount
		}
		for i := range assets {
			if a := &assets[i]; a.Acquired.Year() == 2024 && a.Acquired.Month() == m && a.Acquired.After(mid) {
				midway[a.AssetAccount] += a.Cost
			}
		}
		for _, l := range MonthlyDepreciation(assets, 2024, m) {
			midway[l.Accumulated] -= l.Amount
		}
		for _, b := range AssetBalances(assets, time.Date(2024, m+1, 0, 0, 0, 0, 0, time.UTC)) {
			if midway[b.Account] != b.Amount {
				t.Errorf("month %d: the 15th and the rest of the month give %d on account %d, the month end %d", m, midway[b.Account], b.Account, b.Amount)
			}
			if before[b.Account] != b.Amount {
				t.Errorf("month %d: account %d rolls forward to %d, balances say %d", m+1, b.Account, before[b.Account], b.Amount)
			}
		}
	}
}

func TestMonthlyPayAddsUp(t *testing.T) {
	for _, base := range []int64{0, 11, 12, 5_200_000, 7_300_007} {
		e := Employee{BaseSalary: base}
		var sum int64
		for m := 1; m <= 12; m++ {
			sum += e.MonthlyPay(m)
		}
		if sum != base {
			t.Errorf("base %d: twelve months pay %d", base, sum)
		}
	}
}
