package scoring_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var today = date(2026, 11, 26)

func rules(t *testing.T) *scoring.Rules {
	t.Helper()
	r, err := scoring.EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sig(kind signal.Kind, theme signal.Theme, on time.Time, strength int) scoring.Signal {
	return scoring.Signal{Kind: kind, Theme: theme, Status: signal.StatusActive, On: on, Expires: on.AddDate(2, 0, 0), Strength: strength}
}

// TestEachKindWeighsItsStrength: a fresh signal adds its kind's weight
// times its strength to its theme; a kind the rules do not name counts at
// the default weight.
func TestEachKindWeighsItsStrength(t *testing.T) {
	t.Parallel()
	r := rules(t)
	for _, tt := range []struct {
		kind  signal.Kind
		theme signal.Theme
		want  int
	}{
		{"court_judgment", signal.ThemeCourtEvents, 40},
		{"self_diagnosis_call_back", signal.ThemeSelfAssessment, 20},
		{"checkpoint_difficulties", signal.ThemeFinances, 24},
		{"advisor_concern", signal.ThemeFinances, 24}, // 24, not the default weight's 40 capped at 30
		{"social_debt", signal.ThemeSocialTaxDebts, 32},
		{"tax_debt", signal.ThemeSocialTaxDebts, 32},
		{"payment_incident", signal.ThemePayments, 24},
		{"late_accounts", signal.ThemeFinances, 16},
		{"a_kind_not_yet_weighed", signal.ThemePayments, 30}, // capped at 30: 40 × 1.0 = 40
	} {
		s := r.Score([]scoring.Signal{sig(tt.kind, tt.theme, today, 40)}, today)
		if s.Points != tt.want || len(s.Contributions) != 1 || s.Contributions[0].Theme != tt.theme {
			t.Errorf("%s: %d points %+v, want %d", tt.kind, s.Points, s.Contributions, tt.want)
		}
	}
}

// TestDecayHalvesEveryHalfLife: a social debt (half-life 120 days) counts
// half after 120 days, a quarter after 240; an expired, replaced or
// withdrawn signal does not count at all.
func TestDecayHalvesEveryHalfLife(t *testing.T) {
	t.Parallel()
	r := rules(t)
	debt := sig("social_debt", signal.ThemeSocialTaxDebts, date(2026, 6, 1), 50) // 40 points when fresh
	for _, tt := range []struct {
		on   time.Time
		want int
	}{
		{date(2026, 6, 1), 40}, {date(2026, 9, 29), 20}, {date(2027, 1, 27), 10}, {date(2026, 7, 1), 34},
	} {
		if got := r.Score([]scoring.Signal{debt}, tt.on).Points; got != tt.want {
			t.Errorf("on %s: %d points, want %d", tt.on.Format(time.DateOnly), got, tt.want)
		}
	}
	if got := r.Score([]scoring.Signal{debt}, debt.Expires); got.Points != 0 || len(got.Contributions) != 0 || !got.ActiveUntil.IsZero() {
		t.Errorf("expired signal counts: %+v", got)
	}
	for _, st := range []signal.Status{signal.StatusReplaced, signal.StatusWithdrawn} {
		ended := debt
		ended.Status = st
		if got := r.Score([]scoring.Signal{ended}, date(2026, 6, 1)).Points; got != 0 {
			t.Errorf("%s signal counts %d", st, got)
		}
	}
	if got := r.Score([]scoring.Signal{debt}, date(2026, 6, 1)).ActiveUntil; !got.Equal(debt.Expires) {
		t.Errorf("active until %s", got)
	}
}

// TestCapsPerTheme: three payment incidents of 60 (36 each) make 30, the
// theme's cap, and the explanation says the cap cut; another theme adds on
// top.
func TestCapsPerTheme(t *testing.T) {
	t.Parallel()
	r := rules(t)
	ss := []scoring.Signal{
		sig("payment_incident", signal.ThemePayments, today, 60),
		sig("payment_incident", signal.ThemePayments, today.AddDate(0, 0, -1), 60),
		sig("payment_incident", signal.ThemePayments, today.AddDate(0, 0, -2), 60),
		sig("self_diagnosis_call_back", signal.ThemeSelfAssessment, today, 20),
	}
	s := r.Score(ss, today)
	if s.Points != 40 || s.Contributions[0].Points != 30 || !s.Contributions[0].Capped || s.Contributions[0].Uncapped != 107 ||
		s.Contributions[1].Points != 10 || s.Contributions[1].Capped {
		t.Errorf("score %+v", s)
	}
	if !strings.Contains(s.Explanation, "Incidents de paiement : 30 points, plafond du thème atteint (3 signaux, le plus récent le 26 novembre 2026, 107 points avant plafond)") {
		t.Errorf("explanation %q", s.Explanation)
	}
}

// TestLevelsAtTheThresholds: below 25 no alert, from 25 moderate, from 50
// high, with the programme's names.
func TestLevelsAtTheThresholds(t *testing.T) {
	t.Parallel()
	r := rules(t)
	for _, tt := range []struct {
		points int
		want   scoring.Level
		label  string
	}{{0, scoring.LevelNone, "aucune alerte"}, {24, scoring.LevelNone, "aucune alerte"}, {25, scoring.LevelModerate, "risque modéré"},
		{49, scoring.LevelModerate, "risque modéré"}, {50, scoring.LevelHigh, "risque fort"}, {300, scoring.LevelHigh, "risque fort"}} {
		if got := r.LevelOf(tt.points); got != tt.want || got.Label() != tt.label {
			t.Errorf("%d points: %s (%s), want %s", tt.points, got, got.Label(), tt.want)
		}
	}
}

// TestExplanationInPlainFrench: the themes, most points first, with their
// signals and the latest date, then the total and the level.
func TestExplanationInPlainFrench(t *testing.T) {
	t.Parallel()
	r := rules(t)
	ss := []scoring.Signal{
		sig("social_debt", signal.ThemeSocialTaxDebts, date(2026, 11, 3), 20),
		sig("tax_debt", signal.ThemeSocialTaxDebts, date(2026, 10, 1), 25),
		sig("court_judgment", signal.ThemeCourtEvents, date(2026, 3, 1), 25),
	}
	s := r.Score(ss, date(2026, 11, 3))
	// The contributions are sorted by points: the debts come first.
	want := "Dettes sociales et fiscales : 33 points (2 signaux, le plus récent le 3 novembre 2026) ; " +
		"Décisions de justice : 16 points (1 signal, le 1er mars 2026). Total : 49 points, risque modéré."
	if s.Explanation != want || s.RulesVersion != "2026.2" {
		t.Errorf("explanation\n%q\nwant\n%q", s.Explanation, want)
	}
	if got := r.Score(nil, today); got.Explanation != "Aucun signal en cours : 0 point, aucune alerte." || got.Level != scoring.LevelNone {
		t.Errorf("no signal: %+v", got)
	}
}

// TestLevelChangesBothWays: a change either way is an event naming the
// business by its number; the same level is none.
func TestLevelChangesBothWays(t *testing.T) {
	t.Parallel()
	const id = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
	at := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	up, ok := scoring.LevelChanged(id, scoring.LevelNone, scoring.LevelHigh, "2026.2", at)
	if !ok || up.BusinessID != id || up.PreviousLevel != "none" || up.Level != "high" || up.Validate() != nil ||
		!scoring.Rising(scoring.LevelNone, scoring.LevelHigh) {
		t.Errorf("rising: %+v %v", up, ok)
	}
	down, ok := scoring.LevelChanged(id, scoring.LevelHigh, scoring.LevelModerate, "2026.2", at)
	if !ok || down.Level != "moderate" || down.Validate() != nil || scoring.Rising(scoring.LevelHigh, scoring.LevelModerate) {
		t.Errorf("falling: %+v %v", down, ok)
	}
	if _, ok := scoring.LevelChanged(id, scoring.LevelModerate, scoring.LevelModerate, "2026.2", at); ok {
		t.Error("an unchanged level is an event")
	}
}

// TestRulesFileValidation: the embedded file is valid; a bad file is
// refused with the key at fault named.
func TestRulesFileValidation(t *testing.T) {
	t.Parallel()
	embedded, err := os.ReadFile("rules.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scoring.ParseRules(embedded); err != nil {
		t.Fatalf("embedded rules: %v", err)
	}
	for _, tt := range []struct {
		name, old, new, want string
	}{
		{"unknown key", `"default_weight"`, `"defaut": 1, "default_weight"`, `unknown field "defaut"`},
		{"no version", `"version": "2026.2"`, `"version": ""`, "version"},
		{"weight too large", `"court_judgment": 1.0`, `"court_judgment": 6`, "weights.court_judgment 6"},
		{"negative weight", `"payment_incident": 0.6`, `"payment_incident": -1`, "weights.payment_incident -1"},
		{"bad kind name", `"payment_incident": 0.6`, `"Payment Incident": 0.6`, `weights.Payment Incident`},
		{"no court judgment", `"court_judgment": 1.0,`, ``, "weights.court_judgment is missing"},
		{"no default weight", `"default_weight": 1.0,`, ``, "default_weight is missing"},
		{"missing theme", `"payments": {"half_life_days": 90, "cap": 30},`, ``, "themes.payments is missing"},
		{"unknown theme", `"payments": {`, `"weather": {"half_life_days": 9, "cap": 3}, "payments": {`, "themes.weather: unknown theme"},
		{"zero half-life", `"half_life_days": 90`, `"half_life_days": 0`, "themes.payments.half_life_days 0"},
		{"zero cap", `"cap": 25`, `"cap": 0`, "themes.self_assessment.cap 0"},
		{"thresholds in the wrong order", `"high": 50`, `"high": 20`, "levels moderate 25, high 20"},
		{"data after", `"high": 50}`, `"high": 50}} {`, "data after the JSON value"},
	} {
		if !strings.Contains(string(embedded), tt.old) {
			t.Fatalf("%s: %q is not in rules.json", tt.name, tt.old)
		}
		_, err := scoring.ParseRules([]byte(strings.Replace(string(embedded), tt.old, tt.new, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestEveryKindOfTheSourcesIsWeighed: each kind a source of the platform
// writes (the BODACC's judgments, intake's self-diagnoses, creation
// advisors' observations, takeover advisors' concerns, partners' signals)
// has its own weight in the embedded rules, so that none counts at the
// default weight by mistake.
func TestEveryKindOfTheSourcesIsWeighed(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("rules.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Weights map[signal.Kind]float64 `json:"weights"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	for _, k := range []signal.Kind{signal.KindCourtJudgment, signal.KindSelfDiagnosisNone, signal.KindSelfDiagnosisVigilance,
		signal.KindSelfDiagnosisCallBack, signal.KindCheckpointDifficulties, signal.KindAdvisorConcern, signal.KindSocialDebt, signal.KindTaxDebt,
		signal.KindPaymentIncident, signal.KindLateAccounts} {
		if _, ok := file.Weights[k]; !ok {
			t.Errorf("kind %s has no weight of its own in rules.json", k)
		}
	}
}
