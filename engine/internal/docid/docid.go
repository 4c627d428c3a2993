// Package docid formats document identifiers shared by the journal and the
// document flows.
package docid

import (
	"encoding/binary"
	"encoding/hex"
)

// AppendUUID appends a version-4-shaped UUID built from two random words.
// It is formatted in a fixed array and appended once: every journal entry
// and most flow rows carry one.
func AppendUUID(b []byte, hi, lo uint64) []byte {
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], hi&^0xf000|0x4000)     // version 4
	binary.BigEndian.PutUint64(raw[8:], lo&^(0xc<<60)|0x8<<60) // RFC 4122 variant
	var u [36]byte
	hex.Encode(u[0:8], raw[0:4])
	u[8] = '-'
	hex.Encode(u[9:13], raw[4:6])
	u[13] = '-'
	hex.Encode(u[14:18], raw[6:8])
	u[18] = '-'
	hex.Encode(u[19:23], raw[8:10])
	u[23] = '-'
	hex.Encode(u[24:36], raw[10:16])
	return append(b, u[:]...)
}
