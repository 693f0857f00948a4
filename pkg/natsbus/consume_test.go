package natsbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"
)

var submittedFilter = []string{events.CreationSubmitted{}.EventName().Filter()}

func TestConsumeAcksWhenTheHandlerSucceeds(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := newCalls()
	e.consume(t, natsbus.ConsumerSpec{Filters: submittedFilter}, func(_ context.Context, ev events.Event) error {
		c.add(ev)
		return nil
	})
	evs := []events.Event{submission(t, "r1"), submission(t, "r2"), submission(t, "r3")}
	e.publish(t, evs...)
	e.waitSettled(t)

	for _, ev := range evs {
		if n := c.count(ev.ID); n != 1 {
			t.Errorf("event %s handled %d times, want 1", ev.ID, n)
		}
		got := c.event(ev.ID)
		if got.Type != ev.Type || got.Source != ev.Source || got.Subject != ev.Subject || got.Topic != ev.Topic ||
			!got.Time.Equal(ev.Time) || string(got.Data) != string(ev.Data) {
			t.Errorf("handler got %+v, want %+v", got, ev)
		}
	}
	if info := e.consumerInfo(t); info.NumRedelivered != 0 || info.Config.AckPolicy != jetstream.AckExplicitPolicy {
		t.Errorf("consumer: %d redelivered, ack policy %v; want 0 and explicit", info.NumRedelivered, info.Config.AckPolicy)
	}
	if dl := e.deadLetters(t, ">"); len(dl) != 0 {
		t.Errorf("%d dead letters, want none", len(dl))
	}
}

func TestConsumeFiltersSubjects(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := newCalls()
	e.consume(t, natsbus.ConsumerSpec{Filters: submittedFilter}, func(_ context.Context, ev events.Event) error {
		c.add(ev)
		return nil
	})
	other, err := events.New("intake", "r0", "91", &events.CreationSubmitted{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other.Topic = "intake.takeover.submitted.91" // not for creation-support
	other.Type = "intake.takeover.submitted.v1"
	wanted := submission(t, "r1")
	e.publish(t, other, wanted)
	e.waitSettled(t)
	if n := c.count(wanted.ID); n != 1 {
		t.Errorf("wanted event handled %d times, want 1", n)
	}
	if n := c.count(other.ID); n != 0 {
		t.Errorf("filtered-out event handled %d times", n)
	}
}

func TestTransientErrorIsRetriedUntilItSucceeds(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := newCalls()
	e.consume(t, natsbus.ConsumerSpec{
		Filters: submittedFilter,
		Backoff: []time.Duration{10 * time.Millisecond},
	}, func(_ context.Context, ev events.Event) error {
		if c.add(ev) < 3 {
			return errors.New("advisor directory not loaded yet")
		}
		return nil
	})
	ev := submission(t, "r1")
	e.publish(t, ev)
	e.waitSettled(t)

	if n := c.count(ev.ID); n != 3 {
		t.Errorf("handled %d times, want 3 (two failures, then success)", n)
	}
	if info := e.consumerInfo(t); info.NumRedelivered != 0 || info.AckFloor.Stream != 1 {
		// NumRedelivered counts messages still pending redelivery.
		t.Errorf("consumer: redelivered=%d ack floor=%d; want 0 and 1", info.NumRedelivered, info.AckFloor.Stream)
	}
	if dl := e.deadLetters(t, ">"); len(dl) != 0 {
		t.Errorf("%d dead letters, want none", len(dl))
	}
	if got := counter(t, e.cs.tel, "event_redeliveries_total", "creation-support"); got != 2 {
		t.Errorf("redeliveries metric = %v, want 2", got)
	}
}

// An event waiting for its retry does not hold back the events behind it.
func TestRetryingEventDoesNotBlockOthers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := newCalls()
	stuck := submission(t, "stuck")
	e.consume(t, natsbus.ConsumerSpec{
		Filters: submittedFilter,
		Backoff: []time.Duration{time.Hour}, // not redelivered during the test
	}, func(_ context.Context, ev events.Event) error {
		c.add(ev)
		if ev.ID == stuck.ID {
			return errors.New("transient")
		}
		return nil
	})
	behind := []events.Event{submission(t, "r1"), submission(t, "r2")}
	e.publish(t, stuck)
	e.publish(t, behind...)
	// Workers may run the events in any order: wait for all three, then
	// for the acks of the two behind, while the failed one waits.
	testkit.Eventually(t, 10*time.Second, "events behind handled and acknowledged", func() (bool, error) {
		if c.count(stuck.ID) == 0 || c.count(behind[0].ID) == 0 || c.count(behind[1].ID) == 0 {
			return false, nil
		}
		info := e.consumerInfo(t)
		return info.NumAckPending == 1 && info.NumPending == 0, nil
	})
	for _, ev := range behind {
		if n := c.count(ev.ID); n != 1 {
			t.Errorf("event behind handled %d times, want 1", n)
		}
	}
	if n := c.count(stuck.ID); n != 1 {
		t.Errorf("failed event handled %d times, want 1 (its retry is an hour away)", n)
	}
}

func TestPoisonEventsAreDeadLettered(t *testing.T) {
	t.Parallel()
	const subject = "intake.creation.submitted.91"
	tests := []struct {
		name string
		// poison publishes the poison event and returns its body and ce-id.
		poison func(t *testing.T, e *env) (body []byte, id string)
		// handler is creation-support's handler; it must succeed for
		// the good events.
		handler func(poisonID string) natsbus.Handler
		reason  string
		handled bool // the handler saw the poison event
	}{
		{
			name: "malformed headers",
			poison: func(t *testing.T, e *env) ([]byte, string) {
				msg := &nats.Msg{Subject: subject, Data: []byte(`{"request_id":"x"}`), Header: nats.Header{"ce-type": {"intake.creation.submitted.v1"}}}
				if _, err := e.js.PublishMsg(e.ctx, msg); err != nil {
					t.Fatal(err)
				}
				return msg.Data, ""
			},
			handler: func(string) natsbus.Handler { return func(context.Context, events.Event) error { return nil } },
			reason:  "malformed event: missing header",
		},
		{
			name: "undecodable payload",
			poison: func(t *testing.T, e *env) ([]byte, string) {
				ev := submission(t, "bad")
				ev.Data = []byte(`{"request_id": 42`)
				e.publish(t, ev)
				return ev.Data, ev.ID
			},
			handler: func(string) natsbus.Handler {
				return func(_ context.Context, ev events.Event) error {
					_, err := events.Decode[events.CreationSubmitted](ev)
					return err
				}
			},
			reason:  "malformed event: intake.creation.submitted.v1 payload",
			handled: true,
		},
		{
			name: "permanent handler error",
			poison: func(t *testing.T, e *env) ([]byte, string) {
				ev := submission(t, "unknown-commune")
				e.publish(t, ev)
				return ev.Data, ev.ID
			},
			handler: func(poisonID string) natsbus.Handler {
				return func(_ context.Context, ev events.Event) error {
					if ev.ID == poisonID {
						return natsbus.Permanent(errors.New("commune 99999 unknown"))
					}
					return nil
				}
			},
			reason:  "permanent failure: commune 99999 unknown",
			handled: true,
		},
		{
			// The process and the worker survive; the panic is the reason.
			name: "panicking handler",
			poison: func(t *testing.T, e *env) ([]byte, string) {
				ev := submission(t, "panics")
				e.publish(t, ev)
				return ev.Data, ev.ID
			},
			handler: func(poisonID string) natsbus.Handler {
				return func(_ context.Context, ev events.Event) error {
					if ev.ID == poisonID {
						_ = strings.Split(ev.Subject, "/")[3] // index out of range
					}
					return nil
				}
			},
			reason:  "permanent failure: handler panicked: runtime error: index out of range [3] with length 1",
			handled: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			c := newCalls()
			// Publish first, so the poison is stream sequence 1 and sits in
			// front of the good events.
			body, poisonID := tc.poison(t, e)
			good := []events.Event{submission(t, "r1"), submission(t, "r2")}
			e.publish(t, good...)
			h := tc.handler(poisonID)
			e.consume(t, natsbus.ConsumerSpec{Filters: submittedFilter, Backoff: []time.Duration{10 * time.Millisecond}},
				func(ctx context.Context, ev events.Event) error {
					c.add(ev)
					return h(ctx, ev)
				})
			e.waitSettled(t)

			for _, ev := range good {
				if n := c.count(ev.ID); n != 1 {
					t.Errorf("good event %s handled %d times, want 1", ev.ID, n)
				}
			}
			if tc.handled {
				if n := c.count(poisonID); n != 1 {
					t.Errorf("poison handled %d times, want exactly 1 (no retry)", n)
				}
			}
			dl := e.deadLetters(t, "deadletter.>")
			if len(dl) != 1 {
				t.Fatalf("%d dead letters, want 1", len(dl))
			}
			m := dl[0]
			if m.Subject != "deadletter.creation-support."+subject {
				t.Errorf("dead letter subject %q", m.Subject)
			}
			want := map[string]string{
				events.HeaderDeadSubject: subject,
				events.HeaderDeadStream:  "INTAKE",
				events.HeaderDeadSeq:     "1",
				events.HeaderDeadDeliver: "1",
				events.HeaderDeadConsume: "creation-support",
			}
			for k, v := range want {
				if got := m.Header.Get(k); got != v {
					t.Errorf("dead letter header %s = %q, want %q", k, got, v)
				}
			}
			if got := m.Header.Get(events.HeaderDeadReason); !strings.Contains(got, tc.reason) {
				t.Errorf("Dead-Reason %q does not contain %q", got, tc.reason)
			}
			if string(m.Data) != string(body) {
				t.Errorf("dead letter body %q, want the original %q", m.Data, body)
			}
			if got := m.Header.Get(events.HeaderID); got != poisonID {
				t.Errorf("dead letter ce-id %q, want the original %q", got, poisonID)
			}
			testkit.Eventually(t, 10*time.Second, "dead letter counted", func() (bool, error) {
				return counter(t, e.cs.tel, "event_dead_letters_total", "creation-support") == 1, nil
			})
		})
	}
}

func TestMaxDeliveriesDeadLetters(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := newCalls()
	e.consume(t, natsbus.ConsumerSpec{
		Filters:    submittedFilter,
		MaxDeliver: 3,
		Backoff:    []time.Duration{10 * time.Millisecond},
	}, func(_ context.Context, ev events.Event) error {
		c.add(ev)
		return errors.New("advisor directory unavailable")
	})
	ev := submission(t, "r1")
	e.publish(t, ev)
	e.waitSettled(t)

	if n := c.count(ev.ID); n != 3 {
		t.Errorf("handled %d times, want MaxDeliver=3", n)
	}
	dl := e.deadLetters(t, "deadletter.>")
	if len(dl) != 1 {
		t.Fatalf("%d dead letters, want 1", len(dl))
	}
	m := dl[0]
	if got := m.Header.Get(events.HeaderDeadReason); got != "max deliveries reached: advisor directory unavailable" {
		t.Errorf("Dead-Reason = %q", got)
	}
	if m.Header.Get(events.HeaderDeadDeliver) != "3" || m.Header.Get(events.HeaderID) != ev.ID || m.Header.Get(events.HeaderDeadSeq) != "1" {
		t.Errorf("dead letter headers %v", m.Header)
	}
	// Dead-lettering twice the same delivery (a crash between publish and
	// term) keeps one copy: the dead letter has a deterministic msg id.
	if m.Header.Get(events.HeaderMsgID) == "" {
		t.Error("dead letter lacks a Nats-Msg-Id")
	}
}

// Messages a consumer never settles (a crashing handler) reach MaxDeliver on
// the server, whose advisory lands in DEADLETTER too.
func TestServerMaxDeliveryAdvisoryLandsInDeadLetter(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ev := submission(t, "r1")
	e.publish(t, ev)
	cons, err := e.js.CreateOrUpdateConsumer(e.ctx, events.StreamIntake.Name, jetstream.ConsumerConfig{
		Durable: "crashy", AckPolicy: jetstream.AckExplicitPolicy, AckWait: 100 * time.Millisecond, MaxDeliver: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	for delivery := uint64(1); delivery <= 2; delivery++ {
		testkit.Eventually(t, 10*time.Second, "delivery", func() (bool, error) {
			batch, err := cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
			if err != nil {
				return false, err
			}
			for m := range batch.Messages() {
				md, err := m.Metadata()
				if err != nil {
					return false, err
				}
				if md.NumDelivered == delivery {
					return true, nil // and never acked
				}
			}
			return false, batch.Error()
		})
	}
	subject := events.MaxDeliveriesAdv + ".INTAKE.crashy"
	var adv []*jetstream.RawStreamMsg
	testkit.Eventually(t, 10*time.Second, "max deliveries advisory in DEADLETTER", func() (bool, error) {
		// The server notices the exhausted message when it looks for
		// one to deliver: keep asking.
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(200*time.Millisecond))
		if err != nil {
			return false, err
		}
		for m := range batch.Messages() {
			return false, fmt.Errorf("delivered again after MaxDeliver: %v", m.Headers())
		}
		adv = e.deadLetters(t, subject)
		return len(adv) == 1, nil
	})
	var body struct {
		Stream     string `json:"stream"`
		Consumer   string `json:"consumer"`
		StreamSeq  uint64 `json:"stream_seq"`
		Deliveries int    `json:"deliveries"`
	}
	if err := json.Unmarshal(adv[0].Data, &body); err != nil {
		t.Fatal(err)
	}
	if body.Stream != "INTAKE" || body.Consumer != "crashy" || body.StreamSeq != 1 || body.Deliveries != 2 {
		t.Errorf("advisory %+v", body)
	}
}

func TestStopDrainsInFlightMessages(t *testing.T) {
	t.Parallel()
	e := setup(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	c := newCalls()
	sub := e.consume(t, natsbus.ConsumerSpec{Filters: submittedFilter}, func(_ context.Context, ev events.Event) error {
		if c.add(ev) == 1 {
			close(entered)
			<-release
		}
		return nil
	})
	ev := submission(t, "r1")
	e.publish(t, ev)
	<-entered

	stopped := make(chan error, 1)
	go func() { stopped <- sub.Stop(e.ctx) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while a handler was still running", err)
	default:
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Stop = %v", err)
	}
	// The ack left before Stop returned; it reaches the server on
	// another connection than the admin's.
	testkit.Eventually(t, 10*time.Second, "in-flight message acked", func() (bool, error) {
		info := e.consumerInfo(t)
		return info.NumAckPending == 0 && info.AckFloor.Stream == 1, nil
	})
	if n := c.count(ev.ID); n != 1 {
		t.Errorf("handled %d times, want 1", n)
	}
}

func TestStopGivesUpWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	e := setup(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	sub := e.consume(t, natsbus.ConsumerSpec{Filters: submittedFilter}, func(context.Context, events.Event) error {
		close(entered)
		<-release
		return nil
	})
	t.Cleanup(func() { close(release) }) // before the consumer's own cleanup stops it
	e.publish(t, submission(t, "r1"))
	<-entered
	ctx, cancel := context.WithTimeout(e.ctx, 100*time.Millisecond)
	defer cancel()
	if err := sub.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop with a stuck handler = %v, want deadline exceeded", err)
	}
}

// A handler slower than AckWait, and the events queued behind it, are kept
// in progress: none is redelivered while it waits or runs.
func TestSlowHandlerKeepsItsMessagesInProgress(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := newCalls()
	slow := submission(t, "slow")
	e.consume(t, natsbus.ConsumerSpec{
		Filters: submittedFilter,
		AckWait: time.Second,
		Workers: 1, // the events behind wait in the slow one's queue
	}, func(_ context.Context, ev events.Event) error {
		if c.add(ev) == 1 && ev.ID == slow.ID {
			time.Sleep(3 * time.Second)
		}
		return nil
	})
	behind := []events.Event{submission(t, "r1"), submission(t, "r2")}
	e.publish(t, slow)
	e.publish(t, behind...)
	e.waitSettled(t)

	for _, ev := range append(behind, slow) {
		if n := c.count(ev.ID); n != 1 {
			t.Errorf("event %s handled %d times, want 1", ev.ID, n)
		}
	}
	if got := counter(t, e.cs.tel, "event_redeliveries_total", "creation-support"); got != 0 {
		t.Errorf("%v redeliveries, want 0 (AckWait expired during the work)", got)
	}
}

// An async publish whose PubAck never comes fails after the configured
// timeout instead of holding its slot forever.
func TestAsyncPublishTimesOut(t *testing.T) {
	t.Parallel()
	ctx := testkit.Context(t)
	ns := testkit.StartNATS(t)
	nc, _ := ns.Admin(t)
	// No stream captures the subject; a plain subscriber takes the
	// message and never answers, as a server that lost it would.
	sub, err := nc.SubscribeSync("intake.creation.submitted.91")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	tel, err := telemetry.New(ctx, "intake", telemetry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := natsbus.IdentityOf("intake")
	if err != nil {
		t.Fatal(err)
	}
	cfg := ns.Config("intake")
	cfg.PublishAsyncTimeout = 200 * time.Millisecond
	bus, err := natsbus.Connect(ctx, cfg, id, tel)
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	f, err := bus.JS.PublishMsgAsync(&nats.Msg{Subject: "intake.creation.submitted.91", Data: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.Ok():
		t.Fatal("PubAck from nowhere")
	case err := <-f.Err():
		if !errors.Is(err, jetstream.ErrAsyncPublishTimeout) {
			t.Errorf("async publish error = %v, want a timeout", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("async publish still pending after 10 s: no publish timeout")
	}
	if n := bus.JS.PublishAsyncPending(); n != 0 {
		t.Errorf("%d async publishes still pending, want 0", n)
	}
}
