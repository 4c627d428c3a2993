// Package docid formats document identifiers shared by the journal and the
// document flows.
package docid

import (
	"encoding/binary"
)

// AppendPadded appends v, which is not negative, in decimal, zero-padded to
// width digits (at most 20): the numbers of document, vendor, customer and
// user identifiers. The digits are written right to left into an array and
// appended with one copy.
func AppendPadded(b []byte, v int64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	u := uint64(v)
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	for i > len(buf)-width {
		i--
		buf[i] = '0'
	}
	return append(b, buf[i:]...)
}

// AppendUUID appends a version-4-shaped UUID built from two random words.
// It is formatted in a fixed array and appended once: every journal entry
// and most flow rows carry one. The hex digits are made eight at a time in
// a word (hex8) rather than through a table lookup per digit.
func AppendUUID(b []byte, hi, lo uint64) []byte {
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	var u [36]byte
	binary.BigEndian.PutUint64(u[0:], hex8(uint32(hi>>32)))
	h := hex8(uint32(hi))
	binary.BigEndian.PutUint32(u[9:], uint32(h>>32))
	binary.BigEndian.PutUint32(u[14:], uint32(h))
	l := hex8(uint32(lo >> 32))
	binary.BigEndian.PutUint32(u[19:], uint32(l>>32))
	binary.BigEndian.PutUint32(u[24:], uint32(l))
	binary.BigEndian.PutUint64(u[28:], hex8(uint32(lo)))
	u[8], u[13], u[18], u[23] = '-', '-', '-', '-'
	return append(b, u[:]...)
}

// hex8 returns the eight lower-case hex digits of v as ASCII bytes, the
// first digit in the most significant byte.
func hex8(v uint32) uint64 {
	// Spread the nibbles one to a byte, in order.
	x := uint64(v)
	x = (x | x<<16) & 0x0000ffff0000ffff
	x = (x | x<<8) & 0x00ff00ff00ff00ff
	x = (x | x<<4) & 0x0f0f0f0f0f0f0f0f
	// Nibbles 10 to 15 carry into bit 4 when 6 is added: they become
	// 'a' to 'f', 39 past '0' + 10.
	letters := (x + 0x0606060606060606) >> 4 & 0x0101010101010101
	return x + 0x3030303030303030 + letters*39
}
