package natsbus_test

import (
	"context"
	"errors"
	"slices"
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
			name:  "intake republishes DEADLETTER onto its inbox",
			actor: func(e *env) *service { return e.intake },
			do: func(ctx context.Context, _ *env, s *service) error {
				_, err := s.bus.JS.UpdateStream(ctx, jetstream.StreamConfig{Name: events.DeadLetterStream,
					Subjects: []string{events.DeadLetterPrefix + ".>", events.MaxDeliveriesAdv + ".>"}, Duplicates: natsbus.DuplicateWindow,
					RePublish: &jetstream.RePublish{Source: events.DeadLetterPrefix + ".>", Destination: "_INBOX_intake.leak.>"}})
				return err
			},
			subject: "$JS.API.STREAM.UPDATE.DEADLETTER",
			check: func(t *testing.T, e *env) {
				if st, err := e.js.Stream(e.ctx, events.DeadLetterStream); err != nil || st.CachedInfo().Config.RePublish != nil {
					t.Errorf("DEADLETTER reconfigured (%v)", err)
				}
			},
		},
		{
			name:  "intake reads creation-support's redrives through its REDRIVE durable",
			actor: func(e *env) *service { return e.intake },
			do: func(ctx context.Context, _ *env, s *service) error {
				if err := s.bus.EnsureRedriveStream(ctx, 1); err != nil {
					return nil // the test wants the durable refused, not the stream
				}
				_, err := s.bus.JS.CreateOrUpdateConsumer(ctx, events.RedriveStream, jetstream.ConsumerConfig{
					Durable: "intake", FilterSubject: events.RedriveSubject("creation-support", ">"), AckPolicy: jetstream.AckExplicitPolicy,
				})
				return err
			},
			subject: "$JS.API.CONSUMER.CREATE.REDRIVE.intake.redrive.creation-support.>",
			check: func(t *testing.T, e *env) {
				if _, err := e.js.Consumer(e.ctx, events.RedriveStream, "intake"); !errors.Is(err, jetstream.ErrConsumerNotFound) {
					t.Errorf("consumer lookup = %v, want not found", err)
				}
			},
		},
		{
			name:  "intake reads every redrive through an unfiltered REDRIVE durable",
			actor: func(e *env) *service { return e.intake },
			do: func(ctx context.Context, _ *env, s *service) error {
				if err := s.bus.EnsureRedriveStream(ctx, 1); err != nil {
					return nil
				}
				_, err := s.bus.JS.CreateOrUpdateConsumer(ctx, events.RedriveStream, jetstream.ConsumerConfig{
					Durable: "intake", FilterSubjects: []string{events.RedriveSubject("intake", ">"), events.RedriveSubject("difficulty-alert", ">")},
					AckPolicy: jetstream.AckExplicitPolicy,
				})
				return err
			},
			subject: "$JS.API.CONSUMER.CREATE.REDRIVE.intake",
			check: func(t *testing.T, e *env) {
				if _, err := e.js.Consumer(e.ctx, events.RedriveStream, "intake"); !errors.Is(err, jetstream.ErrConsumerNotFound) {
					t.Errorf("consumer lookup = %v, want not found", err)
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
			writes := slices.ContainsFunc(id.Writes, func(w events.Stream) bool { return strings.HasPrefix(p, w.Producer+".") })
			if strings.HasSuffix(p, ".>") && !strings.HasPrefix(p, id.Owns.Producer+".") && !writes &&
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

// The confidential streams: several services write into one, only the
// services that list it in Consumes hold any right to read it (a durable,
// its next messages, a message by sequence), and PREVENTION, which
// carries the SIREN, has difficulty-alert as its only reader.
func TestConfidentialStreamsHaveTheirReadersOnly(t *testing.T) {
	t.Parallel()
	for _, cs := range events.ConfidentialStreams() {
		var readers, writers []string
		for _, id := range natsbus.Platform() {
			pub, _ := id.Permissions()
			reads := slices.Contains(id.Consumes, cs)
			if reads {
				readers = append(readers, id.Service)
			}
			if slices.Contains(id.Writes, cs) {
				writers = append(writers, id.Service)
			}
			for _, p := range pub {
				readRight := strings.HasPrefix(p, "$JS.API.CONSUMER.") || strings.HasPrefix(p, "$JS.ACK.") ||
					strings.HasPrefix(p, "$JS.API.STREAM.MSG.GET.") || strings.HasPrefix(p, "$JS.API.DIRECT.GET.")
				if !readRight {
					continue
				}
				// A read right names the stream, then the durable (the
				// service's name); a wildcard before the durable could
				// match any stream.
				toks := strings.Split(p, ".")
				durable := slices.Index(toks, id.Service)
				for i, tok := range toks {
					if (tok == cs.Name && !reads) || ((tok == "*" || tok == ">") && (durable < 0 || i < durable)) {
						t.Errorf("%s may publish %q: a read of %s", id.Service, p, cs.Name)
					}
				}
			}
		}
		if len(writers) == 0 {
			t.Errorf("nobody writes into %s", cs.Name)
		}
		// Nobody may reconfigure it (a republication or a source would
		// copy its messages where the writer reads) nor empty it.
		for _, id := range natsbus.Platform() {
			pub, _ := id.Permissions()
			for _, verb := range []string{"UPDATE", "DELETE", "PURGE", "MSG.DELETE"} {
				if slices.Contains(pub, "$JS.API.STREAM."+verb+"."+cs.Name) {
					t.Errorf("%s may %s %s", id.Service, verb, cs.Name)
				}
			}
		}
		if cs == events.StreamPrevention && !slices.Equal(readers, []string{"difficulty-alert"}) {
			t.Errorf("%s read by %v, want difficulty-alert only", cs.Name, readers)
		}
	}
}

// preventionEvent is an event of the confidential stream as its writer
// emits it.
func preventionEvent(t *testing.T, p events.Payload) events.Event {
	t.Helper()
	ev, err := events.New(p.(events.Emitter).EmittedBy(), "0195a1c2-1000-7aaa-8bbb-000000000005", "91", p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestOnlyDifficultyAlertReadsPrevention runs on the server: intake and
// creation-support write into PREVENTION; advisor-desk (which consumes
// every domain stream), takeover-matching and the writers themselves can
// neither create a consumer on it, nor read a message of it by sequence,
// nor listen to its subjects; difficulty-alert's durable receives both
// events.
func TestOnlyDifficultyAlertReadsPrevention(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, s := range []*service{e.intake, e.cs} {
		if err := s.bus.EnsureStream(e.ctx, events.StreamPrevention, 1); err != nil {
			t.Fatalf("%s ensures PREVENTION: %v", s.tel.Service, err)
		}
	}
	report := preventionEvent(t, &events.PreventionReportIdentified{RequestID: "0195a1c2-1000-7aaa-8bbb-000000000005",
		SIREN: "732829320", Score: 62, Level: events.DifficultyCallBack, QuestionnaireVersion: "2026-1", IdentifiedAt: time.Now()})
	observation := preventionEvent(t, &events.PreventionObservationIdentified{CaseID: "0195a1b2-4000-7111-8222-333344445555",
		RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", CheckpointIndex: 1, SIREN: "732829320", ObservedAt: time.Now()})
	if err := e.intake.bus.Publish(e.ctx, report); err != nil {
		t.Fatalf("intake writes into PREVENTION: %v", err)
	}
	if err := e.cs.bus.Publish(e.ctx, observation); err != nil {
		t.Fatalf("creation-support writes into PREVENTION: %v", err)
	}
	if n := e.streamMsgs(t, events.StreamPrevention.Name); n != 2 {
		t.Fatalf("PREVENTION holds %d messages, want 2", n)
	}
	if info, err := e.js.Stream(e.ctx, events.StreamPrevention.Name); err != nil || info.CachedInfo().Config.MaxAge != natsbus.ConfidentialRetention {
		t.Errorf("PREVENTION's retention: %v, %v", info, err)
	}
	// A writer may not reconfigure it: here, to republish every message
	// onto its own inbox.
	ctx, cancel := short(e.ctx)
	_, err := e.intake.bus.JS.UpdateStream(ctx, jetstream.StreamConfig{Name: events.StreamPrevention.Name,
		Subjects: events.StreamPrevention.Subjects(), MaxAge: natsbus.ConfidentialRetention, Duplicates: natsbus.DuplicateWindow,
		RePublish: &jetstream.RePublish{Source: "prevention.>", Destination: "_INBOX_intake.leak.>"}})
	cancel()
	if err == nil {
		t.Fatal("intake reconfigured PREVENTION")
	}
	denied(t, e.intake, "$JS.API.STREAM.UPDATE.PREVENTION")
	if info, err := e.js.Stream(e.ctx, events.StreamPrevention.Name); err != nil || info.CachedInfo().Config.RePublish != nil {
		t.Fatalf("PREVENTION reconfigured: %v", err)
	}
	// One changed by ops is left as it is by its writers' start.
	if _, err := e.js.UpdateStream(e.ctx, jetstream.StreamConfig{Name: events.StreamPrevention.Name, Subjects: events.StreamPrevention.Subjects(),
		Storage: jetstream.FileStorage, MaxAge: 7 * 24 * time.Hour, Duplicates: natsbus.DuplicateWindow}); err != nil {
		t.Fatal(err)
	}
	if err := e.cs.bus.EnsureStream(e.ctx, events.StreamPrevention, 1); err != nil {
		t.Errorf("creation-support's start over a PREVENTION changed by ops: %v", err)
	}

	for _, name := range []string{"advisor-desk", "takeover-matching", "intake", "creation-support"} {
		t.Run(name, func(t *testing.T) {
			s := e.connect(t, name)
			refused := func(what string, do func(ctx context.Context) error) {
				t.Helper()
				ctx, cancel := short(e.ctx)
				defer cancel()
				if err := do(ctx); err == nil {
					t.Fatalf("the server accepted: %s", what)
				}
			}
			refused("a durable on PREVENTION", func(ctx context.Context) error {
				_, err := s.bus.JS.CreateOrUpdateConsumer(ctx, events.StreamPrevention.Name, jetstream.ConsumerConfig{
					Durable: name, AckPolicy: jetstream.AckExplicitPolicy,
				})
				return err
			})
			denied(t, s, "$JS.API.CONSUMER.CREATE.PREVENTION."+name)
			// Through the natsbus API too, as its consumers are declared.
			refused("natsbus's consumer on PREVENTION", func(ctx context.Context) error {
				_, err := s.bus.Consume(ctx, natsbus.ConsumerSpec{Stream: events.StreamPrevention}, func(context.Context, events.Event) error { return nil })
				return err
			})
			for _, subject := range []string{"$JS.API.STREAM.MSG.GET.PREVENTION", "$JS.API.DIRECT.GET.PREVENTION"} {
				refused(subject, func(ctx context.Context) error {
					_, err := s.bus.NC.RequestWithContext(ctx, subject, []byte(`{"seq":1}`))
					return err
				})
				denied(t, s, subject)
			}
			// Core NATS: its subscribe rights are its inbox only.
			sub, err := s.bus.NC.SubscribeSync("prevention.>")
			if err != nil {
				t.Fatal(err) // the refusal is asynchronous
			}
			testkit.Eventually(t, 10*time.Second, "subscription refused", func() (bool, error) {
				return strings.Contains(s.logs.String(), `Permissions Violation for Subscription to \"prevention.\u003e\"`) ||
					strings.Contains(s.logs.String(), `Permissions Violation for Subscription to \"prevention.>\"`), nil
			})
			if err := e.intake.bus.Publish(e.ctx, preventionEvent(t, &events.PreventionReportIdentified{
				RequestID: "0195a1c2-1000-7aaa-8bbb-000000000006", SIREN: "732829320", Score: 10,
				Level: events.DifficultyNone, QuestionnaireVersion: "2026-1", IdentifiedAt: time.Now()})); err != nil {
				t.Fatal(err)
			}
			if msg, err := sub.NextMsg(50 * time.Millisecond); err == nil {
				t.Errorf("%s received %s", name, msg.Subject)
			}
			if _, err := e.js.Consumer(e.ctx, events.StreamPrevention.Name, name); !errors.Is(err, jetstream.ErrConsumerNotFound) {
				t.Errorf("consumer %s on PREVENTION: %v, want not found", name, err)
			}
		})
	}

	// difficulty-alert reads both writers' events through its durable.
	da := e.connect(t, "difficulty-alert")
	got := make(chan string, 16)
	sub, err := da.bus.Consume(e.ctx, natsbus.ConsumerSpec{Stream: events.StreamPrevention}, func(_ context.Context, ev events.Event) error {
		got <- ev.Type
		return nil
	})
	if err != nil {
		t.Fatalf("difficulty-alert consumes PREVENTION: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sub.Stop(ctx)
	})
	seen := map[string]int{}
	for len(seen) < 2 {
		select {
		case typ := <-got:
			seen[typ]++
		case <-time.After(10 * time.Second):
			t.Fatalf("difficulty-alert received %v", seen)
		}
	}
	if seen[report.Type] == 0 || seen[observation.Type] == 0 {
		t.Errorf("difficulty-alert received %v", seen)
	}
}

// A service reads its own redrives through the natsbus API: its REDRIVE
// durable, filtered on its subjects, is allowed.
func TestServiceReadsItsOwnRedrives(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if err := e.intake.bus.EnsureRedriveStream(e.ctx, 1); err != nil {
		t.Fatal(err)
	}
	spec := natsbus.ConsumerSpec{Stream: events.Stream{Name: events.RedriveStream, Producer: events.RedrivePrefix},
		Filters: []string{events.RedriveSubject("intake", ">")}, SubjectPrefix: events.RedriveSubject("intake", "")}
	got := make(chan string, 1)
	if _, err := e.intake.bus.Consume(e.ctx, spec, func(_ context.Context, ev events.Event) error {
		got <- ev.ID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ev := submission(t, "redriven")
	msg := natsbus.Message(ev, nil)
	msg.Subject = events.RedriveSubject("intake", ev.Topic)
	if _, err := e.js.PublishMsg(e.ctx, msg); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-got:
		if id != ev.ID {
			t.Fatalf("redrove %s, want %s", id, ev.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("intake's redrive never arrived")
	}
}
