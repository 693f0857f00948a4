// Package check holds the pure validators of the values people type into
// intake's forms and API: SIREN and SIRET numbers, e-mail addresses, French phone
// numbers, postcodes and free text.
//
// Validators do no I/O: whether a postcode or a NAF code exists is checked
// against the reference data elsewhere. Every error wraps one or more of the
// sentinels below, so that the HTTP layer can pick a translated message with
// errors.Is; the English message is for logs and developers. Messages never
// repeat the value checked, because it may be personal data.
package check

import "errors"

// Sentinels wrapped by the errors of this package.
var (
	// ErrRequired: the value is empty (after removing surrounding spaces). It
	// comes together with ErrFormat or ErrLength, so a caller that only checks
	// those still rejects empty values.
	ErrRequired = errors.New("required")
	// ErrFormat: the value does not have the expected shape.
	ErrFormat = errors.New("invalid format")
	// ErrChecksum: a SIREN or SIRET has the right shape but its check digit is
	// wrong, usually a typo.
	ErrChecksum = errors.New("invalid check digit")
	// ErrLength: a text is shorter or longer than allowed.
	ErrLength = errors.New("invalid length")
)

// invalid is an error with its own message that wraps sentinels.
type invalid struct {
	msg  string
	errs []error
}

func (e *invalid) Error() string   { return e.msg }
func (e *invalid) Unwrap() []error { return e.errs }

func fail(msg string, sentinels ...error) error {
	return &invalid{msg: msg, errs: sentinels}
}
