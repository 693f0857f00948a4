// Package siren checks the keys of French business identifiers: the SIREN
// (9 digits, a company) and the SIRET (14 digits: the SIREN and the
// establishment's number), as INSEE assigns them. The services give their
// own messages for what is wrong; the rules are here once.
package siren

import "strings"

// LaPoste is La Poste's SIREN. La Poste has more establishments than the
// Luhn key of a SIRET can tell apart, so INSEE gives its SIRETs a key of
// their own: the sum of the 14 digits is a multiple of 5. Its head office
// (35600000000048) and the SIREN itself follow Luhn.
const LaPoste = "356000000"

// Strip removes the spaces people and registers put in identifiers ("732
// 829 320"), the non-breaking ones of French formatting included.
func Strip(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f':
			return -1
		}
		return r
	}, s)
}

// Digits tells whether d is made of n ASCII digits.
func Digits(d string, n int) bool {
	if len(d) != n {
		return false
	}
	for i := range len(d) {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// Luhn reports whether a string of ASCII digits passes the Luhn check:
// from the right, every second digit is doubled (minus 9 when above 9),
// and the sum is a multiple of 10. It catches a mistyped digit and most
// swaps of two neighbours.
func Luhn(d string) bool {
	sum := 0
	for i := range len(d) {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// Valid tells whether d is a SIREN: 9 digits with a valid Luhn key.
func Valid(d string) bool { return Digits(d, 9) && Luhn(d) }

// ValidSIRET tells whether d is a SIRET: 14 digits whose first 9 are a
// valid SIREN and whose key over the 14 holds (Luhn, or La Poste's).
func ValidSIRET(d string) bool { return Digits(d, 14) && Luhn(d[:9]) && SIRETKey(d) }

// SIRETKey checks the key of 14 digits over the whole number: Luhn, or
// for La Poste's establishments a digit sum multiple of 5. Luhn is
// accepted for La Poste too: its head office uses it, and refusing a real
// establishment costs more than missing the odd typo.
func SIRETKey(d string) bool {
	if Luhn(d) {
		return true
	}
	if d[:9] != LaPoste {
		return false
	}
	sum := 0
	for i := range len(d) {
		sum += int(d[i] - '0')
	}
	return sum%5 == 0
}
