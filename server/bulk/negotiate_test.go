package bulk

import "testing"

func TestNegotiate(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                   formatSummary,
		"*/*":                                formatSummary,
		"application/*":                      formatSummary,
		"application/json":                   formatSummary,
		"text/csv":                           formatCSV,
		"application/json, text/csv;q=0.5":   formatSummary,
		"application/json;q=0.4, text/csv":   formatCSV,
		"application/x-ndjson":               formatNDJSON,
		"text/csv;q=0.4, application/gzip":   formatTarGz,
		"application/x-tar+gzip":             formatTarGz,
		"application/jsonl;q=0.9, */*;q=0.1": formatNDJSON,
		"*/*;q=0.9, application/jsonl;q=0.1": formatSummary,
		"image/png":                          "",
	} {
		if got, _ := negotiate(accept); got != want {
			t.Errorf("%q: %q, want %q", accept, got, want)
		}
	}
}
