package service_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/service"
)

// TestCreationConcernOpensACaseAndNamesItsBusiness, end to end on NATS and
// Postgres: creation-support's creation.case.concern_raised, read from
// CREATION through the durable filtered on it and on the checkpoints'
// difficulties, opens a call-back case of source advisor_observation for
// the creation case's chambers, named by the creation case at no
// checkpoint, its kinds the concerns, announced once as made in a
// creation case; the same event again, another concern and a checkpoint's
// difficulties of the same creation case open nothing more.
// prevention.creation_concern.identified, on the confidential stream,
// becomes the business's advisor_concern signal, which names the case's
// business and rescores it: the cell reads the case with its business,
// scored, and never its SIREN. An identified event whose SIREN fails its
// key is dead-lettered with the reason, without the number, and does not
// block the ones behind it.
func TestCreationConcernOpensACaseAndNamesItsBusiness(t *testing.T) {
	h := start(t)
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-003", Chamber: "CMA", Roles: []string{"advisor", "prevention_cell"}})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cci-91-002", Chamber: "CCI", Roles: []string{"advisor"}, Specialities: []string{"difficulty"}})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-007", Chamber: "CMA", Roles: []string{"advisor"}, Specialities: []string{"creation"}})
	h.directory(3)

	creationCase, request := "01950000-0000-7000-8000-0000000000c1", "01900000-0000-7000-8000-0000000000c1"
	concern := func(id string, concerns ...string) events.CreationCaseConcernRaised {
		return events.CreationCaseConcernRaised{CaseID: creationCase, ConcernID: id, RequestID: request, Chamber: "CMA",
			SecondaryChamber: "CCI", AdvisorID: "cma-91-007", NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91",
			EPCI: "200057859", Concerns: concerns, RaisedAt: time.Now()}
	}
	first, second := "0195a1d0-2007-7b01-8c02-0000000000c2", "0195a1d0-2007-7b01-8c02-0000000000c3"
	raised := h.Event(t, "creation-support", creationCase, concern(first, events.ConcernCashFlow, events.ConcernActivityDrop))
	if raised.Topic != "creation.case.concern_raised.91" {
		t.Fatalf("topic %s", raised.Topic)
	}
	h.PublishCopy(t, raised, "first-copy")
	h.PublishCopy(t, raised, "second-copy")
	checkpoint := events.CreationCaseDifficultySeen{CaseID: creationCase, RequestID: request, Chamber: "CMA", SecondaryChamber: "CCI",
		AdvisorID: "cma-91-007", Departement: "91", CheckpointIndex: 1, CheckpointLabel: "1 an", SeenAt: time.Now()}
	h.CaughtUp(t, h.Publish(t, h.Event(t, "creation-support", creationCase, concern(second, events.ConcernOwnerWellbeing)),
		h.Event(t, "creation-support", creationCase, checkpoint)))
	caseID, advisors := h.caseOf(request)
	if want := []string{"cma-91-003", "cci-91-002"}; !slices.Equal(advisors, want) {
		t.Fatalf("advisors %v, want %v (the creation advisor is no prevention advisor)", advisors, want)
	}
	var source, level, linked string
	var kinds []string
	var point, offer *string
	h.DB.Scan(t, `SELECT source, level, kinds, creation_case_id::text, checkpoint, takeover_offer_id::text
		FROM difficulty_alert.difficulty_cases WHERE case_id = $1`, []any{caseID}, &source, &level, &kinds, &linked, &point, &offer)
	if source != "advisor_observation" || level != events.DifficultyCallBack || !slices.Equal(kinds, []string{"cash_flow", "activity_drop"}) ||
		linked != creationCase || point != nil || offer != nil {
		t.Fatalf("case: source %s, level %s, kinds %v, creation case %s, checkpoint %v, offer %v", source, level, kinds, linked, point, offer)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.difficulty_cases`); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if subjects := h.Published(t, events.StreamDifficulty); len(subjects) != 1 || subjects["difficulty.case.opened.91"] != 1 {
		t.Fatalf("DIFFICULTY holds %v, want one difficulty.case.opened.91", subjects)
	}
	var opened events.DifficultyCaseOpened
	h.LastEvent(t, events.StreamDifficulty, "difficulty.case.opened.91", &opened)
	if opened.CaseID != caseID || opened.RequestID != request || opened.Source != events.DifficultySourceAdvisorObservation ||
		opened.ObservedIn != events.ObservedInCreationCase || opened.Chamber != "CMA" || opened.SecondaryChamber != "CCI" ||
		!slices.Equal(opened.AdvisorIDs, advisors) {
		t.Fatalf("difficulty.case.opened = %+v", opened)
	}
	// Of CREATION the durable asks the checkpoints' difficulties and the
	// concerns, nothing else.
	cons, err := h.JS.Consumer(h.Ctx, events.StreamCreation.Name, service.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := cons.Info(h.Ctx)
	if want := []string{"creation.case.difficulty_seen.>", "creation.case.concern_raised.>"}; err != nil ||
		!slices.Equal(info.Config.FilterSubjects, want) || info.Config.FilterSubject != "" {
		t.Fatalf("CREATION durable: %v %v, want filters %v", info, err, want)
	}

	identified := func(concernID, sirenNum string) events.Event {
		return h.Event(t, "creation-support", creationCase, events.PreventionCreationConcernIdentified{CaseID: creationCase,
			ConcernID: concernID, RequestID: request, SIREN: sirenNum, ObservedAt: time.Now()})
	}
	poison := identified(second, "732829321") // Luhn key wrong
	h.CaughtUp(t, h.Publish(t, poison, identified(first, "732829320")))
	if reason := h.DeadLetter(t, poison); !strings.Contains(reason, "siren must be 9 digits with a valid key") || strings.Contains(reason, "732829321") {
		t.Errorf("dead letter reason %q: want why, without the number", reason)
	}
	var kind, theme, ref, signalRequest string
	var strength int
	h.DB.Scan(t, `SELECT kind, theme, source_ref, strength, request_id::text FROM difficulty_alert.signals
		WHERE source = 'advisor_observation' AND siren = '732829320'`, nil, &kind, &theme, &ref, &strength, &signalRequest)
	if kind != "advisor_concern" || theme != "finances" || ref != creationCase+"/"+first || strength != 60 || signalRequest != request {
		t.Fatalf("signal: %s %s %s %d %s", kind, theme, ref, strength, signalRequest)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.signals`); n != 1 {
		t.Fatalf("%d signals, want the good one", n)
	}

	cell := auth.Principal{Subject: "cci-91-009", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}}
	status, body := h.get(&cell, "/api/v1/difficulty-cases/"+caseID)
	if status != 200 || !strings.Contains(body, `"creation_case_id":"`+creationCase+`"`) || strings.Contains(body, `"checkpoint"`) ||
		!strings.Contains(body, `"source_label":"Signalé par le conseiller création entre deux points de suivi post-création"`) ||
		!strings.Contains(body, `"kinds":["cash_flow","activity_drop"]`) || !strings.Contains(body, `"business":{`) ||
		!strings.Contains(body, `"kind":"advisor_concern"`) || !strings.Contains(body, `"level":"moderate"`) ||
		strings.Contains(body, "732829320") {
		t.Fatalf("the CCI's cell reads the case: %d %s", status, body)
	}
	// The business's level rose with the signal: its case is the
	// concern's, which now names it, and no second one opened.
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.difficulty_cases`); n != 1 {
		t.Errorf("%d cases after the business was scored, want the concern's alone", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.difficulty_cases WHERE case_id = $1 AND siren = '732829320'`, caseID); n != 1 {
		t.Error("the concern's case does not name its business")
	}
}
