package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/creation-support/service"
)

// harness runs creation-support on real Postgres and NATS, and publishes
// as intake and advisor-desk would.
type harness struct {
	t      *testing.T
	admin  string
	intake *natsbus.Bus
	desk   *natsbus.Bus
	js     jetstream.JetStream
	url    string
}

func start(t *testing.T) *harness { return startWith(t, nil) }

// startWith starts the service with its configuration changed by tune.
func startWith(t *testing.T, tune func(*service.Config)) *harness {
	t.Helper()
	ctx := testkit.Context(t)
	admin := testkit.Database(t)
	nats := testkit.StartNATS(t)
	quiet := telemetry.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB = testkit.ServiceDatabase(t, admin, service.Schema)
	cfg.NATS = nats.Config(service.Name)
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 5 * time.Second
	if tune != nil {
		tune(&cfg)
	}
	svc, err := service.New(ctx, cfg, quiet)
	if err != nil {
		t.Fatalf("start creation-support: %v", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})

	h := &harness{t: t, admin: admin, url: "http://" + svc.Addr()}
	h.intake = connect(t, nats, "intake", events.StreamIntake, quiet)
	h.desk = connect(t, nats, "advisor-desk", events.StreamAdvisor, quiet)
	_, h.js = nats.Admin(t)
	return h
}

func connect(t *testing.T, nats *testkit.NATS, user string, owns events.Stream, topts telemetry.Options) *natsbus.Bus {
	t.Helper()
	tel, err := telemetry.New(context.Background(), user, topts)
	if err != nil {
		t.Fatal(err)
	}
	id, err := natsbus.IdentityOf(user)
	if err != nil {
		t.Fatal(err)
	}
	bus, err := natsbus.Connect(context.Background(), nats.Config(user), id, tel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bus.Close)
	if err := bus.EnsureStream(context.Background(), owns, 1); err != nil {
		t.Fatal(err)
	}
	return bus
}

func (h *harness) event(source, aggregate string, p events.Payload) events.Event {
	h.t.Helper()
	ev, err := events.New(source, aggregate, "91", p, time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return ev
}

func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	conn, err := pgx.Connect(context.Background(), h.admin)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (h *harness) advisor(id, chamber string, revision int64, active bool) {
	h.t.Helper()
	ev := h.event("advisor-desk", id, events.AdvisorUpdated{AdvisorID: id, Revision: revision, Chamber: chamber,
		Departements: []string{"91"}, Specialities: []string{"creation"}, Capacity: 10, Active: active, UpdatedAt: time.Now()})
	if err := h.desk.Publish(context.Background(), ev); err != nil {
		h.t.Fatal(err)
	}
}

func submitted(requestID, chamber string) events.CreationSubmitted {
	return events.CreationSubmitted{RequestID: requestID, NAFCode: "10.71C", NAFVersion: "NAFRev2", CommuneCode: "91228",
		Departement: "91", PlannedHeadcount: 2, SubmittedAt: time.Now(),
		Routing: events.Routing{LeadChamber: chamber, RuleID: "test", Reason: "test"}}
}

func (h *harness) caseAdvisor(requestID string) string {
	h.t.Helper()
	var advisor string
	testkit.Eventually(h.t, 10*time.Second, "case of "+requestID+" opened", func() (bool, error) {
		conn, err := pgx.Connect(context.Background(), h.admin)
		if err != nil {
			return false, err
		}
		defer conn.Close(context.Background())
		err = conn.QueryRow(context.Background(), `SELECT coalesce(advisor_id, '') FROM creation_support.creation_cases WHERE request_id = $1`, requestID).Scan(&advisor)
		return err == nil, err
	})
	return advisor
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
	testkit.Eventually(t, 10*time.Second, "directory projected", func() (bool, error) {
		return h.count(`SELECT count(*) FROM creation_support.advisors`) == 4, nil
	})
	ids := []string{"01900000-0000-7000-8000-000000000001", "01900000-0000-7000-8000-000000000002", "01900000-0000-7000-8000-000000000003"}
	var got []string
	for _, id := range ids {
		if err := h.intake.Publish(context.Background(), h.event("intake", id, submitted(id, "CMA"))); err != nil {
			t.Fatal(err)
		}
		got = append(got, h.caseAdvisor(id))
	}
	want := []string{"cma-91-a", "cma-91-b", "cma-91-a"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("assignments = %v, want %v", got, want)
		}
	}
	if n := h.count(`SELECT open_cases FROM creation_support.advisors WHERE advisor_id = 'cma-91-a'`); n != 2 {
		t.Fatalf("cma-91-a carries %d open cases, want 2", n)
	}

	// A burst: openings share batches and run on several workers; every
	// case is counted exactly once in its advisor's load.
	const burst = 40
	for i := range burst {
		id := fmt.Sprintf("01900000-0000-7000-8000-%012d", 100+i)
		if err := h.intake.Publish(context.Background(), h.event("intake", id, submitted(id, "CMA"))); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, 20*time.Second, "burst opened", func() (bool, error) {
		return h.count(`SELECT count(*) FROM creation_support.creation_cases`) == len(ids)+burst, nil
	})
	if n := h.count(`SELECT count(*) FROM creation_support.advisors a
		WHERE open_cases <> (SELECT count(*) FROM creation_support.creation_cases c WHERE c.advisor_id = a.advisor_id)`); n != 0 {
		t.Fatalf("%d advisors' loads differ from their case counts", n)
	}
	for _, a := range []string{"cma-91-a", "cma-91-b"} {
		if n := h.count(`SELECT open_cases FROM creation_support.advisors WHERE advisor_id = $1`, a); n < burst/4 {
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
	ev := h.event("intake", id, submitted(id, "CCI"))
	for i, msgID := range []string{"first-copy", "second-copy"} {
		msg := natsbus.Message(ev, nil)
		if _, err := h.intake.JS.PublishMsg(context.Background(), msg, jetstream.WithMsgID(msgID)); err != nil {
			t.Fatalf("publish copy %d: %v", i, err)
		}
	}
	testkit.Eventually(t, 10*time.Second, "both copies handled", func() (bool, error) {
		cons, err := h.js.Consumer(context.Background(), "INTAKE", "creation-support")
		if err != nil {
			return false, err
		}
		ci, err := cons.Info(context.Background())
		return err == nil && ci.AckFloor.Stream == 2, err
	})
	if n := h.count(`SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, id); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM creation_support.outbox`); n != 1 {
		t.Fatalf("%d events emitted, want 1", n)
	}
}

// TestSecondEventForOneRequestOpensNoSecondCase: an event for a request
// that already has a case, under another event id (a replay after the
// inbox forgot the first id), opens nothing and emits nothing.
func TestSecondEventForOneRequestOpensNoSecondCase(t *testing.T) {
	h := start(t)
	id := "01900000-0000-7000-8000-0000000000dd"
	for range 2 {
		if err := h.intake.Publish(context.Background(), h.event("intake", id, submitted(id, "CCI"))); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, 10*time.Second, "both events handled", func() (bool, error) {
		cons, err := h.js.Consumer(context.Background(), "INTAKE", "creation-support")
		if err != nil {
			return false, err
		}
		ci, err := cons.Info(context.Background())
		return err == nil && ci.AckFloor.Stream == 2, err
	})
	if n := h.count(`SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, id); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM creation_support.outbox`); n != 1 {
		t.Fatalf("%d events emitted, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM creation_support.inbox`); n != 2 {
		t.Fatalf("%d inbox rows, want 2 (both events were handled)", n)
	}
}

// TestPoisonEventIsDeadLetteredAndDoesNotBlock: an event whose payload can
// never be valid lands in DEADLETTER with its reason, and the event behind
// it is processed.
func TestPoisonEventIsDeadLetteredAndDoesNotBlock(t *testing.T) {
	h := start(t)
	poison := h.event("intake", "not-a-uuid", submitted("not-a-uuid", "CCI"))
	good := "01900000-0000-7000-8000-0000000000bb"
	for _, ev := range []events.Event{poison, h.event("intake", good, submitted(good, "CCI"))} {
		if err := h.intake.Publish(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	h.caseAdvisor(good)
	dl, err := h.js.Stream(context.Background(), "DEADLETTER")
	if err != nil {
		t.Fatal(err)
	}
	var msg *jetstream.RawStreamMsg
	testkit.Eventually(t, 10*time.Second, "poison event in DEADLETTER", func() (bool, error) {
		msg, err = dl.GetLastMsgForSubject(context.Background(), "deadletter.creation-support.intake.creation.submitted.91")
		return err == nil, err
	})
	if got := msg.Header.Get(events.HeaderID); got != poison.ID {
		t.Fatalf("dead letter ce-id %q, want %q", got, poison.ID)
	}
	if reason := msg.Header.Get(events.HeaderDeadReason); reason == "" || !strings.Contains(reason, "request_id must be a UUID") {
		t.Fatalf("dead letter reason %q does not say why", reason)
	}
	if n := h.count(`SELECT count(*) FROM creation_support.creation_cases`); n != 1 {
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
	for _, ev := range []events.Event{h.event("intake", nowhere, p), h.event("intake", after, submitted(after, "CCI"))} {
		if err := h.intake.Publish(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	h.caseAdvisor(after)
	if n := h.count(`SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, nowhere); n != 0 {
		t.Fatalf("%d cases for a request routed nowhere", n)
	}
}
