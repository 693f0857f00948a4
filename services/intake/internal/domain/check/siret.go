package check

import (
	"fmt"

	"github.com/ccicma/platform/pkg/siren"
)

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
	if !siren.Luhn(d) {
		return "", fail("SIREN check digit is wrong", ErrChecksum)
	}
	return d, nil
}

// SIRET checks a SIRET (establishment number): 14 digits, spaces allowed, a
// valid SIREN in the first 9 and a valid key over the 14 (see siren.LaPoste for
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
	if !siren.Luhn(d[:9]) {
		return "", fail("SIRET check digit is wrong: its SIREN part fails", ErrChecksum)
	}
	if !siren.SIRETKey(d) { // Luhn, or La Poste's own key (siren.LaPoste)
		return "", fail("SIRET check digit is wrong", ErrChecksum)
	}
	return d, nil
}

// digits removes the spaces people put in identifiers (including the
// non-breaking ones French formatting uses) and checks that n digits remain.
func digits(what, s string, n int) (string, error) {
	d := siren.Strip(s)
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
