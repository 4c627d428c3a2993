// Package fx makes the daily exchange rates of a run: for each company
// currency that differs from the group currency, a seeded random walk of
// the rate into the group currency, one rate per calendar day of the
// period, as DataSynth's FX rate service makes them.
//
// The walk is DataSynth's mean-reverting (Ornstein-Uhlenbeck) process with
// its default parameters: on each weekday the rate moves by a normal shock
// of 0.6% standard deviation (2.5 times that on one day in twenty, the fat
// tails of currency markets) and is pulled back towards its starting level
// by 5% of the gap. Saturdays and Sundays repeat Friday's rate: markets are
// closed, and a journal entry posted on a weekend still finds its rate. The
// walk starts at the fixed rate of package money.
//
// Like every generated value, the walk uses integers only: the shock is a
// sum of twelve uniform draws (an Irwin-Hall approximation of the normal),
// the level a multiplier in billionths, and each day's rate is rounded half
// up to RateScale decimals from exact rationals.
package fx

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
	"datasynth.dev/engine/table"
)

// DataSynth's FxRateServiceConfig defaults.
const (
	dailyVolatilityPPM = 6_000 // 0.6% a day
	meanReversionDiv   = 20    // 5% of the gap a day
	fatTailPerMille    = 50    // 5% of days
	unit               = 1_000_000_000
)

// Pair is a currency pair: one unit of From is worth the rate in To.
type Pair struct{ From, To string }

// Table holds the daily rates of every pair of a run.
type Table struct {
	Start time.Time
	Days  int // calendar days from Start
	Pairs []Pair
	// spot and inverse hold, per pair and day, the rate From->To and
	// To->From in millionths (money.RateScale decimals).
	spot, inverse [][]int64
}

// ForConfig returns the rate table of a run: a pair from each company
// currency other than the group currency into the group currency, sorted
// by currency, for every day from the start date to the end date.
func ForConfig(cfg *config.Config, seed uint64) *Table {
	g := cfg.Global
	var pairs []Pair
	for _, c := range cfg.Companies {
		p := Pair{c.Currency, g.GroupCurrency}
		if p.From != p.To && !slices.Contains(pairs, p) {
			pairs = append(pairs, p)
		}
	}
	slices.SortFunc(pairs, func(a, b Pair) int {
		if a.From < b.From {
			return -1
		}
		if a.From > b.From {
			return 1
		}
		return 0
	})
	days := int(g.EndDate().Sub(g.StartDate).Hours()/24) + 1
	return New(seed, pairs, g.StartDate, days)
}

// New walks every pair over days calendar days from start. Each pair draws
// from its own stream (seed, "fx", from, to), so adding a company in
// another currency never changes the rates of the others.
func New(seed uint64, pairs []Pair, start time.Time, days int) *Table {
	t := &Table{Start: start, Days: days, Pairs: pairs}
	for _, p := range pairs {
		base := baseRate(p)
		r := rng.New(seed, "fx", p.From, p.To)
		spot, inv := make([]int64, days), make([]int64, days)
		m := int64(unit) // the level, in billionths of the base rate
		for d := range days {
			day := start.AddDate(0, 0, d)
			if wd := day.Weekday(); d > 0 && wd != time.Saturday && wd != time.Sunday {
				m = step(r, m)
			}
			spot[d], inv[d] = rates(base, m)
		}
		t.spot = append(t.spot, spot)
		t.inverse = append(t.inverse, inv)
	}
	return t
}

// step moves the level m by one trading day.
func step(r *rand.Rand, m int64) int64 {
	// z: a standard normal in thousandths, as the sum of twelve uniforms
	// on [0, 1000) less their mean.
	var z int64
	for range 12 {
		z += int64(r.Uint64N(1000))
	}
	z -= 6000
	if r.Uint64N(1000) < fatTailPerMille {
		z = z * 5 / 2
	}
	shock := m / 1000 * dailyVolatilityPPM / 1000 * z / 1000 // m x sigma x z
	return m + shock + (unit-m)/meanReversionDiv
}

// baseRate is the fixed rate of the pair, exact.
func baseRate(p Pair) *big.Rat {
	from, _ := money.Lookup(p.From)
	to, _ := money.Lookup(p.To)
	pf, _ := new(big.Rat).SetString(from.PerUSD)
	pt, _ := new(big.Rat).SetString(to.PerUSD)
	return new(big.Rat).Quo(pt, pf)
}

// rates returns base x m/unit and its inverse in millionths, rounded half
// up.
func rates(base *big.Rat, m int64) (spot, inverse int64) {
	r := new(big.Rat).Mul(base, big.NewRat(m, unit))
	return roundMicro(r), roundMicro(new(big.Rat).Inv(r))
}

func roundMicro(r *big.Rat) int64 {
	v := new(big.Rat).Mul(r, big.NewRat(money.Pow10(money.RateScale), 1))
	v.Add(v, big.NewRat(1, 2))
	return new(big.Int).Quo(v.Num(), v.Denom()).Int64()
}

// Rate returns the rate of pair i on day d (days since Start, clamped to
// the table), in millionths.
func (t *Table) Rate(i, d int) int64 {
	return t.spot[i][min(max(d, 0), t.Days-1)]
}

// Index returns the index of the pair (from, to), or -1.
func (t *Table) Index(from, to string) int {
	return slices.Index(t.Pairs, Pair{from, to})
}

// Path is the table's file in a dataset folder, without extension: the
// name DataSynth documents for its daily rates.
const Path = "fx/daily_rates"

// Columns of fx/daily_rates: DataSynth's fields.
var Columns = []table.Column{
	{Name: "date", Kind: table.Date},
	{Name: "from_currency"},
	{Name: "to_currency"},
	{Name: "spot_rate", Kind: table.Rate},
	{Name: "inverse_rate", Kind: table.Rate},
}

// Rows calls emit with each row of the table, by date and then by pair;
// the row is reused after emit returns.
func (t *Table) Rows(emit func(row []table.Value) error) error {
	row := make([]table.Value, 0, len(Columns))
	day0 := table.Days(t.Start)
	for d := range t.Days {
		for i, p := range t.Pairs {
			row = append(row[:0], table.D(day0+int32(d)), table.Str(p.From), table.Str(p.To),
				table.R(t.spot[i][d]), table.R(t.inverse[i][d]))
			if err := emit(row); err != nil {
				return err
			}
		}
	}
	return nil
}
