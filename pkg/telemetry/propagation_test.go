package telemetry_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestTracePropagatesThroughOutboxAndNATS follows one request: a span in
// intake's context, the event written to the outbox in a transaction, the
// relay publishing it, creation-support's consumer handling it. Every span
// must belong to the request's trace, each the child of the previous one.
func TestTracePropagatesThroughOutboxAndNATS(t *testing.T) {
	t.Parallel()
	ctx := testkit.Context(t)
	rec := tracetest.NewSpanRecorder()
	intakeTel, _ := newTelemetry(t, "intake", rec)
	csTel, _ := newTelemetry(t, "creation-support", rec)

	admin := testkit.Database(t)
	pool, err := pgdb.Open(ctx, testkit.ServiceDatabase(t, admin, "intake"), "intake")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := pgdb.Migrate(ctx, pool, outbox.Migrations()); err != nil {
		t.Fatal(err)
	}

	ns := testkit.StartNATS(t)
	intakeID, err := natsbus.IdentityOf("intake")
	if err != nil {
		t.Fatal(err)
	}
	csID, err := natsbus.IdentityOf("creation-support")
	if err != nil {
		t.Fatal(err)
	}
	producer, err := natsbus.Connect(ctx, ns.Config("intake"), intakeID, intakeTel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(producer.Close)
	if err := producer.EnsureStream(ctx, events.StreamIntake, 1); err != nil {
		t.Fatal(err)
	}
	consumer, err := natsbus.Connect(ctx, ns.Config("creation-support"), csID, csTel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(consumer.Close)
	if err := consumer.EnsureDeadLetterStream(ctx, 1); err != nil {
		t.Fatal(err)
	}

	var (
		mu        sync.Mutex
		handlerSC trace.SpanContext
		handled   events.Event
	)
	sub, err := consumer.Consume(ctx, natsbus.ConsumerSpec{
		Stream:  events.StreamIntake,
		Filters: []string{events.CreationSubmitted{}.EventName().Filter()},
	}, func(ctx context.Context, ev events.Event) error {
		mu.Lock()
		defer mu.Unlock()
		handlerSC = trace.SpanContextFromContext(ctx)
		handled = ev
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Stop(context.Background()) })

	// The request: a span around the transaction that writes the outbox row.
	reqCtx, root := intakeTel.Tracer.Tracer("test").Start(ctx, "POST /creations", trace.WithSpanKind(trace.SpanKindServer))
	ev, err := events.New("intake", "req-1", "91", &events.CreationSubmitted{
		RequestID: "req-1", CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: events.ChamberCMA, RuleID: "artisanal"}, SubmittedAt: time.Now(),
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := pgdb.InTx(reqCtx, pool, func(tx pgx.Tx) error { return outbox.Add(reqCtx, tx, ev) }); err != nil {
		t.Fatal(err)
	}
	root.End()
	rootSC := root.SpanContext()

	// The relay runs in its own context, as in a service: the trace comes
	// from the row, not from the caller.
	relay := outbox.NewRelay(pool, producer.JS, intakeTel, outbox.RelayOptions{})
	if n, err := relay.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("relay drain = %d, %v; want 1 row published", n, err)
	}

	const subject = "intake.creation.submitted.91"
	var send, process sdktrace.ReadOnlySpan
	testkit.Eventually(t, 10*time.Second, "consumer span ended", func() (bool, error) {
		send, process = nil, nil
		for _, s := range rec.Ended() {
			switch s.Name() {
			case "send " + subject:
				send = s
			case "process " + subject:
				process = s
			}
		}
		return send != nil && process != nil, nil
	})

	mu.Lock()
	defer mu.Unlock()
	if handled.ID != ev.ID {
		t.Fatalf("handler got event %q, want %q", handled.ID, ev.ID)
	}

	traceID := rootSC.TraceID()
	for _, s := range []sdktrace.ReadOnlySpan{send, process} {
		if s.SpanContext().TraceID() != traceID {
			t.Errorf("span %q has trace %s, want the request's %s", s.Name(), s.SpanContext().TraceID(), traceID)
		}
	}
	if handlerSC.TraceID() != traceID {
		t.Errorf("handler context trace %s, want %s", handlerSC.TraceID(), traceID)
	}

	if send.SpanKind() != trace.SpanKindProducer {
		t.Errorf("send span kind %v, want producer", send.SpanKind())
	}
	if send.Parent().SpanID() != rootSC.SpanID() {
		t.Errorf("send span parent %s, want the request span %s", send.Parent().SpanID(), rootSC.SpanID())
	}
	for s, service := range map[sdktrace.ReadOnlySpan]string{send: "intake", process: "creation-support"} {
		if v, ok := s.Resource().Set().Value("service.name"); !ok || v.AsString() != service {
			t.Errorf("span %q reports service.name %q, want %q", s.Name(), v.AsString(), service)
		}
	}
	if process.SpanKind() != trace.SpanKindConsumer {
		t.Errorf("process span kind %v, want consumer", process.SpanKind())
	}
	if process.Parent().SpanID() != send.SpanContext().SpanID() || !process.Parent().IsRemote() {
		t.Errorf("process span parent %v, want the remote send span %s", process.Parent(), send.SpanContext().SpanID())
	}
	if handlerSC.SpanID() != process.SpanContext().SpanID() {
		t.Errorf("handler context span %s, want the process span %s", handlerSC.SpanID(), process.SpanContext().SpanID())
	}

	wantAttrs := map[*sdktrace.ReadOnlySpan]map[attribute.Key]string{
		&send: {
			"messaging.system":           "nats",
			"messaging.operation.name":   "send",
			"messaging.operation.type":   "send",
			"messaging.destination.name": subject,
			"messaging.message.id":       ev.ID,
		},
		&process: {
			"messaging.system":              "nats",
			"messaging.operation.name":      "process",
			"messaging.operation.type":      "process",
			"messaging.destination.name":    subject,
			"messaging.consumer.group.name": "creation-support",
			"messaging.message.id":          ev.ID,
			"messaging.settle":              "ack",
		},
	}
	for sp, want := range wantAttrs {
		got := map[attribute.Key]string{}
		for _, kv := range (*sp).Attributes() {
			got[kv.Key] = kv.Value.String()
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("span %q: %s = %q, want %q", (*sp).Name(), k, got[k], v)
			}
		}
	}

	// On the wire the trace context travels under the lowercase key only.
	_, js := ns.Admin(t)
	stream, err := js.Stream(ctx, events.StreamIntake.Name)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := stream.GetLastMsgForSubject(ctx, subject)
	if err != nil {
		t.Fatal(err)
	}
	assertWireTraceparent(t, msg, traceID, send.SpanContext().SpanID())
}

func assertWireTraceparent(t *testing.T, msg *jetstream.RawStreamMsg, traceID trace.TraceID, spanID trace.SpanID) {
	t.Helper()
	if v, ok := msg.Header["Traceparent"]; ok {
		t.Errorf("stored message has a canonical Traceparent header %v", v)
	}
	want := "00-" + traceID.String() + "-" + spanID.String() + "-01"
	if got := msg.Header["traceparent"]; len(got) != 1 || got[0] != want {
		t.Errorf("stored traceparent = %v, want [%s] (the producer span)", got, want)
	}
}
