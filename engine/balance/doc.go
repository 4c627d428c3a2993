// Package balance makes the books add up across a run: each company's
// opening balance sheet, the trial balance of every fiscal period, and
// the checks that tie them to the journal.
//
// Opening balances depend only on the config, the seed and the chart, so
// that any range of journal blocks can be generated without the others and
// still start from the same sheet. Assets equal liabilities plus equity to
// the minor unit: retained earnings take whatever rounding leaves.
//
// Trial balances are computed from the journal as it is generated, never by
// reading files back: a Tally adds every block's line amounts per company,
// period and account in integer minor units, so the sums are the same for
// any thread count and block order. Each period's closing balance is its
// opening balance plus its debits minus its credits; the next period opens
// there, except that a new fiscal year opens income-statement accounts at
// zero and moves their result into retained earnings.
//
// A Validation records what the trial balances show (entries balanced,
// debits equal credits per period, roll-forward, opening sheet balanced,
// trial balances equal to the journal's document totals) and writes it as
// balance_validation.json. A check whose inputs a dataset lacks is listed
// as not_run, never as passed.
package balance
