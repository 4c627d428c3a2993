package main

import "testing"

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"1048576", 1 << 20, true},
		{"1MiB", 1 << 20, true},
		{" 512 KiB ", 512 << 10, true},
		{"2GB", 2_000_000_000, true},
		{"1G", 1_000_000_000, true},
		{"10B", 10, true},
		{"1.5MiB", 3 << 19, true},
		{"-1", 0, false},
		{"huge", 0, false},
		{"99999999999TiB", 0, false},
	} {
		got, err := parseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCastDuration(t *testing.T) {
	for in, ok := range map[string]bool{"30s": true, "0s": false, "-1s": false, "soon": false} {
		if _, err := castDuration(in, false); (err == nil) != ok {
			t.Errorf("castDuration(%q): %v", in, err)
		}
	}
	if d, err := castDuration("0", true); err != nil || d != 0 {
		t.Errorf("zero allowed: %v %v", d, err)
	}
}
