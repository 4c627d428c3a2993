package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// Flag values arrive as strings from either the command line or the
// environment; these parse them with messages that say what is allowed.

func castFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}

func castInt(s string, lo int) (int, error) {
	i, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	if i < lo {
		return 0, fmt.Errorf("%d is below %d", i, lo)
	}
	return i, nil
}

type durationField struct {
	d         *time.Duration
	allowZero bool
}

func castDuration(s string, allowZero bool) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 30s or 2m", s)
	}
	if d < 0 || d == 0 && !allowZero {
		return 0, fmt.Errorf("%s must be above 0", d)
	}
	return d, nil
}

// parseSize reads a byte size with go-humanize: a number with an optional
// unit, SI (kB, MB, GB: powers of 1000) or IEC (KiB, MiB, GiB: powers of
// 1024). Fractions such as 1.5MiB are accepted and rounded down.
func parseSize(s string) (uint64, error) {
	n, err := humanize.ParseBytes(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a size such as 1048576, 512KiB or 1GiB", s)
	}
	return n, nil
}
