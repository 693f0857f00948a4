package check

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Postcode checks the shape of a French postcode: exactly five ASCII digits.
// Whether it exists is checked against the reference data, not here.
func Postcode(s string) error {
	if s == "" {
		return fail("postcode is empty", ErrRequired, ErrFormat)
	}
	if len(s) != 5 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return fail("postcode must have exactly 5 digits", ErrFormat)
	}
	return nil
}

// Text checks a free-text field: after trimming surrounding spaces it must have
// between least and most characters (runes; most <= 0 means no maximum; an
// empty text is fine when least <= 0) and no control characters other than newline and
// tab. A "\r\n" pair counts as one newline, because browsers submit textarea
// line breaks that way while counting them as one character for maxlength.
func Text(s string, least, most int) error {
	t := strings.TrimSpace(s)
	if !utf8.ValidString(t) {
		return fail("text is not valid UTF-8", ErrFormat)
	}
	for i, r := range t {
		if r == '\n' || r == '\t' || r == '\r' && strings.HasPrefix(t[i+1:], "\n") {
			continue
		}
		if unicode.IsControl(r) {
			return fail("text must not contain control characters", ErrFormat)
		}
	}
	n := utf8.RuneCountInString(t) - strings.Count(t, "\r\n")
	switch {
	case n == 0 && least > 0:
		return fail("text is empty", ErrRequired, ErrLength)
	case n < least:
		return fail(fmt.Sprintf("text must have at least %d characters", least), ErrLength)
	case most > 0 && n > most:
		return fail(fmt.Sprintf("text must have at most %d characters", most), ErrLength)
	}
	return nil
}
