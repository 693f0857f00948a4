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

// TestTakeoverConcernOpensACaseAndNamesItsBusiness, end to end on NATS and
// Postgres: takeover-matching's takeover.offer.difficulty_seen, read from
// TAKEOVER through a durable filtered on it, opens a call-back case of
// source advisor_observation for the offer's chambers, its kinds the
// concerns, named by the offer, announced once; the same event again and
// another concern about the same offer open nothing more. intake's
// prevention.concern.identified, on the confidential stream, becomes the
// business's advisor_concern signal, which rescores it: the cell reads the
// case with its business, scored, and never its SIREN. An identified event
// whose SIREN fails its key is dead-lettered with the reason, without the
// number, and does not block the ones behind it.
func TestTakeoverConcernOpensACaseAndNamesItsBusiness(t *testing.T) {
	h := start(t)
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-003", Chamber: "CMA", Roles: []string{"advisor", "prevention_cell"}})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cci-91-002", Chamber: "CCI", Roles: []string{"advisor"}, Specialities: []string{"difficulty"}})
	h.advisor(events.AdvisorUpdated{AdvisorID: "cma-91-008", Chamber: "CMA", Roles: []string{"advisor"}, Specialities: []string{"takeover"}})
	h.directory(3)

	offer, request := "0195a1d0-1000-7aaa-8bbb-0000000000f1", "01900000-0000-7000-8000-0000000000f1"
	concern := func(id string, concerns ...string) events.TakeoverOfferDifficultySeen {
		return events.TakeoverOfferDifficultySeen{OfferID: offer, ConcernID: id, RequestID: request, Chamber: "CMA",
			SecondaryChamber: "CCI", AdvisorID: "cma-91-008", NAFCode: "10.71C", Departement: "91", EPCI: "200057859",
			Concerns: concerns, SeenAt: time.Now()}
	}
	first, second := "0195a1d0-1007-7b01-8c02-0000000000f2", "0195a1d0-1007-7b01-8c02-0000000000f3"
	seen := h.Event(t, "takeover-matching", offer, concern(first, events.ConcernCashFlow, events.ConcernOverdueDebts))
	if seen.Topic != "takeover.offer.difficulty_seen.91" {
		t.Fatalf("topic %s", seen.Topic)
	}
	h.PublishCopy(t, seen, "first-copy")
	h.PublishCopy(t, seen, "second-copy")
	h.CaughtUp(t, h.Publish(t, h.Event(t, "takeover-matching", offer, concern(second, events.ConcernOwnerWellbeing))))
	caseID, advisors := h.caseOf(request)
	if want := []string{"cma-91-003", "cci-91-002"}; !slices.Equal(advisors, want) {
		t.Fatalf("advisors %v, want %v (the takeover advisor is no prevention advisor)", advisors, want)
	}
	var source, level, linked string
	var kinds []string
	var creation *string
	h.DB.Scan(t, `SELECT source, level, kinds, takeover_offer_id::text, creation_case_id::text FROM difficulty_alert.difficulty_cases
		WHERE case_id = $1`, []any{caseID}, &source, &level, &kinds, &linked, &creation)
	if source != "advisor_observation" || level != events.DifficultyCallBack || !slices.Equal(kinds, []string{"cash_flow", "overdue_debts"}) ||
		linked != offer || creation != nil {
		t.Fatalf("case: source %s, level %s, kinds %v, offer %s, creation case %v", source, level, kinds, linked, creation)
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
		opened.Chamber != "CMA" || opened.SecondaryChamber != "CCI" || !slices.Equal(opened.AdvisorIDs, advisors) {
		t.Fatalf("difficulty.case.opened = %+v", opened)
	}
	// Of TAKEOVER the durable asks only the concerns.
	cons, err := h.JS.Consumer(h.Ctx, events.StreamTakeover.Name, service.Name)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := cons.Info(h.Ctx); err != nil || info.Config.FilterSubject != "takeover.offer.difficulty_seen.>" {
		t.Fatalf("TAKEOVER durable: %v %v", info, err)
	}

	identified := func(concernID, sirenNum string) events.Event {
		return h.Event(t, "intake", offer, events.PreventionConcernIdentified{OfferID: offer, ConcernID: concernID, RequestID: request,
			SIREN: sirenNum, SIRET: sirenNum + "00074", ObservedAt: time.Now()})
	}
	poison := identified(second, "732829321") // Luhn key wrong
	h.CaughtUp(t, h.Publish(t, poison, identified(first, "732829320")))
	if reason := h.DeadLetter(t, poison); !strings.Contains(reason, "siren must be 9 digits with a valid key") || strings.Contains(reason, "732829321") {
		t.Errorf("dead letter reason %q: want why, without the number", reason)
	}
	var kind, theme, siret, ref string
	var strength int
	h.DB.Scan(t, `SELECT kind, theme, coalesce(siret, ''), source_ref, strength FROM difficulty_alert.signals
		WHERE source = 'advisor_observation' AND siren = '732829320'`, nil, &kind, &theme, &siret, &ref, &strength)
	if kind != "advisor_concern" || theme != "finances" || siret != "73282932000074" || ref != offer+"/"+first || strength != 60 {
		t.Fatalf("signal: %s %s %s %s %d", kind, theme, siret, ref, strength)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.signals`); n != 1 {
		t.Fatalf("%d signals, want the good one", n)
	}

	cell := auth.Principal{Subject: "cci-91-009", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor, auth.RolePreventionCell}}
	status, body := h.get(&cell, "/api/v1/difficulty-cases/"+caseID)
	if status != 200 || !strings.Contains(body, `"takeover_offer_id":"`+offer+`"`) ||
		!strings.Contains(body, `"source_label":"Signalé par le conseiller transmission-reprise"`) ||
		!strings.Contains(body, `"kinds":["cash_flow","overdue_debts"]`) || !strings.Contains(body, `"business":{`) ||
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
