package check

import "strings"

// FrenchPhone checks a French phone number and returns it in E.164 form,
// "+33612345678". It accepts the national form "0612345678" and the
// international form "+33612345678", "+33 (0)6 12 34 56 78" included, with
// spaces, dots or hyphens between the digits. It rejects "+33 06...", the "00"
// international prefix (ambiguous with a mistyped national number) and numbers
// of other countries, overseas ones with their own code (+262, +590, ...)
// included.
func FrenchPhone(s string) (string, error) {
	p := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\t', '\u00a0', '\u202f':
			return -1
		}
		return r
	}, s)
	var n string // the 9 digits after 0 or +33
	switch {
	case p == "":
		return "", fail("phone number is empty", ErrRequired, ErrFormat)
	case strings.HasPrefix(p, "+33"):
		n = strings.TrimPrefix(p[3:], "(0)")
		if strings.HasPrefix(n, "0") {
			return "", fail("phone number must not have a 0 after +33", ErrFormat)
		}
	case strings.HasPrefix(p, "00"):
		return "", fail("phone number must start with 0 or +33, not 00", ErrFormat)
	case strings.HasPrefix(p, "0"):
		n = p[1:]
	case strings.HasPrefix(p, "+"):
		return "", fail("phone number must be French (+33)", ErrFormat)
	default:
		return "", fail("phone number must start with 0 or +33", ErrFormat)
	}
	for i := range len(n) {
		if n[i] < '0' || n[i] > '9' {
			return "", fail("phone number must contain digits only", ErrFormat)
		}
	}
	if len(n) != 9 {
		return "", fail("phone number must have 10 digits (9 after +33)", ErrFormat)
	}
	return "+33" + n, nil
}
