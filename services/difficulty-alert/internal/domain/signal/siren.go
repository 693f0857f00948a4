package signal

import (
	"fmt"

	"github.com/ccicma/platform/pkg/siren"
)

// NormalizeSIREN returns the 9 digits of a SIREN written with or without
// spaces ("732 829 320"), with a valid Luhn key; ErrSIREN otherwise.
func NormalizeSIREN(s string) (string, error) {
	d := siren.Strip(s)
	if !siren.Valid(d) {
		return "", fmt.Errorf("%w: %q", ErrSIREN, s)
	}
	return d, nil
}

// NormalizeSIRET returns the 14 digits of a SIRET written with or without
// spaces, whose SIREN and whole number have valid keys; ErrSIRET
// otherwise.
func NormalizeSIRET(s string) (string, error) {
	d := siren.Strip(s)
	if !siren.ValidSIRET(d) {
		return "", fmt.Errorf("%w: %q", ErrSIRET, s)
	}
	return d, nil
}
