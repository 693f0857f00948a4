package testkit_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/testkit"
)

// toyConfig is a service's configuration: platform.Config embedded.
type toyConfig struct {
	platform.Config
}

// toy is a service in the shape of the platform's, posing as
// creation-support: each intake.creation.submitted it consumes is noted
// and answered by a creation.case.opened through the outbox; the subject
// "poison" fails for good. Its API echoes the bearer token.
func toy(ctx context.Context, cfg toyConfig) (*platform.Runtime, error) {
	notes := pgdb.Migrations{Name: "toy", Dir: ".", FS: fstest.MapFS{
		"001_notes.sql": {Data: []byte("CREATE TABLE notes (id text PRIMARY KEY);")}}}
	rt, err := platform.Start(ctx, cfg.Config, platform.Spec{Service: "creation-support",
		Schema: "creation_support", Migrations: notes}, testkit.Quiet())
	if err != nil {
		return nil, err
	}
	rt.Handle(natsbus.ConsumerSpec{Stream: events.StreamIntake, Filters: []string{"intake.creation.submitted.>"}},
		func(ctx context.Context, ev events.Event) error {
			if ev.Subject == "poison" {
				return natsbus.Permanent(errors.New("poison pill"))
			}
			opened, err := events.New("creation-support", ev.Subject, "91", events.CreationCaseOpened{CaseID: ev.Subject}, time.Now())
			if err != nil {
				return err
			}
			err = pgx.BeginFunc(ctx, rt.Pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO notes (id) VALUES ($1)`, ev.Subject); err != nil {
					return err
				}
				return outbox.Add(ctx, tx, opened)
			})
			rt.Relay.Wake()
			return err
		})
	err = rt.Listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, r.Body)
	}))
	return rt, err
}

// TestHarness drives a service through the harness: configured for the
// test, served among its producers, sent events as intake, caught up,
// looked at through its schema, its stream, its dead letters and its
// API, and stopped.
func TestHarness(t *testing.T) {
	h := testkit.NewHarness(t, "creation-support", "creation_support")
	cfg := testkit.Load(h, func() (toyConfig, error) { return platform.LoadConfig[toyConfig]("TOY") })
	if cfg.HTTPAddr != "127.0.0.1:0" || cfg.NATS != h.NATS.Config("creation-support") || cfg.DB == (pgdb.Config{}) {
		t.Fatalf("configured %+v, want the harness's database, NATS user and an ephemeral port", cfg.Config)
	}
	stop := h.Serve(toy(h.Ctx, cfg))
	for _, s := range []events.Stream{events.StreamIntake, events.StreamAdvisor} {
		if _, err := h.JS.Stream(h.Ctx, s.Name); err != nil {
			t.Errorf("stream %s of a producer of the service: %v", s.Name, err)
		}
	}

	submitted := func(id string) events.Event {
		return h.Event(t, "intake", id, events.CreationSubmitted{RequestID: id, Departement: "91"})
	}
	poison := submitted("poison")
	sent := h.Publish(t, submitted("a"), poison, submitted("b"))
	if sent != (testkit.Sent{Stream: "INTAKE", Seq: 3}) {
		t.Fatalf("Publish = %+v, want the third message of INTAKE", sent)
	}
	h.CaughtUp(t, sent)
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.notes`); n != 2 {
		t.Fatalf("caught up with %d notes, want 2", n)
	}
	if reason := h.DeadLetter(t, poison); reason != "permanent failure: poison pill" {
		t.Errorf("dead letter reason %q", reason)
	}
	if subjects := h.Published(t, events.StreamCreation); len(subjects) != 1 || subjects["creation.case.opened.91"] != 2 {
		t.Errorf("CREATION holds %v, want two creation.case.opened.91", subjects)
	}
	var opened events.CreationCaseOpened
	msg := h.LastEvent(t, events.StreamCreation, "creation.case.opened.91", &opened)
	if opened.CaseID == "" || opened.CaseID != msg.Header.Get(events.HeaderSubject) || msg.Sequence != 2 {
		t.Errorf("last creation.case.opened: %+v at %d (ce-subject %q), want the second, decoded", opened, msg.Sequence,
			msg.Header.Get(events.HeaderSubject))
	}
	copied := h.PublishCopy(t, submitted("c"), "a-copy")
	if copied.Seq != 4 {
		t.Errorf("a copy under another Nats-Msg-Id landed at %d, want 4", copied.Seq)
	}
	h.CaughtUp(t, copied)
	if s := h.DB.Text(t, `SELECT id FROM creation_support.notes WHERE id = 'nobody'`); s != "" {
		t.Errorf("Text of no row = %q", s)
	}
	if ids := testkit.Column[string](t, h.DB, `SELECT id FROM creation_support.notes ORDER BY id`); !slices.Equal(ids, []string{"a", "b", "c"}) {
		t.Errorf("Column = %v, want a, b, c", ids)
	}
	a := h.Call(t, http.MethodPost, "/", "tok", `{"a":1}`)
	var echo struct{ A int }
	a.Decode(t, &echo)
	if a.Status != 200 || a.Header.Get("Content-Type") != "application/json" || echo.A != 1 {
		t.Errorf("Call = %+v, decoded %+v", a, echo)
	}
	if a := h.Call(t, http.MethodPost, "/", "tok", "a;b", "Content-Type", "text/csv"); a.Status != 400 {
		t.Errorf("Call with another Content-Type = %+v, want the toy's 400", a)
	}
	if a := h.Call(t, http.MethodPost, "/", "tok", `{}`, "Content-Type", ""); a.Status != 200 {
		t.Errorf("Call with an empty header value = %+v, want it left out", a)
	}

	stop()
	if resp, err := http.Get(h.URL); err == nil {
		_ = resp.Body.Close()
		t.Error("the service still answers after stop")
	}
}
