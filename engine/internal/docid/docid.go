// Package docid formats document identifiers shared by the journal and the
// document flows.
package docid

const hexDigits = "0123456789abcdef"

// AppendUUID appends a version-4-shaped UUID built from two random words.
func AppendUUID(b []byte, hi, lo uint64) []byte {
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	for i, shift := 0, 60; shift >= 0; i, shift = i+1, shift-4 {
		if i == 8 || i == 12 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[hi>>uint(shift)&0xf])
	}
	for i, shift := 0, 60; shift >= 0; i, shift = i+1, shift-4 {
		if i == 0 || i == 4 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[lo>>uint(shift)&0xf])
	}
	return b
}
