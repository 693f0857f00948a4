package check

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Email checks an address the way a form should: practical rather than the
// full RFC 5322 grammar, which allows comments, quoted local parts and display
// names that no one types and many mail systems refuse. It wants one @, a local
// part of 1 to 64 bytes, a domain with a dot and a top-level label of letters,
// at most 254 bytes in all, and no spaces or control characters; what is left
// of the syntax is net/mail's. Surrounding spaces are an error: see
// NormalizeEmail.
func Email(s string) error {
	if s == "" {
		return fail("e-mail address is empty", ErrRequired, ErrFormat)
	}
	// 254 is the longest address SMTP can carry (RFC 5321 path limit, 256,
	// minus the angle brackets).
	if len(s) > 254 {
		return fail("e-mail address is longer than 254 characters", ErrFormat)
	}
	if !utf8.ValidString(s) {
		return fail("e-mail address is not valid UTF-8", ErrFormat)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fail("e-mail address must not contain spaces or control characters", ErrFormat)
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domain, "@") {
		return fail("e-mail address must contain exactly one @", ErrFormat)
	}
	if local == "" || len(local) > 64 {
		return fail("e-mail address must have 1 to 64 characters before the @", ErrFormat)
	}
	if err := emailDomain(domain); err != nil {
		return err
	}
	// net/mail checks the local part's characters and dots. It also accepts
	// "Name <a@b.fr>" and would normalise some forms, so the address it parses
	// must be the input itself.
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fail("e-mail address is not valid", ErrFormat)
	}
	return nil
}

// emailDomain checks a domain name: dot-separated labels of letters, digits and
// inner hyphens, at most 63 bytes each, the last one (the top-level domain) made
// of at least two letters, which rules out IP addresses.
func emailDomain(domain string) error {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return fail("e-mail domain must contain a dot", ErrFormat)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fail("e-mail domain is not valid", ErrFormat)
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return fail("e-mail domain is not valid", ErrFormat)
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 || strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
		return fail("e-mail domain must end with a top-level domain such as .fr", ErrFormat)
	}
	return nil
}

// NormalizeEmail trims surrounding spaces and lower-cases the ASCII letters of
// the domain, which is case-insensitive (the local part may not be, so it is kept
// as typed), then checks the result with Email. Non-ASCII letters are left alone:
// Unicode lower-casing can add combining marks and turn a valid domain invalid.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[:i+1] + strings.Map(func(r rune) rune {
			if 'A' <= r && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}, s[i+1:])
	}
	if err := Email(s); err != nil {
		return "", err
	}
	return s, nil
}
