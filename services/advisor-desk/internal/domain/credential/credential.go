// Package credential holds the rules of the web desk's password sign-in:
// what a password must be and the one error every failed sign-in gives.
// No I/O; hashing happens in the use cases.
package credential

import (
	"errors"
	"unicode/utf8"
)

// ErrBadCredentials covers an unknown login, an inactive advisor, no
// password or a wrong one. One error for all, so that the page tells an
// attacker nothing about which advisors exist.
var ErrBadCredentials = errors.New("bad credentials")

// ErrWeakPassword means that the password is shorter than MinLength or
// longer than MaxLength.
var ErrWeakPassword = errors.New("password too short or too long")

// MinLength and MaxLength bound a password, in characters. bcrypt reads
// at most 72 bytes: longer passwords would be silently truncated.
const (
	MinLength = 8
	MaxLength = 64
	maxBytes  = 72
)

// CheckPassword applies the length rules.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinLength || n > MaxLength || len(pw) > maxBytes {
		return ErrWeakPassword
	}
	return nil
}

// MaxLoginLength bounds a login (an advisor id or an e-mail address).
const MaxLoginLength = 254
