package check_test

import (
	"errors"
	"testing"

	"github.com/ccicma/platform/services/intake/internal/domain/check"
)

// Seed corpora live in testdata/fuzz/<FuzzName>.

func FuzzSIRET(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got, err := check.NormalizeSIRET(s)
		if (check.SIRET(s) == nil) != (err == nil) {
			t.Fatalf("SIRET(%q) and NormalizeSIRET disagree", s)
		}
		if err != nil {
			if got != "" || !errors.Is(err, check.ErrFormat) && !errors.Is(err, check.ErrChecksum) {
				t.Fatalf("NormalizeSIRET(%q) = %q, %v: want \"\" and a sentinel", s, got, err)
			}
			return
		}
		if len(got) != 14 {
			t.Fatalf("NormalizeSIRET(%q) = %q, not 14 digits", s, got)
		}
		if again, err := check.NormalizeSIRET(got); err != nil || again != got {
			t.Fatalf("NormalizeSIRET(%q) = %q, which re-normalizes to %q, %v", s, got, again, err)
		}
		if err := check.SIREN(got[:9]); err != nil {
			t.Fatalf("NormalizeSIRET(%q) = %q, whose SIREN fails: %v", s, got, err)
		}
	})
}

func FuzzFrenchPhone(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got, err := check.FrenchPhone(s)
		if err != nil {
			if got != "" || !errors.Is(err, check.ErrFormat) {
				t.Fatalf("FrenchPhone(%q) = %q, %v: want \"\" and ErrFormat", s, got, err)
			}
			return
		}
		if len(got) != 12 || got[:3] != "+33" || got[3] == '0' {
			t.Fatalf("FrenchPhone(%q) = %q, not E.164 +33 followed by 9 digits", s, got)
		}
		if again, err := check.FrenchPhone(got); err != nil || again != got {
			t.Fatalf("FrenchPhone(%q) = %q, which re-validates to %q, %v", s, got, again, err)
		}
		if national, err := check.FrenchPhone("0" + got[3:]); err != nil || national != got {
			t.Fatalf("FrenchPhone(%q) = %q, but the national form gives %q, %v", s, got, national, err)
		}
	})
}

func FuzzEmail(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		if err := check.Email(s); err != nil {
			if !errors.Is(err, check.ErrFormat) {
				t.Fatalf("Email(%q) = %v, want ErrFormat", s, err)
			}
		} else if len(s) > 254 {
			t.Fatalf("Email(%q) accepted %d bytes", s, len(s))
		}
		got, err := check.NormalizeEmail(s)
		if err != nil {
			if got != "" {
				t.Fatalf("NormalizeEmail(%q) = %q with an error", s, got)
			}
			return
		}
		if err := check.Email(got); err != nil {
			t.Fatalf("NormalizeEmail(%q) = %q, which Email rejects: %v", s, got, err)
		}
		if again, err := check.NormalizeEmail(got); err != nil || again != got {
			t.Fatalf("NormalizeEmail(%q) = %q, which re-normalizes to %q, %v", s, got, again, err)
		}
	})
}
