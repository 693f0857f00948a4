package takeover

import (
	"strings"
	"testing"
)

// TestEmbeddedRules: the shipped rules are valid and versioned, and their
// candidate depth is the division (a pair sharing only the section cannot
// reach the threshold).
func TestEmbeddedRules(t *testing.T) {
	r, err := EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	if r.Version() == "" || r.Threshold() != 70 {
		t.Fatalf("version %q, threshold %d", r.Version(), r.Threshold())
	}
	if d := matcher(t).candidateDepth(); d != 1 {
		t.Fatalf("candidate depth %d, want 1 (division)", d)
	}
	if d := (Matcher{Rules: r, Threshold: 60}).candidateDepth(); d != 0 {
		t.Fatalf("candidate depth at 60: %d, want 0 (section)", d)
	}
	if d := (Matcher{Rules: r, Threshold: 100}).candidateDepth(); d != 4 {
		t.Fatalf("candidate depth at 100: %d, want 4 (sub-class)", d)
	}
}

// TestParseRulesRefusesBadRules: each mistake is refused with an error
// that names the key at fault.
func TestParseRulesRefusesBadRules(t *testing.T) {
	good := string(embeddedRules)
	tests := []struct {
		name, old, new string
		want           []string
	}{
		{"no version", `"version": "2026.1"`, `"version": ""`, []string{"version"}},
		{"version with spaces", `"version": "2026.1"`, `"version": " 2026.1"`, []string{"version"}},
		{"no version key", `"version": "2026.1",`, ``, []string{"version"}},
		{"weights above 100", `"sector": 35, "area": 20`, `"sector": 36, "area": 20`, []string{"weights add up to 101"}},
		{"missing weight", `"experience": 5}`, `"experiense": 5}`, []string{"weights.experience is missing", "weights.experiense: unknown"}},
		{"negative weight", `"sector": 35, "area": 20`, `"sector": -35, "area": 20`, []string{"weights.sector -35"}},
		{"missing level", `"section": 10}`, `"sectio": 10}`, []string{"sector.section is missing", "sector.sectio: unknown level"}},
		{"level growing", `"region": 40`, `"region": 80`, []string{"area.region 80: more than the closer level"}},
		{"percentage above 100", `"in_budget": 100`, `"in_budget": 120`, []string{"budget.points.in_budget 120"}},
		{"threshold", `"threshold": 70`, `"threshold": 101`, []string{"threshold 101"}},
		{"leverage below 1", `"leverage": 3.5`, `"leverage": 0.5`, []string{"budget.leverage 0.5"}},
		{"tolerance", `"tolerance_percent": 15`, `"tolerance_percent": -1`, []string{"budget.tolerance_percent -1"}},
		{"slack", `"slack_percent": 20`, `"slack_percent": 200`, []string{"size.slack_percent 200"}},
		{"unknown experience", `"none": 0}`, `"none": 0, "astronaut": 100}`, []string{"experience.astronaut: unknown level"}},
		{"unknown key", `"threshold": 70`, `"threshold": 70, "tresholds": 1`, []string{"tresholds"}},
		{"trailing data", `"sector": 100, "business_owner"`, `"sector": 100, "business_owner"`, nil},
		{"not JSON", `{`, `[`, []string{"decode"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("%q is not in rules.json", tt.old)
			}
			bad := strings.Replace(good, tt.old, tt.new, 1)
			if tt.want == nil {
				bad += "{}"
				tt.want = []string{"data after the JSON value"}
			}
			r, err := ParseRules([]byte(bad))
			if err == nil {
				t.Fatalf("ParseRules accepted the rules (version %q)", r.Version())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestOtherRulesScoreOtherwise: rules from elsewhere change the points,
// the threshold and the version a fit carries.
func TestOtherRulesScoreOtherwise(t *testing.T) {
	other := strings.NewReplacer(`"version": "2026.1"`, `"version": "essai-2"`,
		`"sector": 35, "area": 20`, `"sector": 45, "area": 10`).Replace(string(embeddedRules))
	r, err := ParseRules([]byte(other))
	if err != nil {
		t.Fatal(err)
	}
	f := Matcher{Rules: r, Threshold: r.Threshold()}.Fit(bakery(), buyer())
	if f.RulesVersion != "essai-2" || f.Score != 45+7+20+10+10+5 {
		t.Fatalf("fit under other rules = %d, %q", f.Score, f.RulesVersion)
	}
}
