package masterdata

import (
	"testing"

	"datasynth.dev/engine/config"
)

func TestIDs(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{VendorID("1000", 0), "V-1000-000001"},
		{CustomerID("DE01", 41), "C-DE01-000042"},
		{MaterialID("X", 999999), "M-X-1000000"},
		{EmployeeID("1000", 4), "E-1000-00005"},
		{UserID("1000", 4), "U1000-00005"},
		{CostCenterID("1000", 9), "CC-1000-0010"},
		{ProfitCenterID("1000", 0), "PC-1000-001"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}

func TestSizesScaleWithoutCap(t *testing.T) {
	small := SizesFor(config.Company{AnnualVolume: 10_000}, "small")
	huge := SizesFor(config.Company{AnnualVolume: 100_000_000}, "large")
	if small.Vendors != 45 || small.CostCenters != 10 || small.ProfitCenters != 3 {
		t.Fatalf("small sizes %+v", small)
	}
	if huge.Vendors != 250_020 || huge.Customers != 400_030 || huge.CostCenters != 80 {
		t.Fatalf("hundred_m sizes %+v", huge)
	}
	for cc := range huge.CostCenters {
		if pc := huge.ProfitCenterOf(cc); pc < 0 || pc >= huge.ProfitCenters {
			t.Fatalf("cost centre %d maps to profit centre %d of %d", cc, pc, huge.ProfitCenters)
		}
	}
}
