package service_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/creation-support/service"
)

// harness runs creation-support on real Postgres and NATS, and publishes
// as intake and advisor-desk would.
type harness struct {
	*testkit.Harness
	t *testing.T
}

func start(t *testing.T) *harness { return startWith(t, nil) }

// startWith starts the service with its configuration changed by tune.
func startWith(t *testing.T, tune func(*service.Config)) *harness {
	t.Helper()
	h := &harness{Harness: testkit.NewHarness(t, service.Name, service.Schema), t: t}
	cfg := testkit.Load(h.Harness, service.LoadConfig)
	if tune != nil {
		tune(&cfg)
	}
	h.Serve(service.New(h.Ctx, cfg, testkit.Quiet()))
	return h
}

func (h *harness) advisor(id, chamber string, revision int64, active bool) {
	h.t.Helper()
	h.Publish(h.t, h.Event(h.t, "advisor-desk", id, events.AdvisorUpdated{AdvisorID: id, Revision: revision, Chamber: chamber,
		Departements: []string{"91"}, Specialities: []string{"creation"}, Capacity: 10, Active: active, UpdatedAt: time.Now()}))
}

func submitted(requestID, chamber string) events.CreationSubmitted {
	return events.CreationSubmitted{RequestID: requestID, NAFCode: "10.71C", NAFVersion: "NAFRev2", CommuneCode: "91228",
		Departement: "91", PlannedHeadcount: 2, SubmittedAt: time.Now(),
		Routing: events.Routing{LeadChamber: chamber, RuleID: "test", Reason: "test"}}
}

// caseAdvisor waits for the case of a request and returns its advisor
// ("" if none).
func (h *harness) caseAdvisor(requestID string) string {
	h.t.Helper()
	h.DB.WaitCount(h.t, "case of "+requestID+" opened", 1, `SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, requestID)
	return h.DB.Text(h.t, `SELECT coalesce(advisor_id, '') FROM creation_support.creation_cases WHERE request_id = $1`, requestID)
}

// TestCaseAssignment: cases go to the least loaded active advisor of the
// routed chamber, and a stale directory revision changes nothing.
func TestCaseAssignment(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-a", "CMA", 1, true)
	h.advisor("cma-91-b", "CMA", 1, true)
	h.advisor("cma-91-c", "CMA", 2, false) // inactive: never assigned
	h.advisor("cci-91-d", "CCI", 1, true)  // other chamber
	h.advisor("cma-91-c", "CMA", 1, true)  // stale revision: ignored
	h.DB.WaitCount(t, "directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	ids := []string{"01900000-0000-7000-8000-000000000001", "01900000-0000-7000-8000-000000000002", "01900000-0000-7000-8000-000000000003"}
	var got []string
	for _, id := range ids {
		h.Publish(t, h.Event(t, "intake", id, submitted(id, "CMA")))
		got = append(got, h.caseAdvisor(id))
	}
	want := []string{"cma-91-a", "cma-91-b", "cma-91-a"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("assignments = %v, want %v", got, want)
		}
	}
	if n := h.DB.Count(t, `SELECT open_cases FROM creation_support.advisors WHERE advisor_id = 'cma-91-a'`); n != 2 {
		t.Fatalf("cma-91-a carries %d open cases, want 2", n)
	}

	// A burst: openings share batches and run on several workers; every
	// case is counted exactly once in its advisor's load.
	const burst = 40
	for i := range burst {
		id := fmt.Sprintf("01900000-0000-7000-8000-%012d", 100+i)
		h.Publish(t, h.Event(t, "intake", id, submitted(id, "CMA")))
	}
	testkit.Eventually(t, 20*time.Second, "burst opened", func() (bool, error) {
		return h.DB.Count(t, `SELECT count(*) FROM creation_support.creation_cases`) == len(ids)+burst, nil
	})
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.advisors a
		WHERE open_cases <> (SELECT count(*) FROM creation_support.creation_cases c WHERE c.advisor_id = a.advisor_id)`); n != 0 {
		t.Fatalf("%d advisors' loads differ from their case counts", n)
	}
	for _, a := range []string{"cma-91-a", "cma-91-b"} {
		if n := h.DB.Count(t, `SELECT open_cases FROM creation_support.advisors WHERE advisor_id = $1`, a); n < burst/4 {
			t.Errorf("%s got %d of %d burst cases: assignment is not spreading the load", a, n, burst+len(ids))
		}
	}
}

// TestRedeliveredEventOpensOneCase: the same event delivered twice (two
// messages with the same ce-id, past JetStream's de-duplication) opens one
// case and emits one creation.case.opened.
func TestRedeliveredEventOpensOneCase(t *testing.T) {
	h := start(t)
	id := "01900000-0000-7000-8000-0000000000aa"
	ev := h.Event(t, "intake", id, submitted(id, "CCI"))
	h.PublishCopy(t, ev, "first-copy")
	h.CaughtUp(t, h.PublishCopy(t, ev, "second-copy"))
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, id); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.outbox`); n != 1 {
		t.Fatalf("%d events emitted, want 1", n)
	}
}

// TestSecondEventForOneRequestOpensNoSecondCase: an event for a request
// that already has a case, under another event id (a replay after the
// inbox forgot the first id), opens nothing and emits nothing.
func TestSecondEventForOneRequestOpensNoSecondCase(t *testing.T) {
	h := start(t)
	id := "01900000-0000-7000-8000-0000000000dd"
	first, again := h.Event(t, "intake", id, submitted(id, "CCI")), h.Event(t, "intake", id, submitted(id, "CCI"))
	h.CaughtUp(t, h.Publish(t, first, again))
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, id); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.outbox`); n != 1 {
		t.Fatalf("%d events emitted, want 1", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.inbox`); n != 2 {
		t.Fatalf("%d inbox rows, want 2 (both events were handled)", n)
	}
}

// TestPoisonEventIsDeadLetteredAndDoesNotBlock: an event whose payload can
// never be valid lands in DEADLETTER with its reason, and the event behind
// it is processed.
func TestPoisonEventIsDeadLetteredAndDoesNotBlock(t *testing.T) {
	h := start(t)
	poison := h.Event(t, "intake", "not-a-uuid", submitted("not-a-uuid", "CCI"))
	good := "01900000-0000-7000-8000-0000000000bb"
	h.Publish(t, poison, h.Event(t, "intake", good, submitted(good, "CCI")))
	h.caseAdvisor(good)
	if reason := h.DeadLetter(t, poison); reason == "" || !strings.Contains(reason, "request_id must be a UUID") {
		t.Fatalf("dead letter reason %q does not say why", reason)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.creation_cases`); n != 1 {
		t.Fatalf("%d cases, want only the good one", n)
	}
}

// TestRequestRoutedNowhereOpensNoCase: a liberal profession's request is
// acknowledged without a case.
func TestRequestRoutedNowhereOpensNoCase(t *testing.T) {
	h := start(t)
	nowhere := "01900000-0000-7000-8000-0000000000cc"
	p := submitted(nowhere, "")
	p.Routing.RuleID = "liberal-profession"
	after := "01900000-0000-7000-8000-0000000000cd"
	h.Publish(t, h.Event(t, "intake", nowhere, p), h.Event(t, "intake", after, submitted(after, "CCI")))
	h.caseAdvisor(after)
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, nowhere); n != 0 {
		t.Fatalf("%d cases for a request routed nowhere", n)
	}
}
