package siren_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/siren"
)

// TestKeys: real identifiers pass; one digit changed or two neighbours
// swapped fail; La Poste's establishments have their own key.
func TestKeys(t *testing.T) {
	for _, tt := range []struct {
		id           string
		siren, siret bool
	}{
		{"732829320", true, false},       // a SIREN
		{"732829321", false, false},      // its last digit changed
		{"738229320", false, false},      // two neighbours swapped
		{"73282932", false, false},       // too short
		{"73282932a", false, false},      // not digits
		{"73282932000074", false, true},  // a SIRET of 732829320
		{"73282932000075", false, false}, // its key wrong
		{"35600000000048", false, true},  // La Poste's head office (Luhn)
		{"35600000049837", false, true},  // a post office: digit sum 45
		{"35600000049838", false, false}, // digit sum 46
		{"12345678900017", false, false}, // a SIREN part that fails
	} {
		if got := siren.Valid(tt.id); got != tt.siren {
			t.Errorf("Valid(%q) = %v, want %v", tt.id, got, tt.siren)
		}
		if got := siren.ValidSIRET(tt.id); got != tt.siret {
			t.Errorf("ValidSIRET(%q) = %v, want %v", tt.id, got, tt.siret)
		}
	}
	if got := siren.Strip("732\u00a0829 320\u202f00074"); got != "73282932000074" {
		t.Errorf("Strip = %q", got)
	}
}
