package signal

import (
	"fmt"
	"strings"
)

// laPosteSIREN is La Poste's SIREN: its SIRETs' key is a sum of digits
// multiple of 5, as INSEE gives it more establishments than a Luhn key
// tells apart.
const laPosteSIREN = "356000000"

// NormalizeSIREN returns the 9 digits of a SIREN written with or without
// spaces ("732 829 320"), with a valid Luhn key; ErrSIREN otherwise.
func NormalizeSIREN(s string) (string, error) {
	d, ok := digits(s, 9)
	if !ok || !luhn(d) {
		return "", fmt.Errorf("%w: %q", ErrSIREN, s)
	}
	return d, nil
}

// NormalizeSIRET returns the 14 digits of a SIRET written with or without
// spaces, whose SIREN and whole number have valid keys; ErrSIRET
// otherwise.
func NormalizeSIRET(s string) (string, error) {
	d, ok := digits(s, 14)
	if !ok || !luhn(d[:9]) || !(luhn(d) || d[:9] == laPosteSIREN && digitSum(d)%5 == 0) {
		return "", fmt.Errorf("%w: %q", ErrSIRET, s)
	}
	return d, nil
}

// digits drops the spaces people and registers put in identifiers and
// requires n digits.
func digits(s string, n int) (string, bool) {
	d := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	if len(d) != n {
		return "", false
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return d, true
}

// luhn checks the Luhn key of a string of digits.
func luhn(d string) bool {
	sum := 0
	for i := range len(d) {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

func digitSum(d string) int {
	sum := 0
	for i := range len(d) {
		sum += int(d[i] - '0')
	}
	return sum
}
