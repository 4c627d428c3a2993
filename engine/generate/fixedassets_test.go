package generate

import (
	"encoding/json"
	"testing"
)

// TestFixedAssetsTieToRegister recomputes the fixed-asset accounts from
// master_data/fixed_assets.csv alone: at every period end each asset
// account holds the cost of the register's assets on it bought by then and
// not disposed of, and every asset bought during the period is debited to
// its account by an asset acquisition entry (AA) on its acquisition date.
// With the books opening empty, only the assets bought during the period
// are in them, and accumulated depreciation never exceeds their cost.
func TestFixedAssetsTieToRegister(t *testing.T) {
	for _, opening := range []bool{true, false} {
		section := "fraud: {enabled: false}\n"
		if !opening {
			section += "balance: {generate_opening_balances: false}\n"
		}
		res, cfg := balanceRun(t, section)
		start, end := cfg.Global.StartDate.Format("2006-01-02"), cfg.Global.EndDate().Format("2006-01-02")
		type asset struct {
			account, accum, bought, disposed string
			cost                             int64
		}
		var assets []asset
		bought := map[string]int64{} // in-period purchases by "date account"
		eachRow(t, res.Dir, "master_data/fixed_assets.csv", func(cols map[string]int, rec []string) {
			var det struct {
				Asset string `json:"asset_account"`
				Accum string `json:"accumulated_depreciation_account"`
			}
			if err := json.Unmarshal([]byte(rec[cols["account_determination"]]), &det); err != nil {
				t.Fatal(err)
			}
			a := asset{det.Asset, det.Accum, rec[cols["acquisition_date"]], rec[cols["disposal_date"]], minor(t, rec[cols["acquisition_cost"]])}
			assets = append(assets, a)
			if a.bought >= start && a.bought <= end {
				bought[a.bought+" "+a.account] += a.cost
			}
		})
		if len(bought) == 0 {
			t.Fatalf("opening %v: no asset bought during the period among %d", opening, len(assets))
		}
		posted := map[string]int64{}
		eachRow(t, res.Dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
			if dr := minor(t, rec[cols["debit_amount"]]); rec[cols["document_type"]] == "AA" && dr != 0 {
				posted[rec[cols["posting_date"]]+" "+rec[cols["gl_account"]]] += dr
			}
		})
		for k, v := range bought {
			if posted[k] != v {
				t.Errorf("opening %v: %s: the register buys %d, asset acquisitions debit %d", opening, k, v, posted[k])
			}
		}
		if len(posted) != len(bought) {
			t.Errorf("opening %v: asset acquisitions post on %d dates and accounts, the register buys on %d", opening, len(posted), len(bought))
		}

		type key struct{ end, account string }
		closing := map[key]int64{}
		ends := map[string]bool{}
		for _, row := range readTrialBalances(t, res.Dir) {
			closing[key{row.end, row.account}] = row.close
			ends[row.end] = true
		}
		if len(ends) != 12 {
			t.Fatalf("opening %v: %d period ends", opening, len(ends))
		}
		for e := range ends {
			want := map[string]int64{}
			accums := map[string]bool{}
			var cost int64
			for _, a := range assets {
				accums[a.accum] = true
				if a.bought > e || a.disposed != "" && a.disposed <= e || !opening && a.bought < start {
					continue
				}
				want[a.account] += a.cost
				cost += a.cost
			}
			for acct, v := range want {
				if closing[key{e, acct}] != v {
					t.Errorf("opening %v: %s: account %s closes at %d, the register holds %d", opening, e, acct, closing[key{e, acct}], v)
				}
			}
			var accum int64
			for acct := range accums {
				accum -= closing[key{e, acct}]
			}
			if accum < 0 || accum > cost {
				t.Errorf("opening %v: %s: accumulated depreciation %d against a cost of %d", opening, e, accum, cost)
			}
		}
	}
}
