package check

import (
	"fmt"
	"strings"
)

// laPosteSIREN is La Poste's SIREN. La Poste has more establishments than the
// Luhn key of a NIC can tell apart, so INSEE gives its SIRETs a key of their own:
// the sum of the 14 digits is a multiple of 5. The head office (35600000000048)
// and the SIREN itself follow Luhn.
const laPosteSIREN = "356000000"

// SIREN checks a SIREN (company number): 9 digits, spaces allowed, and a valid
// Luhn key.
func SIREN(s string) error {
	_, err := NormalizeSIREN(s)
	return err
}

// NormalizeSIREN returns the 9 digits of a valid SIREN written with or without
// spaces ("732 829 320").
func NormalizeSIREN(s string) (string, error) {
	d, err := digits("SIREN", s, 9)
	if err != nil {
		return "", err
	}
	if !luhn(d) {
		return "", fail("SIREN check digit is wrong", ErrChecksum)
	}
	return d, nil
}

// SIRET checks a SIRET (establishment number): 14 digits, spaces allowed, a
// valid SIREN in the first 9 and a valid key over the 14 (see laPosteSIREN for
// La Poste's exception).
func SIRET(s string) error {
	_, err := NormalizeSIRET(s)
	return err
}

// NormalizeSIRET returns the 14 digits of a valid SIRET written with or without
// spaces ("732 829 320 00074").
func NormalizeSIRET(s string) (string, error) {
	d, err := digits("SIRET", s, 14)
	if err != nil {
		return "", err
	}
	if !luhn(d[:9]) {
		return "", fail("SIRET check digit is wrong: its SIREN part fails", ErrChecksum)
	}
	// Luhn is accepted for La Poste too: its head office uses it, and rejecting a
	// real establishment costs more than missing the odd typo.
	if !luhn(d) && !(d[:9] == laPosteSIREN && digitSum(d)%5 == 0) {
		return "", fail("SIRET check digit is wrong", ErrChecksum)
	}
	return d, nil
}

// digits removes the spaces people put in identifiers (including the
// non-breaking ones French formatting uses) and checks that n digits remain.
func digits(what, s string, n int) (string, error) {
	d := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f':
			return -1
		}
		return r
	}, s)
	if d == "" {
		return "", fail(what+" is empty", ErrRequired, ErrFormat)
	}
	for i := range len(d) {
		if d[i] < '0' || d[i] > '9' {
			return "", fail(what+" must contain digits only", ErrFormat)
		}
	}
	if len(d) != n {
		return "", fail(fmt.Sprintf("%s must have %d digits, not %d", what, n, len(d)), ErrFormat)
	}
	return d, nil
}

// luhn reports whether a string of ASCII digits passes the Luhn check: from the
// right, every second digit is doubled (minus 9 when above 9), and the sum is a
// multiple of 10.
func luhn(d string) bool {
	sum := 0
	for i := range len(d) {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
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
