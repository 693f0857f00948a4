package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// submitted is the event of request n routed to chamber, in a context
// with a trace of its own.
func (f *fixture) submitted(n int, chamber string) natsbus.Item {
	f.t.Helper()
	id := fmt.Sprintf("01900000-0000-7000-8000-%012d", n)
	p := events.CreationSubmitted{RequestID: id, NAFCode: "10.71C", CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: chamber, RuleID: "test"}}
	ev, err := events.New("intake", id, "91", p, f.now)
	if err != nil {
		f.t.Fatal(err)
	}
	// The request id's 32 hex digits make a trace id that is n's own.
	tid, err := trace.TraceIDFromHex(strings.ReplaceAll(id, "-", ""))
	if err != nil {
		f.t.Fatal(err)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{1},
		TraceFlags: trace.FlagsSampled})
	return natsbus.Item{Ctx: trace.ContextWithSpanContext(f.ctx, sc), Event: ev}
}

// handler is the consumer's: it decodes the event and runs OpenCase.
func (f *fixture) handler() natsbus.Handler {
	uc := app.OpenCase{Cases: f.store, Now: f.clock}
	return func(ctx context.Context, ev events.Event) error {
		p, err := events.Decode[events.CreationSubmitted](ev)
		if err != nil {
			return err
		}
		return uc.Handle(ctx, ev, p)
	}
}

// TestBatchOfOpenings: a batch opens one case per new request, in order,
// balancing loads as one-by-one openings would; a redelivered event, a
// copy within the batch and a second event for a request open nothing; an
// event whose case cannot be stored (found when the batch's writes are
// made) is isolated with its error while the others commit; each event
// carries its own trigger's trace.
func TestBatchOfOpenings(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Chamber: "CCI", Active: true})
	f.advisor(creation.Advisor{AdvisorID: "cci-b", Chamber: "CCI", Active: true})
	f.advisor(creation.Advisor{AdvisorID: "cma-a", Chamber: "CMA", Active: true})
	before := f.submitted(1, "CCI")
	if err := f.handler()(before.Ctx, before.Event); err != nil {
		t.Fatal(err)
	}

	second := f.submitted(2, "CCI") // another event for request 2
	items := []natsbus.Item{
		f.submitted(2, "CCI"),
		before,                // redelivered
		f.submitted(3, "XYZ"), // poison: no such chamber (a CHECK constraint)
		second,
		f.submitted(4, "CMA"),
		f.submitted(5, "CCI"),
	}
	items = append(items, items[0]) // the same event twice in the batch
	errs := inbox.Batcher{Pool: f.pool}.RunBatch(items, f.handler())

	for i, err := range errs {
		if (i == 2) != (err != nil) {
			t.Errorf("item %d: err = %v", i, err)
		}
	}
	if n := f.count(`SELECT count(*) FROM creation_cases`); n != 4 {
		t.Errorf("%d cases, want 4 (requests 1, 2, 4, 5)", n)
	}
	if a, b, c := f.load("cci-a"), f.load("cci-b"), f.load("cma-a"); a+b != 3 || a < 1 || b < 1 || c != 1 {
		t.Errorf("loads cci-a %d, cci-b %d, cma-a %d; want 3 CCI cases shared and 1 CMA", a, b, c)
	}
	if n := f.outboxTopics()["creation.case.opened.91"]; n != 4 {
		t.Errorf("%d case.opened events, want 4", n)
	}
	if n := f.count(`SELECT count(*) FROM inbox`); n != 5 {
		t.Errorf("%d inbox rows, want 5 (the distinct events but the poison one; the advisors' projection claims none)", n)
	}
	f.assertTraces(map[string]trace.TraceID{
		"01900000-0000-7000-8000-000000000002": trace.SpanContextFromContext(items[0].Ctx).TraceID(),
		"01900000-0000-7000-8000-000000000004": trace.SpanContextFromContext(items[4].Ctx).TraceID(),
	})
}

// assertTraces checks the trace of the case.opened event of each request.
func (f *fixture) assertTraces(want map[string]trace.TraceID) {
	f.t.Helper()
	for request, traceID := range want {
		c, found, err := f.store.CaseByRequest(f.ctx, request)
		if err != nil || !found {
			f.t.Fatalf("case of %s: %v, %v", request, found, err)
		}
		var raw []byte
		if err := f.pool.QueryRow(f.ctx, `SELECT headers FROM outbox WHERE headers->'ce-subject'->>0 = $1`, c.ID).Scan(&raw); err != nil {
			f.t.Fatalf("event of case %s: %v", c.ID, err)
		}
		var h map[string][]string
		if err := json.Unmarshal(raw, &h); err != nil {
			f.t.Fatal(err)
		}
		tp := h["traceparent"]
		if len(tp) != 1 || len(tp[0]) < 35 || tp[0][3:35] != traceID.String() {
			f.t.Errorf("request %s: traceparent %v, want trace %s", request, tp, traceID)
		}
	}
}

// TestBatchWithOnlyDuplicatesOpensNothing: a batch whose events were all
// applied before writes nothing and reports no error.
func TestBatchWithOnlyDuplicatesOpensNothing(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cci-a", Chamber: "CCI", Active: true})
	items := []natsbus.Item{f.submitted(1, "CCI"), f.submitted(2, "CCI")}
	for _, errs := range [][]error{
		inbox.Batcher{Pool: f.pool}.RunBatch(items, f.handler()),
		inbox.Batcher{Pool: f.pool}.RunBatch(items, f.handler()),
	} {
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
	}
	if n, load := f.count(`SELECT count(*) FROM creation_cases`), f.load("cci-a"); n != 2 || load != 2 {
		t.Errorf("%d cases, load %d; want 2 and 2", n, load)
	}
}

// TestOpeningsHonourTerritories: an advisor narrowed to Étampes gets no
// project in Évry, opened alone or in a batch, however light their load;
// an Étampes project may go to them.
func TestOpeningsHonourTerritories(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cci-a-etampes", Chamber: "CCI", Active: true, Communes: []string{"91223"}})
	f.advisor(creation.Advisor{AdvisorID: "cci-b-whole", Chamber: "CCI", Active: true})
	for n := 1; n <= 2; n++ { // alone, Évry (91228): never the Étampes advisor
		if c := f.open(n, "CCI", ""); c.AdvisorID != "cci-b-whole" {
			t.Fatalf("Évry project %d went to %q", n, c.AdvisorID)
		}
	}
	items := []natsbus.Item{f.submitted(3, "CCI"), f.submitted(4, "CCI")} // Évry, in a batch
	etampes := f.submitted(5, "CCI")
	p, err := events.Decode[events.CreationSubmitted](etampes.Event)
	if err != nil {
		t.Fatal(err)
	}
	p.CommuneCode = "91223"
	if etampes.Event, err = events.New("intake", p.RequestID, "91", p, f.now); err != nil {
		t.Fatal(err)
	}
	for i, err := range (inbox.Batcher{Pool: f.pool}).RunBatch(append(items, etampes), f.handler()) {
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
	}
	for n, want := range map[int]string{3: "cci-b-whole", 4: "cci-b-whole", 5: "cci-a-etampes"} {
		c, _, err := f.store.CaseByRequest(f.ctx, fmt.Sprintf("01900000-0000-7000-8000-%012d", n))
		if err != nil || c.AdvisorID != want {
			t.Errorf("request %d went to %q (%v), want %s", n, c.AdvisorID, err, want)
		}
	}
}

// TestHandBackHonoursTerritories: a project in Évry handed back goes to
// an advisor whose territory holds it (here through Évry's EPCI, which
// the case keeps from the routing), never to one narrowed to Étampes,
// who would win the tie otherwise (ids in order, same load).
func TestHandBackHonoursTerritories(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cci-a-whole", Chamber: "CCI", Active: true})
	id := "01900000-0000-7000-8000-000000000001"
	p := events.CreationSubmitted{RequestID: id, NAFCode: "47.71Z", CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: "CCI", RuleID: "test", EPCI: "200059228"}}
	ev, err := events.New("intake", id, "91", p, f.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := (app.OpenCase{Cases: f.store, Now: f.clock}).Handle(f.ctx, ev, p); err != nil {
		t.Fatal(err)
	}
	c, _, err := f.store.CaseByRequest(f.ctx, id)
	if err != nil || c.AdvisorID != "cci-a-whole" || c.EPCI != "200059228" {
		t.Fatalf("case %+v (%v), want cci-a-whole's with Évry's EPCI", c, err)
	}
	f.advisor(creation.Advisor{AdvisorID: "cci-b-etampes", Chamber: "CCI", Active: true, Communes: []string{"91223"}})
	f.advisor(creation.Advisor{AdvisorID: "cci-c-gps", Chamber: "CCI", Active: true, EPCIs: []string{"200059228"}})
	who := auth.Principal{Subject: "cci-a-whole", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}
	got, err := app.HandBack{Cases: f.store, Now: f.clock}.Do(f.ctx, who, c.ID, app.HandBackInput{Reason: events.ReassignNoCapacity})
	if err != nil {
		t.Fatal(err)
	}
	if got.AdvisorID != "cci-c-gps" {
		t.Fatalf("handed back to %q, want cci-c-gps (Évry's EPCI), not the Étampes advisor", got.AdvisorID)
	}
}
