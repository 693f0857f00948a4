package natsbus_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"
)

// logBuffer collects a service's JSON logs; tests read it to see what an
// operator would see (async permission errors, dead letters).
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// service is one platform service connected as its own NATS user.
type service struct {
	bus  *natsbus.Bus
	tel  *telemetry.Telemetry
	logs *logBuffer
}

// env is an in-process nats-server with intake (owner of INTAKE) and
// creation-support (owner of CREATION, reader of INTAKE) connected as
// themselves, and an admin connection for inspection.
type env struct {
	ctx    context.Context
	ns     *testkit.NATS
	intake *service
	cs     *service
	nc     *nats.Conn
	js     jetstream.JetStream
}

func setup(t *testing.T) *env {
	t.Helper()
	e := &env{ctx: testkit.Context(t), ns: testkit.StartNATS(t)}
	e.intake = e.connect(t, "intake")
	e.cs = e.connect(t, "creation-support")
	for _, s := range []*service{e.intake, e.cs} {
		id, err := natsbus.IdentityOf(s.tel.Service)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.bus.EnsureStream(e.ctx, id.Owns, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.bus.EnsureDeadLetterStream(e.ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	e.nc, e.js = e.ns.Admin(t)
	return e
}

func (e *env) connect(t *testing.T, name string) *service {
	t.Helper()
	logs := &logBuffer{}
	tel, err := telemetry.New(e.ctx, name, telemetry.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	id, err := natsbus.IdentityOf(name)
	if err != nil {
		t.Fatal(err)
	}
	bus, err := natsbus.Connect(e.ctx, e.ns.Config(name), id, tel)
	if err != nil {
		t.Fatalf("connect as %s: %v", name, err)
	}
	t.Cleanup(func() {
		bus.Close()
		if t.Failed() {
			t.Logf("%s logs:\n%s", name, logs)
		}
	})
	return &service{bus: bus, tel: tel, logs: logs}
}

// consume starts creation-support's durable on INTAKE and stops it at the
// end of the test.
func (e *env) consume(t *testing.T, spec natsbus.ConsumerSpec, h natsbus.Handler) *natsbus.Subscription {
	t.Helper()
	if spec.Stream.Name == "" {
		spec.Stream = events.StreamIntake
	}
	sub, err := e.cs.bus.Consume(e.ctx, spec, h)
	if err != nil {
		t.Fatalf("consume: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sub.Stop(ctx)
	})
	return sub
}

func (e *env) consumerInfo(t *testing.T) *jetstream.ConsumerInfo {
	t.Helper()
	c, err := e.js.Consumer(e.ctx, events.StreamIntake.Name, "creation-support")
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// waitSettled waits until creation-support has settled (acked or
// terminated) every message of INTAKE.
func (e *env) waitSettled(t *testing.T) {
	t.Helper()
	testkit.Eventually(t, 15*time.Second, "every INTAKE message settled", func() (bool, error) {
		stream, err := e.js.Stream(e.ctx, events.StreamIntake.Name)
		if err != nil {
			return false, err
		}
		last := stream.CachedInfo().State.LastSeq
		info := e.consumerInfo(t)
		return info.NumAckPending == 0 && info.NumPending == 0 && info.AckFloor.Stream == last, nil
	})
}

// deadLetters returns the messages of DEADLETTER on a subject filter.
func (e *env) deadLetters(t *testing.T, filter string) []*jetstream.RawStreamMsg {
	t.Helper()
	stream, err := e.js.Stream(e.ctx, events.DeadLetterStream)
	if err != nil {
		t.Fatal(err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := uint64(1); seq <= stream.CachedInfo().State.LastSeq; seq++ {
		m, err := stream.GetMsg(e.ctx, seq)
		if err != nil {
			continue // deleted or not matching
		}
		if natsbus.MatchSubject(filter, m.Subject) {
			out = append(out, m)
		}
	}
	return out
}

// submission builds a valid intake.creation.submitted event; label only
// makes test failures readable (it is the commune's label, not checked).
func submission(t *testing.T, label string) events.Event {
	t.Helper()
	requestID := uuid.NewString()
	t.Logf("request %s is %q", requestID, label)
	ev, err := events.New("intake", requestID, "91", &events.CreationSubmitted{
		RequestID: requestID, CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: events.ChamberCMA, RuleID: "artisanal"}, SubmittedAt: time.Now(),
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (e *env) publish(t *testing.T, evs ...events.Event) {
	t.Helper()
	for _, ev := range evs {
		if err := e.intake.bus.Publish(e.ctx, ev); err != nil {
			t.Fatalf("intake publishes %s: %v", ev.Topic, err)
		}
	}
}

// calls records handler invocations per event id.
type calls struct {
	mu    sync.Mutex
	byID  map[string]int
	order []string
	evs   map[string]events.Event
}

func newCalls() *calls { return &calls{byID: map[string]int{}, evs: map[string]events.Event{}} }

func (c *calls) add(ev events.Event) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byID[ev.ID]++
	c.order = append(c.order, ev.ID)
	c.evs[ev.ID] = ev
	return c.byID[ev.ID]
}

func (c *calls) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byID[id]
}

func (c *calls) event(id string) events.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.evs[id]
}

// counter reads a counter of a service's registry by name and label value.
func counter(t *testing.T, tel *telemetry.Telemetry, name, label string) float64 {
	t.Helper()
	mfs, err := tel.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == label {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
