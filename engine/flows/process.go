package flows

import "datasynth.dev/engine/config"

// Rates of the flows' variations that no config key sets, in parts per
// million.
const (
	secondPartLostPPM = 250_000 // an order delivered in parts whose second part never comes
	noInvoicePPM      = 20_000  // a receipt or delivery never invoiced
	remainderLostPPM  = 200_000 // an invoice paid in instalments whose second never comes
	earlyPaymentPPM   = 150_000
)

// process is how one flow (procure-to-pay or order-to-cash) runs, from the
// config's document_flows section: whether it runs, its rates in parts per
// million, and its delays in days.
type process struct {
	on bool
	// partialPPM: an order delivered in two parts; unpaidPPM: an invoice
	// never paid (dispute, payment block, bad debt); latePPM: paid 5-40
	// days late; partialPayPPM: paid in two instalments.
	partialPPM, unpaidPPM, latePPM, partialPayPPM uint64
	toReceipt, toInvoice, remainder               config.Delay
	// byTerms: invoices are paid around their due date; otherwise payDays
	// after the invoice date on average, around a day payShift days
	// earlier: the mean shift of late (5-40 days after) and early (4-10
	// days before) payments.
	byTerms           bool
	payDays, payShift int32
}

func newProcess(p config.Process) process {
	return process{
		on: p.Enabled, partialPPM: uint64(p.Partial.Micro), unpaidPPM: uint64(p.Unpaid.Micro),
		latePPM: uint64(p.Late.Micro), partialPayPPM: uint64(p.PartialPay.Micro),
		toReceipt: p.ToReceipt, toInvoice: p.ToInvoice, remainder: p.Remainder,
		byTerms: !p.HasPaymentDays, payDays: int32(p.PaymentDays),
		payShift: shift(uint64(p.Late.Micro)),
	}
}

// shift is the mean days by which a payment moves off its day when a
// share latePPM of payments fall 5-40 days (22.5 on average) after it and
// earlyPaymentPPM of the rest 4-10 days (7) before, rounded to a day.
func shift(latePPM uint64) int32 {
	const m = 1_000_000
	num := int64(latePPM)*45*m - int64(m-latePPM)*earlyPaymentPPM*14 // in half days x 10^12
	den := int64(2 * m * m)
	if num < 0 {
		return int32((num - den/2) / den)
	}
	return int32((num + den/2) / den)
}
