package ledger

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/masterdata"
)

// checkJSONMatchesCSV decodes every JSON entry of the first blocks of l and
// compares each value with what encoding/csv reads from the CSV that
// EncodeCSV wrote for the same block.
func checkJSONMatchesCSV(t *testing.T, l *Ledger, blocks int64) {
	t.Helper()
	var enc EntryEncoder
	var blk Block
	for b := range min(blocks, l.Blocks(0)) {
		l.Generate(0, b, &blk)
		blk.EncodeCSV()
		recs, err := csv.NewReader(bytes.NewReader(blk.CSV)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		next, docs := 0, 0
		err = enc.Encode(&blk, func(entry []byte) error {
			docs++
			var doc map[string]any
			dec := json.NewDecoder(bytes.NewReader(entry))
			dec.UseNumber()
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("invalid JSON %s: %v", entry, err)
			}
			for _, ln := range doc["lines"].([]any) {
				rec := recs[next]
				next++
				for i, col := range Columns {
					v, ok := doc[col]
					if !ok {
						v = ln.(map[string]any)[col]
					}
					var got string
					switch x := v.(type) {
					case string:
						got = x
					case json.Number:
						got = x.String()
					case bool:
						got = map[bool]string{true: "true", false: "false"}[x]
					case nil:
						// Empty columns are left out, as DataSynth does.
					default:
						t.Fatalf("%s: unexpected %T", col, v)
					}
					if got != rec[i] {
						t.Fatalf("%s: JSON %q, CSV %q", col, got, rec[i])
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if next != len(recs) || int64(docs) != blk.Entries {
			t.Fatalf("block %d: %d of %d lines, %d of %d documents", b, next, len(recs), docs, blk.Entries)
		}
	}
}

func TestEntryEncoderMatchesCSV(t *testing.T) {
	l, _ := demoLedger(t)
	checkJSONMatchesCSV(t, l, 3)
}

// TestEncodersQuote runs both encoders on a company whose code needs
// quoting in CSV and escaping in JSON, and checks the identifiers against
// the master-data functions that define them.
func TestEncodersQuote(t *testing.T) {
	cfg, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	code := "Q\"1,\u00e9\\<x>\n"
	cfg.Companies[0].Code = code
	ch, err := chart.Build(cfg.Global.Industry, 100, true)
	if err != nil {
		t.Fatal(err)
	}
	l := New(cfg, 3, ch)
	checkJSONMatchesCSV(t, l, 2)

	var blk Block
	l.Generate(0, 0, &blk)
	blk.EncodeCSV()
	recs, err := csv.NewReader(bytes.NewReader(blk.CSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if r[1] != code {
			t.Fatalf("company_code %q", r[1])
		}
		seen[r[11][:2]] = true
		if r[22] != "" && r[22][:3] != "CC-" {
			t.Fatalf("cost_center %q", r[22])
		}
	}
	co := &l.companies[0]
	for i := range int32(1200) {
		for _, c := range []struct {
			p    *idPrefix
			want string
		}{
			{&co.vend, masterdata.VendorID(code, int(i))}, {&co.cust, masterdata.CustomerID(code, int(i))},
			{&co.user, masterdata.UserID(code, int(i))}, {&co.costCenter, masterdata.CostCenterID(code, int(i))},
			{&co.profitCenter, masterdata.ProfitCenterID(code, int(i))},
		} {
			var s string
			if err := json.Unmarshal(c.p.appendJSON(nil, i), &s); err != nil || s != c.want {
				t.Fatalf("JSON id %d: %q, %v; want %q", i, s, err, c.want)
			}
			rec, err := csv.NewReader(bytes.NewReader(append(c.p.appendCSV(nil, i), '\n'))).Read()
			if err != nil || rec[0] != c.want {
				t.Fatalf("CSV id %d: %q, %v; want %q", i, rec, err, c.want)
			}
		}
	}
}
