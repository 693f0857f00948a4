package creation_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

func TestValidSIREN(t *testing.T) {
	for _, tc := range []struct {
		siren string
		valid bool
	}{
		{"732829320", true},  // a real SIREN
		{"356000000", true},  // La Poste
		{"732829321", false}, // last digit off
		{"738229320", false}, // two neighbours swapped
		{"73282932", false},  // eight digits
		{"7328293200", false},
		{"73282932A", false},
		{"", false},
	} {
		if got := creation.ValidSIREN(tc.siren); got != tc.valid {
			t.Errorf("ValidSIREN(%q) = %v, want %v", tc.siren, got, tc.valid)
		}
	}
}

func TestRegisterMovesToFollowUpAndPlansCheckpoints(t *testing.T) {
	c := atStage(creation.StageFormalities, complete())
	now := journeyStart.Add(48 * time.Hour)
	bad := creation.Registration{SIREN: "732829321", Date: now.Add(24 * time.Hour), LegalForm: "SA cotée"}
	if _, _, err := c.Register(bad, "cma-91-0007", now); !slices.Equal(fieldsOf(err),
		[]string{"siren:invalid", "registered_on:future", "legal_form:invalid"}) {
		t.Fatalf("bad registration: %v", err)
	}
	if c.Stage != creation.StageFormalities || c.Outcome.Kind != "" {
		t.Fatalf("a refused registration changed the case: %s %+v", c.Stage, c.Outcome)
	}
	reg := creation.Registration{SIREN: "732829320", Date: journeyStart, LegalForm: "SARL"}
	moved, ev, err := c.Register(reg, "cma-91-0007", now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Stage != creation.StageFollowUp || moved.From != "formalities" || moved.To != "follow_up" || moved.Validate() != nil ||
		c.Outcome.Kind != events.OutcomeRegistered {
		t.Fatalf("after registration: stage %s, event %+v, outcome %+v", c.Stage, moved, c.Outcome)
	}
	if ev.LegalForm != "SARL" || ev.RegisteredOn != "2026-03-02" || ev.Validate() != nil {
		t.Fatalf("event %+v (%v)", ev, ev.Validate())
	}
	want := []time.Time{journeyStart.AddDate(0, 6, 0), journeyStart.AddDate(1, 0, 0), journeyStart.AddDate(2, 0, 0), journeyStart.AddDate(3, 0, 0)}
	if len(c.Checkpoints) != 4 {
		t.Fatalf("checkpoints %+v", c.Checkpoints)
	}
	for i, cp := range c.Checkpoints {
		if !cp.Due.Equal(want[i]) {
			t.Errorf("checkpoint %s due %s, want %s", cp.Label, cp.Due, want[i])
		}
	}
	if _, _, err := atStage(creation.StageFunding, complete()).Register(reg, "cma-91-0007", now); !errors.Is(err, creation.ErrNotAtFormalities) {
		t.Fatalf("registered before the formalities: %v", err)
	}
}

func TestAbandonAndRedirect(t *testing.T) {
	now := journeyStart.Add(72 * time.Hour)
	c := atStage(creation.StageFunding, complete())
	if _, err := c.Abandon("bored", "cci-91-0042", now); !slices.Equal(fieldsOf(err), []string{"reason:invalid"}) {
		t.Fatalf("abandon with an unknown reason: %v", err)
	}
	ev, err := c.Abandon(events.AbandonNoFunding, "cci-91-0042", now)
	if err != nil || c.Stage != creation.StageClosed || ev.Outcome != events.OutcomeAbandoned || ev.From != "funding" || ev.Validate() != nil {
		t.Fatalf("abandon: %v, stage %s, event %+v", err, c.Stage, ev)
	}
	if _, err := c.Abandon(events.AbandonOther, "cci-91-0042", now); !errors.Is(err, creation.ErrClosed) {
		t.Fatalf("abandoned twice: %v", err)
	}

	c = atStage(creation.StageDiagnosis, complete())
	c.NAFCode, c.CommuneCode, c.Departement = "10.71C", "91228", "91"
	if err := c.PlanNext("Rappeler le porteur", now, "cma-91-0007", now); err != nil {
		t.Fatal(err)
	}
	r, err := c.RedirectToTakeover("cma-91-0007", now)
	if err != nil || c.Stage != creation.StageClosed || c.Outcome.Kind != events.OutcomeRedirectedToTakeover || c.Next.Planned() {
		t.Fatalf("redirect: %v, stage %s, outcome %+v, next %+v", err, c.Stage, c.Outcome, c.Next)
	}
	if r.NAFCode != "10.71C" || r.CommuneCode != "91228" || r.RequestID != c.RequestID || r.Validate() != nil {
		t.Fatalf("redirect event %+v", r)
	}

	registered := atStage(creation.StageFormalities, complete())
	if _, _, err := registered.Register(complete().Registration, "cma-91-0007", now); err != nil {
		t.Fatal(err)
	}
	if _, err := registered.RedirectToTakeover("cma-91-0007", now); !errors.Is(err, creation.ErrRegistered) {
		t.Fatalf("a registered business redirected: %v", err)
	}
	if _, err := registered.Abandon(events.AbandonOther, "cma-91-0007", now); !errors.Is(err, creation.ErrRegistered) {
		t.Fatalf("a registered business abandoned: %v", err)
	}
	// Nor does it step back into the journey: the registration is a fact,
	// its follow-up says what becomes of the business.
	if _, _, err := registered.MoveTo(move(creation.StageFormalities, creation.BackReasons()[0], "")); !errors.Is(err, creation.ErrRegistered) ||
		registered.Stage != creation.StageFollowUp {
		t.Fatalf("a registered business moved back: %v, stage %s", err, registered.Stage)
	}
}

func TestCheckpoints(t *testing.T) {
	reg := complete().Registration
	followed := func() *creation.Case {
		c := atStage(creation.StageFormalities, complete())
		c.NAFCode, c.NAFVersion, c.Departement, c.EPCI, c.CommuneCode = "10.71C", "NAFRev2", "91", "200056232", "91228"
		if _, _, err := c.Register(reg, "cma-91-0007", reg.Date); err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := followed()
	active := creation.CheckpointReport{StillActive: true, Headcount: 2}
	if _, err := c.RecordCheckpoint(0, active, "cma-91-0007", reg.Date.AddDate(0, 5, 0)); !errors.Is(err, creation.ErrCheckpointNotDue) {
		t.Fatalf("recorded before it was due: %v", err)
	}
	seenAt := reg.Date.AddDate(0, 6, 1).In(time.FixedZone("CEST", 7200))
	res, err := c.RecordCheckpoint(0, creation.CheckpointReport{StillActive: true, Headcount: 2, Difficulties: true}, "cma-91-0042", seenAt)
	if err != nil || res.Closed != nil || res.Signal == nil {
		t.Fatalf("6-month checkpoint with difficulties: %v %+v", err, res)
	}
	// The signal places the business by codes and names the checkpoint;
	// the SIREN the case holds is not in it.
	want := events.CreationCaseDifficultySeen{CaseID: c.ID, RequestID: c.RequestID, Chamber: "CMA", SecondaryChamber: "CCI",
		AdvisorID: "cma-91-0042", NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91", EPCI: "200056232",
		CheckpointIndex: 0, CheckpointLabel: "6 mois", SeenAt: seenAt.UTC()}
	if *res.Signal != want || res.Signal.SeenAt.Location() != time.UTC || res.Signal.Validate() != nil {
		t.Fatalf("signal %+v\nwant   %+v", *res.Signal, want)
	}
	// The SIREN goes apart, for difficulty-alert alone (the confidential
	// stream), with the case and the checkpoint.
	wantID := events.PreventionObservationIdentified{CaseID: c.ID, RequestID: c.RequestID, CheckpointIndex: 0,
		SIREN: reg.SIREN, ObservedAt: seenAt.UTC()}
	if res.Identified == nil || *res.Identified != wantID || res.Identified.Validate() != nil {
		t.Fatalf("identity %+v\nwant     %+v", res.Identified, wantID)
	}
	if _, err := c.RecordCheckpoint(0, active, "cma-91-0007", reg.Date.AddDate(0, 7, 0)); !errors.Is(err, creation.ErrCheckpointWritten) {
		t.Fatalf("recorded twice: %v", err)
	}
	if i, cp, ok := c.NextCheckpoint(); !ok || i != 1 || cp.Label != "1 an" {
		t.Fatalf("next checkpoint %d %+v %v", i, cp, ok)
	}
	for i := 1; i < 3; i++ {
		if res, err := c.RecordCheckpoint(i, active, "cma-91-0007", reg.Date.AddDate(i, 0, 1)); err != nil || res.Closed != nil || res.Signal != nil {
			t.Fatalf("checkpoint %d: %v %+v", i, err, res)
		}
	}
	// The last checkpoint of an active business in difficulty closes the
	// follow-up and still raises the signal.
	res, err = c.RecordCheckpoint(3, creation.CheckpointReport{StillActive: true, Difficulties: true}, "cma-91-0007", reg.Date.AddDate(3, 0, 1))
	if err != nil || res.Closed == nil || res.Closed.Outcome != events.OutcomeFollowedUp || c.Stage != creation.StageClosed {
		t.Fatalf("last checkpoint: %v %+v, stage %s", err, res, c.Stage)
	}
	if res.Signal == nil || res.Signal.CheckpointIndex != 3 || res.Signal.CheckpointLabel != "3 ans" {
		t.Fatalf("last checkpoint with difficulties: signal %+v", res.Signal)
	}
	if res.Identified == nil || res.Identified.CheckpointIndex != 3 {
		t.Fatalf("last checkpoint with difficulties: identity %+v", res.Identified)
	}

	c = followed()
	res, err = c.RecordCheckpoint(0, creation.CheckpointReport{StillActive: false, Difficulties: true}, "cma-91-0007", reg.Date.AddDate(0, 6, 0))
	if err != nil || res.Closed == nil || res.Closed.Outcome != events.OutcomeCeased || res.Signal != nil || res.Identified != nil || res.Closed.Validate() != nil {
		t.Fatalf("a ceased business: %v %+v", err, res)
	}
}

func TestNextAction(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	c := atStage(creation.StageBusinessPlan, complete())
	if err := c.PlanNext("  ", now.Add(-48*time.Hour), "cma-91-0007", now); !slices.Equal(fieldsOf(err), []string{"label:required", "due:past"}) {
		t.Fatalf("bad next action: %v", err)
	}
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	if err := c.PlanNext("Relire le plan de trésorerie", today, "cma-91-0007", now); err != nil {
		t.Fatalf("due today: %v", err)
	}
	tomorrow := today.AddDate(0, 0, 1)
	if c.Next.OverdueAt(now) || c.Next.OverdueAt(tomorrow.Add(-time.Nanosecond)) || !c.Next.OverdueAt(tomorrow) {
		t.Fatalf("due %s: overdue today %v, at midnight %v", today, c.Next.OverdueAt(now), c.Next.OverdueAt(tomorrow))
	}
	if r, ok := c.OverdueReminder(tomorrow); !ok || r.Due != today || r.Stage != string(creation.StageBusinessPlan) ||
		r.CaseID != c.ID || r.Validate() != nil {
		t.Fatalf("reminder at %s: %+v %v (%v)", tomorrow, r, ok, r.Validate())
	}
	if _, ok := c.OverdueReminder(now); ok {
		t.Fatal("a reminder of an action due today")
	}
	if (creation.NextAction{}).OverdueAt(now) {
		t.Fatal("no action planned, yet overdue")
	}
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	meeting := func(id string, days, capacity int) creation.Session {
		return creation.Session{ID: id, Chamber: "CCI", Kind: creation.SessionMeeting, Title: "Réunion d'information",
			StartsAt: now.AddDate(0, 0, days), Place: "CCI Essonne, Évry-Courcouronnes", Capacity: capacity}
	}
	s := meeting("s1", 3, 2)
	for _, id := range []string{"c1", "c2"} {
		if err := s.Enrol(id, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Enrol("c1", now); !errors.Is(err, creation.ErrAlreadyRegistered) {
		t.Fatalf("registered twice: %v", err)
	}
	if err := s.Enrol("c3", now); !errors.Is(err, creation.ErrSessionFull) || !s.Full() || s.Seats() != 0 {
		t.Fatalf("a full session took more: %v", err)
	}
	past := meeting("past", -1, 10)
	if err := past.Enrol("c3", now); !errors.Is(err, creation.ErrSessionPast) {
		t.Fatalf("registered to a past session: %v", err)
	}
	later, sooner, fullToo := meeting("s3", 20, 10), meeting("s2", 10, 10), meeting("s4", 5, 1)
	fullToo.Registered = []string{"x"}
	other := meeting("cma", 4, 10)
	other.Chamber = "CMA"
	training := meeting("t", 6, 10)
	training.Kind = creation.SessionTraining
	next, ok := creation.NextWithSeats([]creation.Session{later, s, fullToo, other, training, sooner}, s, now)
	if !ok || next.ID != "s2" {
		t.Fatalf("next session offered %+v %v, want s2", next, ok)
	}
	if _, ok := creation.NextWithSeats([]creation.Session{s, fullToo}, s, now); ok {
		t.Fatal("offered a full session")
	}
	if s.ReminderDue(now) || !s.ReminderDue(s.StartsAt.Add(-23*time.Hour)) || s.ReminderDue(s.StartsAt) {
		t.Fatal("the reminder is due the day before the session only")
	}
}
