package signal_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// TestFromSelfReport: the level names the kind, the score is the
// strength (1 for a score of 0: the report itself is a sign), the signal
// dates from the report's UTC day and counts for twelve months; a level
// or a SIRET that does not hold is refused.
func TestFromSelfReport(t *testing.T) {
	at := time.Date(2026, 3, 2, 23, 30, 0, 0, time.FixedZone("CET", 3600)) // 22:30 UTC
	p := events.PreventionReportIdentified{RequestID: "01900000-0000-7000-8000-000000000001", SIREN: "732829320",
		SIRET: "73282932000074", Score: 72, Level: events.DifficultyCallBack, QuestionnaireVersion: "q1", IdentifiedAt: at}
	s, err := signal.FromSelfReport(p)
	if err != nil {
		t.Fatal(err)
	}
	on := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	want := signal.Signal{Source: signal.SourceSelfReport, Kind: signal.KindSelfDiagnosisCallBack, Theme: signal.ThemeSelfAssessment,
		SIREN: "732829320", SIRET: "73282932000074", On: on, Strength: 72, Expires: on.AddDate(1, 0, 0), Ref: p.RequestID,
		RequestID: p.RequestID}
	if s != want {
		t.Fatalf("signal %+v\nwant   %+v", s, want)
	}
	for level, kind := range map[string]signal.Kind{events.DifficultyNone: signal.KindSelfDiagnosisNone,
		events.DifficultyVigilance: signal.KindSelfDiagnosisVigilance} {
		q := p
		q.Level, q.Score = level, 0
		if s, err := signal.FromSelfReport(q); err != nil || s.Kind != kind || s.Strength != signal.MinStrength {
			t.Errorf("level %s, score 0: %+v %v", level, s, err)
		}
	}
	bad := p
	bad.Level = "panic"
	if _, err := signal.FromSelfReport(bad); !errors.Is(err, signal.ErrInvalid) {
		t.Errorf("unknown level: %v", err)
	}
	bad = p
	bad.SIRET = "55210055400013" // another business's establishment
	if _, err := signal.FromSelfReport(bad); !errors.Is(err, signal.ErrSIRET) {
		t.Errorf("SIRET of another business: %v", err)
	}
	bad = p
	bad.SIREN, bad.SIRET = "732829321", ""
	if _, err := signal.FromSelfReport(bad); !errors.Is(err, signal.ErrSIREN) {
		t.Errorf("SIREN failing its key: %v", err)
	}
}

// TestFromObservation: each checkpoint of a creation case is its own
// observation (the reference joins the case and the checkpoint), theme
// finances, of the provisional strength, for twelve months.
func TestFromObservation(t *testing.T) {
	p := events.PreventionObservationIdentified{CaseID: "01900000-0000-7000-8000-000000000002", RequestID: "01900000-0000-7000-8000-000000000003",
		CheckpointIndex: 2, SIREN: "552100554", ObservedAt: time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC)}
	s, err := signal.FromObservation(p)
	if err != nil {
		t.Fatal(err)
	}
	on := time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC)
	want := signal.Signal{Source: signal.SourceAdvisorObservation, Kind: signal.KindCheckpointDifficulties, Theme: signal.ThemeFinances,
		SIREN: "552100554", On: on, Strength: signal.ObservationStrength, Expires: on.AddDate(1, 0, 0), Ref: p.CaseID + "/2",
		RequestID: p.RequestID}
	if s != want {
		t.Fatalf("signal %+v\nwant   %+v", s, want)
	}
	p.CheckpointIndex = 3
	if s, _ := signal.FromObservation(p); s.Ref == want.Ref {
		t.Errorf("two checkpoints share the reference %s", s.Ref)
	}
	p.SIREN = "55210055"
	if _, err := signal.FromObservation(p); !errors.Is(err, signal.ErrSIREN) {
		t.Errorf("8-digit SIREN: %v", err)
	}
}

// TestFromConcern: each concern a takeover advisor raises about an offer
// is its own signal (the reference joins the offer and the concern), of
// its own kind, theme finances, weighed as a creation advisor's
// observation, for twelve months from the day it was raised (UTC), with
// the establishment for sale; a SIREN failing its key or a SIRET of
// another business is refused.
func TestFromConcern(t *testing.T) {
	at := time.Date(2026, 9, 30, 23, 30, 0, 0, time.FixedZone("CEST", 7200)) // 21:30 UTC
	p := events.PreventionConcernIdentified{OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", ConcernID: "0195a1d0-1007-7b01-8c02-0d03e04f0712",
		RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001", SIREN: "732829320", SIRET: "73282932000074", ObservedAt: at}
	s, err := signal.FromConcern(p)
	if err != nil {
		t.Fatal(err)
	}
	on := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	want := signal.Signal{Source: signal.SourceAdvisorObservation, Kind: signal.KindAdvisorConcern, Theme: signal.ThemeFinances,
		SIREN: "732829320", SIRET: "73282932000074", On: on, Strength: signal.ObservationStrength, Expires: on.AddDate(1, 0, 0),
		Ref: p.OfferID + "/" + p.ConcernID, RequestID: p.RequestID}
	if s != want {
		t.Fatalf("signal %+v\nwant   %+v", s, want)
	}
	other := p
	other.ConcernID = "0195a1d0-1008-7b01-8c02-0d03e04f0713"
	if s, _ := signal.FromConcern(other); s.Ref == want.Ref {
		t.Errorf("two concerns share the reference %s", s.Ref)
	}
	bad := p
	bad.SIREN, bad.SIRET = "732829321", ""
	if _, err := signal.FromConcern(bad); !errors.Is(err, signal.ErrSIREN) {
		t.Errorf("SIREN failing its key: %v", err)
	}
	bad = p
	bad.SIRET = "55210055400013"
	if _, err := signal.FromConcern(bad); !errors.Is(err, signal.ErrSIRET) {
		t.Errorf("SIRET of another business: %v", err)
	}
}

// TestFromCreationConcern: a creation advisor's concern between two
// checkpoints is a signal of its own (the reference joins the creation
// case and the concern, never a checkpoint's), of the concerns' kind,
// theme finances, weighed as an observation, for twelve months from the
// day it was raised (UTC), with its request; a SIREN failing its key is
// refused.
func TestFromCreationConcern(t *testing.T) {
	at := time.Date(2026, 9, 30, 23, 30, 0, 0, time.FixedZone("CEST", 7200)) // 21:30 UTC
	p := events.PreventionCreationConcernIdentified{CaseID: "0195a1b2-4000-7111-8222-333344445555",
		ConcernID: "0195a1b2-4003-7c01-8d02-0e0301415274", RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", SIREN: "732829320",
		ObservedAt: at}
	s, err := signal.FromCreationConcern(p)
	if err != nil {
		t.Fatal(err)
	}
	on := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	want := signal.Signal{Source: signal.SourceAdvisorObservation, Kind: signal.KindAdvisorConcern, Theme: signal.ThemeFinances,
		SIREN: "732829320", On: on, Strength: signal.ObservationStrength, Expires: on.AddDate(1, 0, 0),
		Ref: p.CaseID + "/" + p.ConcernID, RequestID: p.RequestID}
	if s != want {
		t.Fatalf("signal %+v\nwant   %+v", s, want)
	}
	other := p
	other.ConcernID = "0195a1b2-4003-7c01-8d02-0e0301415275"
	if s, _ := signal.FromCreationConcern(other); s.Ref == want.Ref {
		t.Errorf("two concerns share the reference %s", s.Ref)
	}
	checkpoint, err := signal.FromObservation(events.PreventionObservationIdentified{CaseID: p.CaseID, RequestID: p.RequestID,
		CheckpointIndex: 1, SIREN: p.SIREN, ObservedAt: at})
	if err != nil || checkpoint.Ref == want.Ref || !strings.HasPrefix(want.Ref, p.CaseID+"/") || !strings.HasPrefix(checkpoint.Ref, p.CaseID+"/") {
		t.Errorf("a checkpoint's reference %q, a concern's %q: want both of the creation case, apart (%v)", checkpoint.Ref, want.Ref, err)
	}
	bad := p
	bad.SIREN = "732829321"
	if _, err := signal.FromCreationConcern(bad); !errors.Is(err, signal.ErrSIREN) {
		t.Errorf("SIREN failing its key: %v", err)
	}
}
