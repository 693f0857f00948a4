package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// The facts form changes its own stage's part of the facts, and no other;
// what it cannot send is said on its fields.
func TestApplyFacts(t *testing.T) {
	held := peers.Facts{Training: peers.Training{Course: "5 jours pour entreprendre", Hours: 35}}

	f := held
	if bad, _ := applyFacts(&f, "welcome", url.Values{"accueil": {"collective"}, "date-accueil": {"2026-11-02"}}); len(bad) > 0 {
		t.Fatalf("welcome refused: %v", bad)
	}
	if f.Welcome.Kind != "collective" || !f.Welcome.At.Equal(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) || f.Training != held.Training {
		t.Errorf("after the welcome form: %+v", f)
	}

	f = held
	if bad, _ := applyFacts(&f, "diagnosis", url.Values{"reglementee": {"oui"}, "qualification": {" CAP boulanger "}}); len(bad) > 0 ||
		f.Diagnosis.Regulated == nil || !*f.Diagnosis.Regulated || f.Diagnosis.Qualification != "CAP boulanger" || f.Diagnosis.ChamberConfirmed {
		t.Errorf("diagnosis: %+v %v", f.Diagnosis, bad)
	}
	if applyFacts(&f, "diagnosis", url.Values{"reglementee": {""}}); f.Diagnosis.Regulated != nil {
		t.Error("a diagnosis not assessed keeps an answer to « regulated »")
	}

	f = held
	applyFacts(&f, "business_plan", url.Values{"marche-fait": {"oui"}, "marche-relu": {"oui"}, "tresorerie-fait": {"oui"}})
	if want := (peers.BusinessPlan{Market: peers.PlanPart{Done: true, Reviewed: true}, CashPlan: peers.PlanPart{Done: true}}); f.BusinessPlan != want {
		t.Errorf("business plan: %+v", f.BusinessPlan)
	}

	for _, c := range []struct {
		section string
		form    url.Values
		fields  []string
	}{
		{"welcome", url.Values{"accueil": {"visio"}}, []string{"accueil-individual", "date-accueil"}},
		{"training", url.Values{"heures": {"trente"}}, []string{"heures"}},
		{"training", url.Values{"heures": {"-2"}}, []string{"heures"}},
		{"formalities", url.Values{}, []string{""}},
	} {
		f := held
		var got []string
		bad, _ := applyFacts(&f, c.section, c.form)
		for _, b := range bad {
			got = append(got, b.Field)
		}
		if len(got) != len(c.fields) || (len(got) > 0 && got[0] != c.fields[0]) {
			t.Errorf("%s %v: errors on %q, want %q", c.section, c.form, got, c.fields)
		}
	}
}
