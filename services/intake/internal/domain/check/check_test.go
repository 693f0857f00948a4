package check_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ccicma/platform/services/intake/internal/domain/check"
)

// errIs reports whether err matches want; a nil want expects no error.
func errIs(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}

func TestSIREN(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"732829320", nil}, // Apple France
		{"732 829 320", nil},
		{"732\u00a0829\u202f320", nil}, // non-breaking spaces, as French formatting writes them
		{"552100554", nil},
		{"443061841", nil},
		{"356000000", nil}, // La Poste's SIREN follows Luhn
		{"732829321", check.ErrChecksum},
		{"732829302", check.ErrChecksum},
		{"", check.ErrRequired},
		{"   ", check.ErrFormat},
		{"73282932", check.ErrFormat},
		{"7328293200", check.ErrFormat},
		{"73282932A", check.ErrFormat},
		{"732-829-320", check.ErrFormat},
		{"٧٣٢٨٢٩٣٢٠", check.ErrFormat}, // Arabic-Indic digits
	}
	for _, tt := range tests {
		if err := check.SIREN(tt.in); !errIs(err, tt.want) {
			t.Errorf("SIREN(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestSIRET(t *testing.T) {
	tests := []struct {
		in   string
		want error
		norm string
	}{
		{"73282932000074", nil, "73282932000074"}, // Apple France
		{"732 829 320 00074", nil, "73282932000074"},
		{" 732829320\u00a000074 ", nil, "73282932000074"},
		{"44306184100047", nil, "44306184100047"},
		{"54205118000066", nil, "54205118000066"},
		{"55210055400013", nil, "55210055400013"},
		// La Poste: the head office follows Luhn; other establishments have a
		// digit sum that is a multiple of 5 and usually fail Luhn.
		{"35600000000048", nil, "35600000000048"},
		{"35600000010000", nil, "35600000010000"},
		{"35600000000049", check.ErrChecksum, ""}, // digit sum 27, and fails Luhn
		{"73282932000075", check.ErrChecksum, ""},
		{"73282932000047", check.ErrChecksum, ""},
		{"73282932100007", check.ErrChecksum, ""}, // passes Luhn over 14 digits, but its SIREN fails
		{"", check.ErrRequired, ""},
		{"7328293200007", check.ErrFormat, ""},
		{"732829320000740", check.ErrFormat, ""},
		{"7328293200007A", check.ErrFormat, ""},
		{"732.829.320.00074", check.ErrFormat, ""},
	}
	for _, tt := range tests {
		if err := check.SIRET(tt.in); !errIs(err, tt.want) {
			t.Errorf("SIRET(%q) = %v, want %v", tt.in, err, tt.want)
		}
		got, err := check.NormalizeSIRET(tt.in)
		if got != tt.norm || !errIs(err, tt.want) {
			t.Errorf("NormalizeSIRET(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.norm, tt.want)
		}
	}
}

func TestEmail(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"jean.dupont@example.fr", nil},
		{"j+tag@sub.example.com", nil},
		{"o'brien@example.ie", nil},
		{"a@b.co", nil},
		{"Jean.Dupont@Example.FR", nil},
		{"élise@exemple.fr", nil},
		{"contact@xn--bcher-kva.ch", nil},
		{"contact@café.fr", nil},
		{strings.Repeat("a", 64) + "@example.fr", nil},
		{"", check.ErrRequired},
		{"jean", check.ErrFormat},
		{"jean@", check.ErrFormat},
		{"@example.fr", check.ErrFormat},
		{"jean@example", check.ErrFormat},
		{"jean@@example.fr", check.ErrFormat},
		{"a@b@example.fr", check.ErrFormat},
		{"Jean <jean@example.fr>", check.ErrFormat},
		{"Jean<jean@example.fr>", check.ErrFormat},
		{"<jean@example.fr>", check.ErrFormat},
		{"jean dupont@example.fr", check.ErrFormat},
		{" jean@example.fr", check.ErrFormat},
		{"jean@example.fr\n", check.ErrFormat},
		{"jean\x00@example.fr", check.ErrFormat},
		{"jean..dupont@example.fr", check.ErrFormat},
		{".jean@example.fr", check.ErrFormat},
		{"jean.@example.fr", check.ErrFormat},
		{`"jean"@example.fr`, check.ErrFormat},
		{"jean(comment)@example.fr", check.ErrFormat},
		{"jean@-example.fr", check.ErrFormat},
		{"jean@example-.fr", check.ErrFormat},
		{"jean@example..fr", check.ErrFormat},
		{"jean@.example.fr", check.ErrFormat},
		{"jean@example.fr.", check.ErrFormat},
		{"jean@example.f", check.ErrFormat},
		{"jean@1.2.3.4", check.ErrFormat},
		{"jean@[1.2.3.4]", check.ErrFormat},
		{"jean@exa_mple.fr", check.ErrFormat},
		{"jean@\xffexample.fr", check.ErrFormat},
		{strings.Repeat("a", 65) + "@example.fr", check.ErrFormat},
		{"a@" + strings.Repeat("b", 64) + ".fr", check.ErrFormat},
		{"a@" + strings.Repeat(strings.Repeat("b", 63)+".", 3) + strings.Repeat("c", 57) + ".fr", nil},             // 254 bytes
		{"a@" + strings.Repeat(strings.Repeat("b", 63)+".", 3) + strings.Repeat("c", 58) + ".fr", check.ErrFormat}, // 255 bytes
	}
	for _, tt := range tests {
		if err := check.Email(tt.in); !errIs(err, tt.want) {
			t.Errorf("Email(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"  Jean.Dupont@Example.FR ", "Jean.Dupont@example.fr", nil},
		{"jean@example.fr", "jean@example.fr", nil},
		{"\tjean@EXAMPLE.fr\n", "jean@example.fr", nil},
		{"   ", "", check.ErrRequired},
		{"Jean <jean@example.fr>", "", check.ErrFormat},
	}
	for _, tt := range tests {
		got, err := check.NormalizeEmail(tt.in)
		if got != tt.want || !errIs(err, tt.err) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFrenchPhone(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"06 12 34 56 78", "+33612345678", nil},
		{"0612345678", "+33612345678", nil},
		{"+33 6 12 34 56 78", "+33612345678", nil},
		{"+33612345678", "+33612345678", nil},
		{"06.12.34.56.78", "+33612345678", nil},
		{"06-12-34-56-78", "+33612345678", nil},
		{"+33 (0)6 12 34 56 78", "+33612345678", nil},
		{" 01 23 45 67 89 ", "+33123456789", nil},
		{"09\u00a080\u00a012\u00a034\u00a056", "+33980123456", nil},
		{"07 12 34 56 78", "+33712345678", nil},
		{"", "", check.ErrRequired},
		{"  ", "", check.ErrRequired},
		{"612345678", "", check.ErrFormat},
		{"06 12 34 56 7", "", check.ErrFormat},
		{"06 12 34 56 789", "", check.ErrFormat},
		{"+33 06 12 34 56 78", "", check.ErrFormat},
		{"+33 (0)06 12 34 56 78", "", check.ErrFormat},
		{"+33 6 12 34 56 7", "", check.ErrFormat},
		{"+33", "", check.ErrFormat},
		{"0033 6 12 34 56 78", "", check.ErrFormat},
		{"00 12 34 56 78", "", check.ErrFormat},
		{"+32 2 123 45 67", "", check.ErrFormat},
		{"+262 262 12 34 56", "", check.ErrFormat},
		{"06 12 34 56 7a", "", check.ErrFormat},
		{"06/12/34/56/78", "", check.ErrFormat},
		{"+33 6 12 34 56 78 ext 2", "", check.ErrFormat},
		{"０６１２３４５６７８", "", check.ErrFormat}, // full-width digits
	}
	for _, tt := range tests {
		got, err := check.FrenchPhone(tt.in)
		if got != tt.want || !errIs(err, tt.err) {
			t.Errorf("FrenchPhone(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestPostcode(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"91000", nil},
		{"75001", nil},
		{"20167", nil},
		{"97400", nil},
		{"", check.ErrRequired},
		{"9100", check.ErrFormat},
		{"910000", check.ErrFormat},
		{"2A004", check.ErrFormat},
		{" 91000", check.ErrFormat},
		{"91 000", check.ErrFormat},
		{"９1000", check.ErrFormat},
	}
	for _, tt := range tests {
		if err := check.Postcode(tt.in); !errIs(err, tt.want) {
			t.Errorf("Postcode(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		in       string
		min, max int
		want     error
	}{
		{"Boulangerie artisanale", 1, 100, nil},
		{"  hi  ", 2, 2, nil}, // measured after trimming
		{"éèà", 3, 3, nil},    // runes, not bytes
		{"line one\nline two\twith a tab", 1, 100, nil},
		{"a\r\nb", 3, 3, nil}, // a textarea line break counts as one character
		{"", 0, 10, nil},      // optional field
		{"   ", 0, 10, nil},
		{strings.Repeat("x", 5000), 1, 0, nil}, // max <= 0: no maximum
		{"", 1, 10, check.ErrRequired},
		{" \n\t ", 1, 10, check.ErrRequired},
		{"", 1, 10, check.ErrLength},
		{"a", 2, 10, check.ErrLength},
		{"abcdef", 1, 5, check.ErrLength},
		{"a\rb", 1, 10, check.ErrFormat},
		{"a\x00b", 1, 10, check.ErrFormat},
		{"a\x1b[31mb", 1, 10, check.ErrFormat},
		{"a\u0085b", 1, 10, check.ErrFormat},
		{"a\x7fb", 1, 10, check.ErrFormat},
		{"a\xffb", 1, 10, check.ErrFormat},
	}
	for _, tt := range tests {
		if err := check.Text(tt.in, tt.min, tt.max); !errIs(err, tt.want) {
			t.Errorf("Text(%q, %d, %d) = %v, want %v", tt.in, tt.min, tt.max, err, tt.want)
		}
	}
}

// Error messages must not echo the value, which may be personal data.
func TestErrorsDoNotEchoInput(t *testing.T) {
	secret := "jean.secret"
	errs := []error{
		check.Email(secret + "@example"),
		check.Text(secret+"\x00", 1, 100),
		check.SIRET(secret),
	}
	_, err := check.FrenchPhone("+44 " + secret)
	errs = append(errs, err)
	for _, err := range errs {
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("error %v: want an error that does not quote the input", err)
		}
	}
}
