package takeover

import (
	"slices"
	"testing"
)

// A list's parameters are read into a filter, each bad one named; the
// marketplace takes its own status only.
func TestParseListFilter(t *testing.T) {
	q := map[string]string{"scope": "market", "status": "published", "chamber": "CMA", "naf": "1071c",
		"departement": "2a", "deal_type": "fonds", "price_band": "100k_300k"}
	f, bad := ParseListFilter(func(k string) string { return q[k] }, true)
	want := ListFilter{Market: true, Status: "published", Chamber: "CMA", Sector: "10.71C", Departement: "2A", DealType: "fonds", Band: "100k_300k"}
	if len(bad) > 0 || f != want {
		t.Errorf("filter %+v, errors %v", f, bad)
	}
	if f, bad := ParseListFilter(func(k string) string { return map[string]string{"naf": "g", "budget_band": "lt_50k"}[k] }, false); len(bad) > 0 || f.Sector != "G" || f.Band != "lt_50k" {
		t.Errorf("search filter %+v, errors %v", f, bad)
	}
	q = map[string]string{"scope": "market", "status": "draft", "chamber": "cci", "naf": "V", "departement": "96",
		"deal_type": "tout", "budget_band": "x"}
	_, bad = ParseListFilter(func(k string) string { return q[k] }, false)
	var fields []string
	for _, p := range bad {
		fields = append(fields, p.Field)
	}
	if want := []string{"status", "chamber", "naf", "departement", "deal_type", "budget_band"}; !slices.Equal(fields, want) {
		t.Errorf("errors on %v, want %v", fields, want)
	}
}

// A sector's scope holds what lies below it, and names what lies above.
func TestScopeOf(t *testing.T) {
	g := ScopeOf("G")
	for id, want := range map[string]bool{"G": true, "45": true, "47.11F": true, "43.99C": false, "48": false, "F": false} {
		if g.Within(id) != want {
			t.Errorf("section G holds %s: %v", id, !want)
		}
	}
	c := ScopeOf("47.1")
	for id, want := range map[string]bool{"47.1": true, "47.11F": true, "47.19B": true, "47.2": false, "47": false, "G": false} {
		if c.Within(id) != want {
			t.Errorf("group 47.1 holds %s: %v", id, !want)
		}
	}
	if !slices.Equal(c.Ancestors, []string{"G", "47"}) {
		t.Errorf("ancestors of 47.1: %v", c.Ancestors)
	}
}
