package natsbus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/testkit"
)

// denied waits until the service's logs show the server's permissions
// violation for subject: the async error an operator sees. The server
// reports it after refusing the operation, so once seen, the refused
// operation has had no effect.
func denied(t *testing.T, s *service, subject string) {
	t.Helper()
	want := `Permissions Violation for Publish to \"` + subject + `\"`
	testkit.Eventually(t, 10*time.Second, "permissions violation for "+subject+" logged", func() (bool, error) {
		logs := s.logs.String()
		return strings.Contains(logs, "nats async error") && strings.Contains(logs, want), nil
	})
}

// short is the context of a call expected to be refused: the server
// answers a refused request with nothing, so the caller times out.
func short(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 500*time.Millisecond)
}

func (e *env) streamMsgs(t *testing.T, name string) uint64 {
	t.Helper()
	s, err := e.js.Stream(e.ctx, name)
	if err != nil {
		t.Fatalf("stream %s: %v", name, err)
	}
	return s.CachedInfo().State.Msgs
}

func TestServiceCannotPublishAnotherServicesEvents(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ev, err := events.New("intake", "c1", "91", &events.CreationCaseOpened{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if ev.Topic != "creation.case.opened.91" {
		t.Fatalf("topic %q", ev.Topic)
	}
	ctx, cancel := short(e.ctx)
	defer cancel()
	if err := e.intake.bus.Publish(ctx, ev); err == nil {
		t.Fatal("intake published creation.case.opened.91")
	}
	denied(t, e.intake, "creation.case.opened.91")
	if n := e.streamMsgs(t, events.StreamCreation.Name); n != 0 {
		t.Errorf("CREATION holds %d messages after intake's attempt, want 0", n)
	}

	// Its own subjects are fine, on the same connection.
	e.publish(t, submission(t, "own"))
	if n := e.streamMsgs(t, events.StreamIntake.Name); n != 1 {
		t.Errorf("INTAKE holds %d messages, want 1", n)
	}
	// And creation-support may publish its own.
	if err := e.cs.bus.Publish(e.ctx, ev); err != nil {
		t.Fatalf("creation-support publishes its event: %v", err)
	}
	if n := e.streamMsgs(t, events.StreamCreation.Name); n != 1 {
		t.Errorf("CREATION holds %d messages, want 1", n)
	}
}

// Each case is something a service must not do to another's stream, the
// JetStream API subject the server refuses, and a check that nothing
// changed.
func TestServiceCannotTouchAnotherServicesJetStreamResources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		actor   func(e *env) *service
		do      func(ctx context.Context, e *env, s *service) error
		subject string
		check   func(t *testing.T, e *env)
	}{
		{
			name:  "intake creates creation-support's durable on INTAKE",
			actor: func(e *env) *service { return e.intake },
			do: func(ctx context.Context, _ *env, s *service) error {
				_, err := s.bus.JS.CreateOrUpdateConsumer(ctx, events.StreamIntake.Name, jetstream.ConsumerConfig{
					Durable: "creation-support", AckPolicy: jetstream.AckExplicitPolicy,
				})
				return err
			},
			subject: "$JS.API.CONSUMER.CREATE.INTAKE.creation-support",
			check: func(t *testing.T, e *env) {
				if _, err := e.js.Consumer(e.ctx, events.StreamIntake.Name, "creation-support"); !errors.Is(err, jetstream.ErrConsumerNotFound) {
					t.Errorf("consumer lookup = %v, want not found", err)
				}
			},
		},
		{
			name:  "intake consumes its own stream through the natsbus API",
			actor: func(e *env) *service { return e.intake },
			do: func(ctx context.Context, _ *env, s *service) error {
				_, err := s.bus.Consume(ctx, natsbus.ConsumerSpec{Stream: events.StreamIntake}, func(context.Context, events.Event) error { return nil })
				return err
			},
			subject: "$JS.API.CONSUMER.CREATE.INTAKE.intake",
			check: func(t *testing.T, e *env) {
				if _, err := e.js.Consumer(e.ctx, events.StreamIntake.Name, "intake"); !errors.Is(err, jetstream.ErrConsumerNotFound) {
					t.Errorf("consumer lookup = %v, want not found", err)
				}
			},
		},
		{
			name:  "creation-support deletes INTAKE",
			actor: func(e *env) *service { return e.cs },
			do: func(ctx context.Context, _ *env, s *service) error {
				return s.bus.JS.DeleteStream(ctx, events.StreamIntake.Name)
			},
			subject: "$JS.API.STREAM.DELETE.INTAKE",
			check: func(t *testing.T, e *env) {
				if n := e.streamMsgs(t, events.StreamIntake.Name); n != 1 {
					t.Errorf("INTAKE holds %d messages, want 1", n)
				}
			},
		},
		{
			name:  "creation-support purges INTAKE",
			actor: func(e *env) *service { return e.cs },
			do: func(ctx context.Context, _ *env, s *service) error {
				// creation-support reads INTAKE, so it may look the stream
				// up, but not purge it.
				stream, err := s.bus.JS.Stream(ctx, events.StreamIntake.Name)
				if err != nil {
					return err
				}
				return stream.Purge(ctx)
			},
			subject: "$JS.API.STREAM.PURGE.INTAKE",
			check: func(t *testing.T, e *env) {
				if n := e.streamMsgs(t, events.StreamIntake.Name); n != 1 {
					t.Errorf("INTAKE holds %d messages, want 1", n)
				}
			},
		},
		{
			name:  "intake deletes its own stream",
			actor: func(e *env) *service { return e.intake },
			do: func(ctx context.Context, _ *env, s *service) error {
				return s.bus.JS.DeleteStream(ctx, events.StreamIntake.Name)
			},
			subject: "$JS.API.STREAM.DELETE.INTAKE",
			check: func(t *testing.T, e *env) {
				if n := e.streamMsgs(t, events.StreamIntake.Name); n != 1 {
					t.Errorf("INTAKE holds %d messages, want 1", n)
				}
			},
		},
		{
			name:  "intake forges creation-support's dead letters",
			actor: func(e *env) *service { return e.intake },
			do: func(ctx context.Context, _ *env, s *service) error {
				_, err := s.bus.JS.Publish(ctx, "deadletter.creation-support.intake.creation.submitted.91", []byte("{}"))
				return err
			},
			subject: "deadletter.creation-support.intake.creation.submitted.91",
			check: func(t *testing.T, e *env) {
				if n := e.streamMsgs(t, events.DeadLetterStream); n != 0 {
					t.Errorf("DEADLETTER holds %d messages, want 0", n)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			e.publish(t, submission(t, "existing"))
			s := tc.actor(e)
			ctx, cancel := short(e.ctx)
			defer cancel()
			if err := tc.do(ctx, e, s); err == nil {
				t.Fatal("the server accepted the operation")
			}
			denied(t, s, tc.subject)
			tc.check(t, e)
		})
	}
}

// A service's replies (PubAcks, consumer info) arrive on its private inbox
// prefix; another service may not listen there.
func TestServiceCannotReadAnotherServicesInbox(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sub, err := e.intake.bus.NC.SubscribeSync("_INBOX_creation-support.>")
	if err != nil {
		t.Fatal(err) // the refusal is asynchronous
	}
	testkit.Eventually(t, 10*time.Second, "subscription refused", func() (bool, error) {
		return strings.Contains(e.intake.logs.String(), `Permissions Violation for Subscription to \"_INBOX_creation-support.\u003e\"`) ||
			strings.Contains(e.intake.logs.String(), `Permissions Violation for Subscription to \"_INBOX_creation-support.>\"`), nil
	})
	// creation-support's PubAcks keep flowing to it, and none to intake.
	ev, err := events.New("creation-support", "c1", "91", &events.CreationCaseOpened{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.cs.bus.Publish(e.ctx, ev); err != nil {
		t.Fatal(err)
	}
	if err := e.intake.bus.NC.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.NextMsg(10 * time.Millisecond); !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, nats.ErrPermissionViolation) {
		t.Errorf("intake's refused subscription got %v", err)
	}
}

func TestPlatformPermissionsMatchTheDesign(t *testing.T) {
	t.Parallel()
	owners := map[string]string{}
	for _, id := range natsbus.Platform() {
		if prev, ok := owners[id.Owns.Name]; ok {
			t.Errorf("stream %s owned by %s and %s", id.Owns.Name, prev, id.Service)
		}
		owners[id.Owns.Name] = id.Service
		pub, sub := id.Permissions()
		for _, p := range pub {
			if strings.HasSuffix(p, ".>") && !strings.HasPrefix(p, id.Owns.Producer+".") &&
				!strings.HasPrefix(p, events.DeadLetterPrefix+"."+id.Service+".") && !strings.HasPrefix(p, "$JS.") {
				t.Errorf("%s may publish %q, beyond its own subjects", id.Service, p)
			}
			if p == ">" || p == "$JS.API.>" || strings.HasPrefix(p, "$JS.API.STREAM.DELETE") || strings.HasPrefix(p, "$JS.API.STREAM.PURGE") {
				t.Errorf("%s may publish %q", id.Service, p)
			}
		}
		if len(sub) != 1 || sub[0] != id.InboxPrefix()+".>" {
			t.Errorf("%s may subscribe to %v, want only its inbox", id.Service, sub)
		}
	}
	want := map[string]string{"INTAKE": "intake", "CREATION": "creation-support", "TAKEOVER": "takeover-matching",
		"DIFFICULTY": "difficulty-alert", "ADVISOR": "advisor-desk"}
	for stream, svc := range want {
		if owners[stream] != svc {
			t.Errorf("stream %s owned by %q, want %q", stream, owners[stream], svc)
		}
	}
}
