package events_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// TestOfferDifficultySeenValidate: the invariants difficulty-alert and
// intake rely on when a takeover advisor raises a concern are checked,
// each failure naming its field; the concerns are known codes, at least
// one, each once.
func TestOfferDifficultySeenValidate(t *testing.T) {
	t.Parallel()
	valid := func() events.TakeoverOfferDifficultySeen {
		return events.TakeoverOfferDifficultySeen{OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001",
			ConcernID: "0195a1d0-1007-7b01-8c02-0d03e04f0712", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001",
			Chamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI, AdvisorID: "cma-91-0008", NAFCode: "10.71C",
			Departement: "91", Concerns: []string{events.ConcernCashFlow, events.ConcernOwnerWellbeing},
			SeenAt: time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC)}
	}
	if p := valid(); p.Validate() != nil {
		t.Fatalf("valid event refused: %v", p.Validate())
	}
	for _, tc := range []struct {
		name   string
		change func(*events.TakeoverOfferDifficultySeen)
		want   string
	}{
		{"offer id", func(p *events.TakeoverOfferDifficultySeen) { p.OfferID = "x" }, "offer_id"},
		{"concern id", func(p *events.TakeoverOfferDifficultySeen) { p.ConcernID = "" }, "concern_id"},
		{"request id", func(p *events.TakeoverOfferDifficultySeen) { p.RequestID = "" }, "request_id"},
		{"secondary chamber the same", func(p *events.TakeoverOfferDifficultySeen) { p.SecondaryChamber = events.ChamberCMA }, "secondary_chamber"},
		{"advisor", func(p *events.TakeoverOfferDifficultySeen) { p.AdvisorID = "" }, "advisor_id"},
		{"no concern", func(p *events.TakeoverOfferDifficultySeen) { p.Concerns = nil }, "concerns"},
		{"unknown concern", func(p *events.TakeoverOfferDifficultySeen) { p.Concerns = []string{"gossip"} }, "concerns"},
		{"repeated concern", func(p *events.TakeoverOfferDifficultySeen) {
			p.Concerns = []string{events.ConcernCashFlow, events.ConcernCashFlow}
		}, "concerns"},
		{"time", func(p *events.TakeoverOfferDifficultySeen) { p.SeenAt = time.Time{} }, "seen_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := valid()
			tc.change(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestConcernIdentifiedValidate: the confidential event's numbers are
// checked (a SIRET of another SIREN is refused) and the error does not
// repeat them.
func TestConcernIdentifiedValidate(t *testing.T) {
	t.Parallel()
	p := events.PreventionConcernIdentified{OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001",
		ConcernID: "0195a1d0-1007-7b01-8c02-0d03e04f0712", RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001",
		SIREN: "732829320", SIRET: "73282932000074", ObservedAt: time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC)}
	if err := p.Validate(); err != nil {
		t.Fatalf("valid event refused: %v", err)
	}
	p.SIRET, p.ConcernID = "44306184100047", "x"
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "siret") || !strings.Contains(err.Error(), "concern_id") ||
		strings.Contains(err.Error(), "443061841") {
		t.Fatalf("Validate = %v, want siret and concern_id named, no number", err)
	}
}

// TestCaseOpenedObservedIn: where an observation was made is optional,
// one of two codes, and for an advisor's observation only.
func TestCaseOpenedObservedIn(t *testing.T) {
	t.Parallel()
	p := events.DifficultyCaseOpened{CaseID: "0195a1d1-2000-7aaa-8bbb-000000000002", RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
		Chamber: events.ChamberCMA, Level: events.DifficultyCallBack, Departement: "91", Source: events.DifficultySourceAdvisorObservation}
	for _, in := range []string{"", events.ObservedInCreationCase, events.ObservedInTakeoverOffer} {
		p.ObservedIn = in
		if err := p.Validate(); err != nil {
			t.Errorf("observed_in %q refused: %v", in, err)
		}
	}
	p.ObservedIn = "market"
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "observed_in") {
		t.Errorf("observed_in %q: %v", p.ObservedIn, err)
	}
	p.ObservedIn, p.Source = events.ObservedInTakeoverOffer, events.DifficultySourceSelfReport
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "observed_in") {
		t.Errorf("observed_in of a self report: %v", err)
	}
}

// TestCreationConcernValidate: a creation advisor's concern between
// checkpoints is checked as a takeover advisor's (known concerns, at
// least one, each once), and its confidential twin's SIREN as the
// others'.
func TestCreationConcernValidate(t *testing.T) {
	t.Parallel()
	p := events.CreationCaseConcernRaised{CaseID: "0195a1b2-4000-7111-8222-333344445555", ConcernID: "0195a1b2-4003-7c01-8d02-0e0301415274",
		RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", Chamber: events.ChamberCMA, AdvisorID: "cma-91-0007", Departement: "91",
		Concerns: []string{events.ConcernCashFlow}, RaisedAt: time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC)}
	if err := p.Validate(); err != nil {
		t.Fatalf("valid event refused: %v", err)
	}
	p.Concerns, p.SecondaryChamber, p.ConcernID = []string{"gossip"}, events.ChamberCMA, ""
	err := p.Validate()
	for _, field := range []string{"concerns", "secondary_chamber", "concern_id"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("Validate = %v, want %s named", err, field)
		}
	}
	id := events.PreventionCreationConcernIdentified{CaseID: p.CaseID, ConcernID: "x", RequestID: p.RequestID, SIREN: "732829321",
		ObservedAt: p.RaisedAt}
	err = id.Validate()
	if err == nil || !strings.Contains(err.Error(), "siren") || !strings.Contains(err.Error(), "concern_id") ||
		strings.Contains(err.Error(), "732829321") {
		t.Errorf("Validate = %v, want siren and concern_id named, no number", err)
	}
}
