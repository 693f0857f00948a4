package casefile_test

import (
	"slices"
	"testing"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// The abandon form offers exactly the reasons creation-support takes, each
// labelled; every outcome reads in French in the case's header.
func TestOutcomeLabels(t *testing.T) {
	var got []string
	for _, r := range casefile.AbandonReasons() {
		got = append(got, r.Code)
		if r.Label == "" || casefile.AbandonLabel(r.Code) != r.Label {
			t.Errorf("abandon reason %q: label %q", r.Code, r.Label)
		}
	}
	if want := events.AbandonReasons(); !slices.Equal(got, want) {
		t.Errorf("abandon reasons %v, want %v", got, want)
	}
	for _, o := range []string{events.OutcomeRegistered, events.OutcomeAbandoned, events.OutcomeRedirectedToTakeover,
		events.OutcomeCeased, events.OutcomeFollowedUp} {
		if casefile.OutcomeLabel(o) == o {
			t.Errorf("outcome %q has no label", o)
		}
	}
	for _, c := range [][]casefile.Choice{casefile.LegalForms(), casefile.FundingDecisions()} {
		for _, ch := range c {
			if ch.Label == "" || ch.Label == ch.Code {
				t.Errorf("choice %q has no label", ch.Code)
			}
		}
	}
	if casefile.OutcomeLabel("merged") != "merged" || casefile.LegalFormLabel("GIE") != "GIE" || casefile.Valid(casefile.LegalForms(), "GIE") {
		t.Error("an unknown code is not shown as is, or is accepted")
	}
}

// A case closed by an abandon shows the abandon's reason in its timeline,
// not the move reason that shares its code.
func TestChangeReason(t *testing.T) {
	if got := casefile.ChangeReason("closed", "holder_choice"); got != "Le porteur de projet y renonce" {
		t.Errorf("abandon: %q", got)
	}
	if got := casefile.ChangeReason("training", "holder_choice"); got != "le porteur de projet ne la souhaite pas" {
		t.Errorf("move: %q", got)
	}
	if got := casefile.ChangeReason("closed", ""); got != "" {
		t.Errorf("closed without a reason: %q", got)
	}
}

// Only a case taken in charge and in the journey may be abandoned or
// redirected.
func TestInJourney(t *testing.T) {
	for stage, want := range map[string]bool{"in_progress": true, "welcome": true, "funding": true, "formalities": true,
		"opened": false, "follow_up": false, "closed": false, "": false} {
		if casefile.InJourney(stage) != want {
			t.Errorf("InJourney(%q) = %v", stage, !want)
		}
	}
}
