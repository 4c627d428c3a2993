package ledger

import (
	"fmt"
	"math/bits"
	"math/rand/v2"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
)

// amountProfile is the typical size of one kind of document: its lines
// are drawn from lo to lo x 10^decades US dollars, converted into the
// company's currency. A range of whole decades keeps the first digits of
// log-uniform amounts exactly Benford-distributed, so the mixture of all
// kinds is too.
type amountProfile struct {
	lo      int64 // US dollars
	decades int
}

// amountProfiles by template name. Expense claims are small, goods
// receipts and asset purchases large; recurring postings (payroll,
// depreciation, accruals) are computed, not drawn.
var amountProfiles = map[string]amountProfile{
	"vendor_invoice":        {100, 3},
	"vendor_payment":        {100, 3},
	"goods_receipt":         {500, 3},
	"customer_invoice":      {50, 3},
	"customer_receipt":      {50, 3},
	"cost_of_sales":         {20, 3},
	"asset_acquisition":     {2_000, 3},
	"prepayment":            {200, 2},
	"finance_costs":         {10, 3},
	"other_income":          {50, 3},
	"loan_repayment":        {5_000, 2},
	"expense_claim":         {10, 2},
	"manual_revenue":        {20, 2}, // as revenue_deferral, whose text it shares
	"cost_reclassification": {50, 2},
	"revenue_deferral":      {20, 2},
}

// salesCut returns a warning when max_amount (max, in the minor units of
// company c's currency) cuts the range of its customer invoices, as the
// default 1,000,000 does for a currency worth a hundredth of a dollar:
// its sales then shrink to fit, while payroll, computed from salaries,
// keeps its size (lines above max_amount split), so the company books a
// loss that no accountant would expect of it.
func salesCut(c config.Company, perUSD int64, digits int, max int64) string {
	p := amountProfiles["customer_invoice"]
	hi := p.lo * perUSD * money.Pow10(digits) / 1_000_000
	for range p.decades {
		hi = mulCap(hi, 10)
	}
	if hi <= max {
		return ""
	}
	usd := p.lo
	for range p.decades {
		usd *= 10
	}
	return fmt.Sprintf("%s: transactions.amounts.max_amount is %s %s, below its largest customer invoice line (%d USD, %s %s): "+
		"its sales and purchases shrink to fit while its payroll keeps its size, so it books a loss; raise max_amount to at least %s",
		c.Code, money.AppendMinor(nil, max, digits), c.Currency, usd, money.AppendMinor(nil, hi, digits), c.Currency, money.AppendMinor(nil, hi, digits))
}

// defaultProfile is for a template without a profile of its own.
var defaultProfile = amountProfile{100, 3}

// amountRange is a profile in one company's minor units, inside the
// config's min_amount..max_amount.
type amountRange struct {
	dist   rng.LogUniform
	lo, hi int64
}

// holds reports whether a split just below approval threshold th (up to
// a twentieth below it) lies within the range.
func (rg amountRange) holds(th int64) bool { return th <= rg.hi && th-th/20 > rg.lo }

// newAmountRange places profile p for a company whose currency trades at
// perUSD (millionths of a unit per US dollar) with digits minor digits,
// inside [min, max] minor units. The window keeps its whole decades where
// the limits allow: it slides inside them first, and only shrinks (by
// whole decades, then to the limits themselves) when they are narrower.
func newAmountRange(p amountProfile, perUSD int64, digits int, min, max int64) amountRange {
	// lo in minor units: dollars x rate x 10^digits / 10^6, at least 1.
	lo := p.lo * perUSD * money.Pow10(digits) / 1_000_000
	if lo < 1 {
		lo = 1
	}
	k := p.decades
	for k > 0 && !fitsDecades(min, max, k) {
		k--
	}
	hi := lo
	for range k {
		hi = mulCap(hi, 10)
	}
	switch {
	case k == 0:
		lo, hi = min, max
	case lo < min:
		lo, hi = min, min
		for range k {
			hi *= 10
		}
	case hi > max:
		hi, lo = max, max
		for range k {
			lo /= 10
		}
	}
	return amountRange{dist: rng.NewLogUniform(uint64(lo), uint64(hi)), lo: lo, hi: hi}
}

// fitsDecades reports whether k whole decades fit between min and max.
func fitsDecades(min, max int64, k int) bool {
	v := min
	for range k {
		if v > max/10 {
			return false
		}
		v *= 10
	}
	return v <= max
}

func mulCap(a, b int64) int64 {
	if a > rng.MaxLogUniform/b {
		return rng.MaxLogUniform
	}
	return a * b
}

// below returns the range scaled down so that its top is top: the lines of
// a document with many of them, which together must stay within
// max_amount. Scaling keeps the log-uniform shape. Where the scaled bottom
// would fall under min, the range keeps as many whole decades below top as
// min allows, or is min..top.
func (a amountRange) below(top, min int64) amountRange {
	lo := int64(mulDiv(uint64(a.lo), uint64(top), uint64(a.hi)))
	if lo < min {
		lo = top
		for lo/10 >= min {
			lo /= 10
		}
		if lo == top {
			lo = min
		}
	}
	return amountRange{dist: rng.NewLogUniform(uint64(lo), uint64(top)), lo: lo, hi: top}
}

// draw returns one amount: log-uniform (Benford) or uniform.
func (a *amountRange) draw(r *rand.Rand, benford bool) int64 {
	if benford {
		return int64(a.dist.Draw(r))
	}
	return int64(a.dist.Uniform(r))
}

// scaled returns the range moved by num/den, its bounds' ratio (its whole
// decades) kept inside [min, max] where they fit, cut to the limits where
// they do not.
func (a amountRange) scaled(num, den, min, max int64) amountRange {
	ratio := a.hi / a.lo
	lo := money.MulDiv(a.lo, num, den)
	lo = clampLo(lo, min)
	hi := mulCap(lo, ratio)
	if hi > max || hi/ratio != lo {
		hi = max
		lo = clampLo(max/ratio, min)
	}
	if lo > hi {
		lo = hi
	}
	return amountRange{dist: rng.NewLogUniform(uint64(lo), uint64(hi)), lo: lo, hi: hi}
}

func clampLo(lo, min int64) int64 { return max(lo, min, 1) }

// split appends n parts of total to dst, each at least min (total >= n x
// min), uneven as the lines of one invoice are: each part takes a share of
// what is above the minimums in proportion to a squared uniform weight. The
// parts sum to total exactly.
func split(dst []int64, r *rand.Rand, total int64, n int, min int64) []int64 {
	if n == 1 {
		return append(dst, total)
	}
	var w [16]uint64
	ws := w[:0]
	if n > len(w) {
		ws = make([]uint64, 0, n)
	}
	var sum uint64
	for range n {
		x := 1 + r.Uint64N(32)
		ws = append(ws, x*x)
		sum += x * x
	}
	rest := uint64(total - int64(n)*min)
	var given uint64
	for i, x := range ws {
		var part uint64
		if i == n-1 {
			part = rest - given
		} else {
			part = mulDiv(rest, x, sum)
		}
		given += part
		dst = append(dst, min+int64(part))
	}
	return dst
}

// mulDiv returns a x b / c, rounded down, for a x b / c < 2^64.
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// roundAmount rounds v down to three significant digits: 47,312.85
// becomes 47,300.00, 59.97 becomes 59.90. What an invented figure looks
// like, spread over as many values as the amounts themselves, so that no
// single amount marks it.
func roundAmount(v int64) int64 {
	step := int64(1)
	for v/step >= 1000 {
		step *= 10
	}
	return v / step * step
}
