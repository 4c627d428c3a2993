package balance

import (
	"math/rand/v2"
	"slices"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
	"datasynth.dev/engine/table"
)

// profile is the shape of an industry's balance sheet, in basis points
// (1/100 of a percent) and days: DataSynth's asset composition, capital
// structure and target ratios of the industry type it maps the industry to.
type profile struct {
	turnover      int64 // annual revenue per 10,000 of total assets
	current       int64 // current assets, of total assets
	cash          int64 // cash, of current assets
	debt          int64 // liabilities, of total assets
	currentDebt   int64 // current liabilities, of liabilities
	stock         int64 // share capital, of equity
	premium       int64 // share premium, of equity
	margin        int64 // gross margin, of revenue
	dso, dpo, dio int64
}

// DataSynth's IndustryType figures (opening_balance.rs): asset turnover,
// current assets and cash shares, debt share, current-liability share,
// common stock and APIC shares, gross margin, DSO, DPO and DIO.
var (
	manufacturing = profile{12000, 4000, 1500, 4000, 5000, 1500, 2500, 3500, 45, 35, 60}
	retail        = profile{25000, 5500, 1000, 4500, 6000, 2000, 2000, 3000, 15, 30, 45}
	services      = profile{15000, 5000, 2500, 3000, 5500, 1500, 3000, 4500, 60, 25, 0}
	technology    = profile{8000, 6000, 4000, 2500, 6000, 1000, 4000, 6500, 55, 40, 15}
	financial     = profile{3000, 7000, 3000, 7000, 7000, 2500, 3500, 8000, 30, 20, 0}
	healthcare    = profile{10000, 3500, 2000, 3500, 5000, 1500, 3000, 4000, 50, 30, 30}
	utilities     = profile{4000, 1500, 2000, 5500, 3500, 2000, 2500, 3500, 40, 45, 20}
	realEstate    = profile{2000, 1000, 3000, 6000, 3000, 2500, 3000, 5000, 30, 25, 0}
)

// profiles maps this generator's industries to DataSynth's industry types;
// DataSynth has no transportation type and treats unknown sectors as
// manufacturing, which fits a fleet operator's asset-heavy books.
var profiles = map[string]profile{
	"manufacturing": manufacturing, "retail": retail, "financial_services": financial,
	"healthcare": healthcare, "technology": technology, "professional_services": services,
	"energy": utilities, "telecommunications": utilities, "real_estate": realEstate,
	"transportation": manufacturing,
}

// Sheet is the opening balance sheet of one company.
type Sheet struct {
	Company string
	Digits  int
	// AsOf is the day the balances hold at the start of: global.start_date.
	AsOf time.Time
	// Balances holds the balance of every account of the chart, by chart
	// index, in minor units, debits positive and credits negative; accounts
	// that are not postable, and income-statement accounts, hold 0.
	Balances []int64
	// Revenue is the annual revenue the sheet was sized for.
	Revenue int64
}

// shape is what a company's opening sheet follows: its industry's profile,
// with the targets of the config's balance section in place of the
// figures they set.
type shape struct {
	profile
	b config.Balance
}

func shapeOf(cfg *config.Config) shape { return shape{profileOf(cfg.Global.Industry), cfg.Balance} }

// profileOf is industry's profile, manufacturing's for an industry
// DataSynth has no figures for.
func profileOf(industry string) profile {
	if p, ok := profiles[industry]; ok {
		return p
	}
	return manufacturing
}

// IndustryCostOfSales is the cost of sales of revenue rev at the gross
// margin of DataSynth's figures for industry (never at
// balance.target_gross_margin, which shapes the opening sheet alone).
func IndustryCostOfSales(industry string, rev int64) int64 {
	return shape{profile: profileOf(industry)}.cogs(rev)
}

// cogs is the cost of sales of revenue rev: rev less the gross margin.
func (s shape) cogs(rev int64) int64 {
	if s.b.HasGrossMargin {
		return rev - money.MulDiv(rev, s.b.GrossMargin.Micro, config.MicroPerUnit)
	}
	return rev - money.MulDiv(rev, s.margin, bp)
}

// receivables are the days of sales outstanding of revenue rev, payables
// the days of payables outstanding of cost of sales cogs.
func (s shape) receivables(rev int64) int64 {
	days := s.dso
	if s.b.HasDSO {
		days = int64(s.b.DSODays)
	}
	return money.MulDiv(rev, days, 365)
}

func (s shape) payables(cogs int64) int64 {
	days := s.dpo
	if s.b.HasDPO {
		days = int64(s.b.DPODays)
	}
	return money.MulDiv(cogs, days, 365)
}

// liabilities returns the liabilities of a sheet of total assets: the
// target debt-to-equity ratio's share of them, or else varied, the
// industry's debt share. currentLiabilities returns the current liabilities of
// current assets and liabilities liab: current assets over the target
// current ratio, no more than liab, or else varied, the industry's share of
// liab. Both draw their variation either way, so that a target changes
// only the figures it sets.
func (s shape) liabilities(total int64, vary func(int64) int64) int64 {
	liab := vary(money.MulDiv(total, s.debt, bp))
	if s.b.HasDebtToEquity {
		de := s.b.DebtToEquity.Micro
		liab = money.MulDiv(total, de, config.MicroPerUnit+de)
	}
	return liab
}

func (s shape) currentLiabilities(current, liab int64, vary func(int64) int64) int64 {
	cur := vary(money.MulDiv(liab, s.currentDebt, bp))
	if s.b.HasCurrentRatio {
		cur = min(money.MulDiv(current, config.MicroPerUnit, s.b.CurrentRatio.Micro), liab)
	}
	return cur
}

// Opening returns the opening balance sheet of company ci of cfg for the
// chart ch. It depends only on the config, the seed and the chart. With
// balance.generate_opening_balances false, every account opens at zero.
//
// The sheet is sized for revenue, what a year of the company's journal
// books (ledger's AnnualSales), and shaped by its industry, or by the
// targets of the config's balance section where they are set: current
// assets are the industry's share of that revenue divided by its asset
// turnover; receivables, inventory and payables follow from the days of
// sales, inventory and payables outstanding (the last two of the cost of
// sales that the gross margin leaves); the rest of current assets,
// liabilities and equity from the industry's composition and capital
// structure, or from the target debt-to-equity and current ratios.
// Retained earnings take what makes assets equal liabilities plus equity to
// the minor unit. GR/IR clearing, suspense accounts and the current year
// result open at zero.
//
// Receivables, payables and fixed assets open at what their subledgers
// and the asset register hold: held maps a chart index to that balance
// (debits positive: receivables and asset cost; credits negative:
// payables and accumulated depreciation), and accounts of those roles not
// in it open at zero. The receivables and payables the days outstanding
// would give (Targets) go to cash and to accrued liabilities where the
// subledgers do not hold them, so that the sheet keeps its size; where the
// subledgers hold more, cash and accrued liabilities give up at most half
// of their balance and retained earnings take the rest, down to zero:
// payables beyond that are held as cash. Non-current assets are the
// register's; liabilities and equity follow the capital structure of
// current assets plus the register. Inventory is split among the
// inventory accounts by stockWeights (one per account of the role, in the
// chart's order: the stock the document flows keep on each), or at random
// when stockWeights is nil.
func Opening(cfg *config.Config, seed uint64, ch *chart.Chart, ci int, revenue int64, held map[int]int64, stockWeights []int64) *Sheet {
	c := cfg.Companies[ci]
	p := shapeOf(cfg)
	s := &Sheet{Company: c.Code, Digits: c.Digits(), AsOf: cfg.Global.StartDate, Balances: make([]int64, len(ch.Accounts))}
	if !cfg.Balance.Opening {
		return s
	}
	// At least 1,000 units of the currency, so that a tiny volume still
	// gets a sheet with every line filled.
	rev := max(revenue, money.Pow10(s.Digits)*1000)
	s.Revenue = rev
	cogs := p.cogs(rev)

	r := rng.New(seed, "opening", c.Code)
	unit := money.Pow10(s.Digits)
	// vary moves a figure by up to 10% either way and gives it cents, as
	// DataSynth varies its figures: no two companies' sheets are alike.
	vary := func(x int64) int64 { return money.MulDiv(x, 900_000+r.Int64N(200_001), 1_000_000) + r.Int64N(unit) }

	total := vary(money.MulDiv(rev, bp, p.turnover))
	current := vary(money.MulDiv(total, p.current, bp))
	cash := vary(money.MulDiv(current, p.cash, bp))
	rest := current - cash
	ar := min(vary(p.receivables(rev)), money.MulDiv(rest, 7000, bp))
	rest -= ar
	inv := min(vary(money.MulDiv(cogs, p.dio, 365)), money.MulDiv(rest, 9000, bp))
	rest -= inv
	prepaid := vary(money.MulDiv(rest, 5000, bp))
	inputVAT := rest - prepaid

	// Non-current assets are what the register holds: liabilities and
	// equity follow the capital structure of the whole.
	total = current
	for _, r := range []chart.Role{chart.FixedAssets, chart.AccumDepr} {
		for _, a := range ch.ByRole(r) {
			total += held[a]
		}
	}
	liab := p.liabilities(total, vary)
	curLiab := p.currentLiabilities(current, liab, vary)
	ap := min(vary(p.payables(cogs)), money.MulDiv(curLiab, 6000, bp))
	restL := curLiab - ap
	accrued := vary(money.MulDiv(restL, 3500, bp))
	payroll := vary(money.MulDiv(restL, 2000, bp))
	outputVAT := restL - accrued - payroll
	borrowings := liab - curLiab
	equity := total - liab
	stock := vary(money.MulDiv(equity, p.stock, bp))
	premium := vary(money.MulDiv(equity, p.premium, bp))

	// The control and fixed-asset accounts hold what their subledgers and
	// register hold; what the sheet's receivables and payables leave
	// over moves to cash and accrued liabilities.
	var arOpen, apOpen int64
	for _, r := range []chart.Role{chart.Receivables, chart.Payables, chart.FixedAssets, chart.AccumDepr} {
		for _, a := range ch.ByRole(r) {
			s.Balances[a] = held[a]
			switch r {
			case chart.Receivables:
				arOpen += held[a]
			case chart.Payables:
				apOpen -= held[a]
			}
		}
	}
	// Cash and accrued liabilities give up at most half of themselves;
	// retained earnings take what is left over, as they take rounding.
	cash = max(cash+ar-arOpen, cash/2)
	accrued = max(accrued+ap-apOpen, accrued/2)

	put := func(role chart.Role, amount int64) { spread(s.Balances, ch, ch.ByRole(role), amount, r) }
	put(chart.Bank, cash)
	if stock := ch.ByRole(chart.Inventory); len(stock) > 0 && len(stockWeights) == len(stock) && slices.Max(stockWeights) > 0 {
		split(s.Balances, stock, inv, stockWeights)
	} else {
		put(chart.Inventory, inv)
	}
	put(chart.Prepaid, prepaid)
	put(chart.InputVAT, inputVAT)
	put(chart.Accrued, -accrued)
	put(chart.PayrollLiab, -payroll)
	put(chart.OutputVAT, -outputVAT)
	put(chart.Borrowings, -borrowings)

	retained := RetainedEarnings(ch)
	var capital, other []int
	for _, a := range ch.ByRole(chart.Equity) {
		switch ch.Accounts[a].SubType {
		case "retained_earnings", "net_income":
		case "common_stock":
			capital = append(capital, a)
		default:
			other = append(other, a)
		}
	}
	if len(other) == 0 {
		stock += premium
		premium = 0
	}
	spread(s.Balances, ch, capital, -stock, r)
	spread(s.Balances, ch, other, -premium, r)
	// Retained earnings balance the sheet exactly, whatever rounding did.
	var sum int64
	for _, b := range s.Balances {
		sum += b
	}
	s.Balances[retained] -= sum
	// Payables beyond what the liabilities leave room for would turn
	// retained earnings into a deficit: the cash not yet paid to vendors
	// holds them instead.
	if d := s.Balances[retained]; d > 0 {
		s.Balances[retained] = 0
		if bank := ch.ByRole(chart.Bank); len(bank) > 0 {
			s.Balances[bank[0]] += d
		} else {
			s.Balances[retained] = d
		}
	}
	return s
}

// Targets returns the receivables and payables that an opening sheet of
// company ci carries for revenue (days of sales and of payables
// outstanding, of the industry or the config's targets): what the
// subledgers' opening open items would add up to. Without opening balances
// both are zero.
func Targets(cfg *config.Config, ci int, revenue int64) (receivables, payables int64) {
	if !cfg.Balance.Opening {
		return 0, 0
	}
	p := shapeOf(cfg)
	rev := max(revenue, money.Pow10(cfg.Companies[ci].Digits())*1000)
	return p.receivables(rev), p.payables(p.cogs(rev))
}

// RetainedEarnings returns the chart index of the account that takes a
// fiscal year's result when the next year opens: the first retained
// earnings account.
func RetainedEarnings(ch *chart.Chart) int {
	eq := ch.ByRole(chart.Equity)
	for _, a := range eq {
		if ch.Accounts[a].SubType == "retained_earnings" {
			return a
		}
	}
	return eq[0]
}

const bp = 10_000

// shareWeight draws the weights of spread's accounts other than the
// first. They are log-uniform, so that the shares' first digits follow
// Benford's law, and with them the monthly parts that repay a loan or
// release a prepaid expense (a sixtieth or a twenty-fourth of its balance,
// the same amount every month): evenly drawn weights gave every digit the
// same chance, and on a large chart those repeated amounts pulled a
// company's journal away from Benford.
var shareWeight = rng.NewLogUniform(100, 999)

// spread divides amount among accounts with seeded weights, the first
// account (the main one of its group: the operating bank account, domestic
// receivables) weighing most; the shares add up to amount exactly.
func spread(bal []int64, ch *chart.Chart, accounts []int, amount int64, r *rand.Rand) {
	if len(accounts) == 0 || amount == 0 {
		return
	}
	w := make([]int64, len(accounts))
	for i := range w {
		w[i] = int64(shareWeight.Draw(r))
		if i == 0 {
			w[i] = 1500 + r.Int64N(1500)
		}
	}
	split(bal, accounts, amount, w)
}

// split divides amount among accounts in proportion to the weights w (one
// per account, their sum positive); the shares add up to amount exactly.
func split(bal []int64, accounts []int, amount int64, w []int64) {
	var sum int64
	for _, v := range w {
		sum += v
	}
	neg := amount < 0
	if neg {
		amount = -amount
	}
	left := amount
	for i, a := range accounts {
		part := left
		if i < len(accounts)-1 {
			part = money.MulDiv(amount, w[i], sum)
		}
		left -= part
		if neg {
			part = -part
		}
		bal[a] += part
	}
}

// OpeningColumns are the columns of balance/opening_balances: one row per
// company and postable account. DataSynth writes each company's balances as
// a map from account to amount under its company_code and as_of_date; the
// row form adds the account's name, type and category, the currency, and
// the balance split by side.
var OpeningColumns = []table.Column{
	{Name: "company_code"}, {Name: "as_of_date", Kind: table.Date}, {Name: "account_code"}, {Name: "account_name"},
	{Name: "account_type"}, {Name: "category"}, {Name: "balance", Kind: table.Amount},
	{Name: "debit_balance", Kind: table.Amount}, {Name: "credit_balance", Kind: table.Amount}, {Name: "currency"},
}

// Rows calls emit with the row of every postable account of s, in chart
// order. The row is reused after emit returns.
func (s *Sheet) Rows(ch *chart.Chart, currency string, emit func(row []table.Value) error) error {
	var row []table.Value
	asOf := table.Days(s.AsOf)
	for a := range ch.Accounts {
		acct := &ch.Accounts[a]
		if !acct.Postable {
			continue
		}
		b := s.Balances[a]
		row = append(row[:0], table.Str(s.Company), table.D(asOf), table.Str(acct.Number), table.Str(acct.Name),
			table.Str(acct.Type), table.Str(Category(acct)), table.A(b, s.Digits),
			table.A(max(b, 0), s.Digits), table.A(max(-b, 0), s.Digits), table.Str(currency))
		if err := emit(row); err != nil {
			return err
		}
	}
	return nil
}
