package table

import (
	"testing"
	"time"
)

func TestAppendDate(t *testing.T) {
	for d := int64(-800000); d < 3000000; d += 13 {
		want := epoch.AddDate(0, 0, int(d)).Format(time.DateOnly)
		if got := string(AppendDate(nil, d)); got != want {
			t.Fatalf("day %d: %s, want %s", d, got, want)
		}
	}
}
