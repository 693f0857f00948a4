package platform_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/httpserver"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"
)

// notesMigrations create the table where the test services note their work.
var notesMigrations = pgdb.Migrations{Name: "lifecycle_test", Dir: ".", FS: fstest.MapFS{"001_notes.sql": {Data: []byte(
	`CREATE TABLE notes (id text PRIMARY KEY);`)}}}

// gate is work held until the test releases it: it says when it has
// started.
type gate struct {
	entered chan struct{}
	release chan struct{}
}

func newGate() gate { return gate{entered: make(chan struct{}), release: make(chan struct{})} }

func (g gate) hold() {
	close(g.entered)
	<-g.release
}

// waitFor waits for c to close, as long as testkit.Wait allows.
func waitFor(t *testing.T, what string, c <-chan struct{}) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(testkit.Wait):
		t.Fatalf("%s: not after %s", what, testkit.Wait)
	}
}

// note records id and its creation.case.opened event through the outbox,
// in one transaction, without waking the relay: only the relay's last
// flush at shutdown publishes it (its poll is an hour).
func note(ctx context.Context, rt *platform.Runtime, id string) error {
	ev, err := events.New("creation-support", id, testkit.Departement, events.CreationCaseOpened{CaseID: id}, time.Now())
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, rt.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO notes (id) VALUES ($1)`, id); err != nil {
			return err
		}
		return outbox.Add(ctx, tx, ev)
	})
}

// TestShutdownFinishesWorkInFlight: a service posing as creation-support
// is stopped while an HTTP POST and a consumed event are being handled and
// an event stream is open. The stream ends first, without waiting for the
// work; the POST answers 200 with its context intact; both commit their
// rows and outbox events; the relay's last flush, after them, publishes
// both events; the consumed event is acknowledged; then NATS and the pool
// are closed and Run returns nil. That is Run's order: HTTP stops taking
// requests, the requests and events in flight finish, the relay flushes,
// NATS and the pool close.
func TestShutdownFinishesWorkInFlight(t *testing.T) {
	t.Parallel()
	h := testkit.NewHarness(t, "creation-support", "creation_support")
	var cfg platform.Config
	h.Configure(&cfg)
	cfg.ShutdownTimeout = time.Minute // a guard: the test never waits for it
	cfg.OutboxPoll, cfg.HousekeepEvery = time.Hour, time.Hour
	rt, err := platform.Start(h.Ctx, cfg, platform.Spec{Service: "creation-support", Schema: "creation_support",
		Migrations: notesMigrations}, testkit.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	post, consumed := newGate(), newGate()
	rt.Handle(natsbus.ConsumerSpec{Stream: events.StreamIntake, Filters: []string{"intake.creation.submitted.>"}},
		func(ctx context.Context, ev events.Event) error {
			consumed.hold()
			return note(ctx, rt, "consumed-"+ev.Subject)
		})
	postCtxErr := make(chan error, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cases", func(w http.ResponseWriter, r *http.Request) {
		post.hold()
		postCtxErr <- r.Context().Err()
		if err := note(r.Context(), rt, "posted"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := httpserver.StreamContext(r)
		defer cancel()
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, ": open\n\n")
		_ = http.NewResponseController(w).Flush()
		<-ctx.Done()
	})
	if err := rt.Listen(mux); err != nil {
		t.Fatal(err)
	}
	stop := h.Serve(rt, nil)

	h.Publish(t, h.Event(t, "intake", "req-1", events.CreationSubmitted{RequestID: "req-1", Departement: testkit.Departement}))
	waitFor(t, "event handled", consumed.entered)
	res, err := http.Get(h.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	stream := bufio.NewReader(res.Body)
	if line, err := stream.ReadString('\n'); err != nil || line != ": open\n" {
		t.Fatalf("stream opened with %q, %v", line, err)
	}
	answered := make(chan int, 1)
	go func() {
		res, err := http.Post(h.URL+"/cases", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Errorf("POST in flight at shutdown: %v", err)
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	waitFor(t, "POST handled", post.entered)

	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	streamEnded := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, stream); close(streamEnded) }()
	waitFor(t, "event stream ended by the shutdown", streamEnded)
	select {
	case <-stopped:
		t.Fatal("Run returned while work was in flight")
	default:
	}
	close(post.release)
	close(consumed.release)
	if code := <-answered; code != http.StatusOK {
		t.Errorf("POST in flight at shutdown answered %d, want 200", code)
	}
	if err := <-postCtxErr; err != nil {
		t.Errorf("POST in flight saw its context end (%v) at shutdown", err)
	}
	waitFor(t, "Run returned", stopped)

	if ids := testkit.Column[string](t, h.DB, `SELECT id FROM creation_support.notes ORDER BY id`); strings.Join(ids, ",") != "consumed-req-1,posted" {
		t.Errorf("notes %v, want the consumed event's and the POST's", ids)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.outbox WHERE sent_at IS NULL`); n != 0 {
		t.Errorf("%d outbox rows left unsent at shutdown, want the relay's last flush to have sent them", n)
	}
	cs, err := h.JS.Stream(h.Ctx, events.StreamCreation.Name)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := cs.Info(h.Ctx); err != nil || info.State.Msgs != 2 {
		t.Errorf("CREATION holds %v messages (%v), want the two events committed during the shutdown", info.State.Msgs, err)
	}
	cons, err := h.JS.Consumer(h.Ctx, events.StreamIntake.Name, "creation-support")
	if err != nil {
		t.Fatal(err)
	}
	if ci, err := cons.Info(h.Ctx); err != nil || ci.AckFloor.Stream != 1 || ci.NumAckPending != 0 {
		t.Errorf("consumer after shutdown: %+v (%v), want the event in flight acknowledged", ci, err)
	}
	// Close drains the connection, which then closes by itself.
	testkit.Eventually(t, testkit.Wait, "NATS connection closed", func() (bool, error) { return rt.Bus.NC.IsClosed(), nil })
	if err := rt.Pool.Ping(context.Background()); err == nil {
		t.Error("pool left open")
	}
}

// readyState is /readyz's answer.
// ownRole provisions the schema for a login role of the test's own, so
// that the test may cut it: roles are global to the server, and cutting a
// shared one would cut the other test packages too. cut makes the
// database refuse the role, as a failover does; restore lets it in again.
func ownRole(t *testing.T, admin, schema string) (cfg pgdb.Config, cut, restore func()) {
	t.Helper()
	ctx := testkit.Context(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	role := "lifecycle_" + hex.EncodeToString(b)
	if err := pgdb.Provision(ctx, admin, schema, role, "pw"); err != nil {
		t.Fatal(err)
	}
	exec := func(stmts ...string) {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		for _, stmt := range stmts {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	// Registered after the database's cleanup, so run before it.
	t.Cleanup(func() { exec("DROP OWNED BY "+role, "DROP ROLE "+role) })
	url, err := pgdb.RoleURL(admin, role, "pw")
	if err != nil {
		t.Fatal(err)
	}
	return pgdb.Config{URL: url, MaxConns: 4},
		func() {
			exec("ALTER ROLE "+role+" NOLOGIN",
				"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"+role+"'")
		},
		func() { exec("ALTER ROLE " + role + " LOGIN") }
}

// TestReadinessTellsDegradedFromUnavailable: a service posing as intake,
// whose route stores a submission with its outbox event. With NATS
// stopped it is "degraded" (200, the outbox backlog said) and still
// accepts submissions; NATS back, the relay publishes them and it is
// "ready"; with its database refusing it, it is "unavailable" (503).
func TestReadinessTellsDegradedFromUnavailable(t *testing.T) {
	t.Parallel()
	ctx := testkit.Context(t)
	admin := testkit.Database(t)
	db, cutDB, restoreDB := ownRole(t, admin, "intake")
	nats := testkit.StartNATS(t)
	logs := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("intake logs:\n%s", logs)
		}
	})
	cfg := platform.Config{DB: db, NATS: nats.Config("intake"), HTTPAddr: "127.0.0.1:0", ShutdownTimeout: 5 * time.Second,
		StreamReplicas: 1, HousekeepEvery: time.Hour, OutboxPoll: time.Second}
	rt, err := platform.Start(ctx, cfg, platform.Spec{Service: "intake", Schema: "intake", Migrations: notesMigrations},
		telemetry.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	err = rt.Listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		ev, err := events.New("intake", id, testkit.Departement, events.CreationSubmitted{RequestID: id, Departement: testkit.Departement}, time.Now())
		if err == nil {
			err = pgx.BeginFunc(r.Context(), rt.Pool, func(tx pgx.Tx) error { return outbox.Add(r.Context(), tx, ev) })
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		rt.Relay.Wake()
		w.WriteHeader(http.StatusAccepted)
	}))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, ctx, rt.Run)
	base := "http://" + rt.Addr()
	if s := testkit.ReadyZ(t, base); s.Code != http.StatusOK || s.Status != "ready" {
		t.Fatalf("/readyz at start = %d %+v, want 200 ready", s.Code, s)
	}

	nats.Stop(t)
	s := testkit.WaitReadyZ(t, base, "degraded")
	if s.Code != http.StatusOK || s.Checks["nats"].OK || !s.Checks["postgres"].OK || s.Checks["nats"].Detail != "outbox backlog: 0 (held until NATS is back)" {
		t.Errorf("/readyz with NATS down = %d %+v, want 200 degraded, nats down with its backlog", s.Code, s)
	}
	for _, id := range []string{"during-1", "during-2"} {
		if a := testkit.Call(t, http.MethodPost, base+"/?id="+id, "", ""); a.Status != http.StatusAccepted {
			t.Errorf("submission with NATS down: %d %s, want 202", a.Status, a.Body)
		}
	}
	if s := testkit.ReadyZ(t, base); s.Code != http.StatusOK || s.Checks["nats"].Detail != "outbox backlog: 2 (held until NATS is back)" {
		t.Errorf("/readyz with two submissions held = %d %+v, want 200 with a backlog of 2", s.Code, s)
	}

	nats.Restart(t)
	testkit.WaitReadyZ(t, base, "ready")
	_, js := nats.Admin(t)
	intake, err := js.Stream(ctx, events.StreamIntake.Name)
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, testkit.Wait, "held submissions published", func() (bool, error) {
		info, err := intake.Info(ctx)
		return err == nil && info.State.Msgs == 2, err
	})

	cutDB()
	s = testkit.WaitReadyZ(t, base, "unavailable")
	if s.Code != http.StatusServiceUnavailable || s.Checks["postgres"].OK || s.Checks["postgres"].Error == "" || !s.Checks["nats"].OK {
		t.Errorf("/readyz with the database refusing the service = %d %+v, want 503 unavailable naming postgres", s.Code, s)
	}
	if a := testkit.Call(t, http.MethodGet, base+"/healthz", "", ""); a.Status != http.StatusOK {
		t.Errorf("/healthz with the database down = %d, want 200", a.Status)
	}
	restoreDB()
	testkit.WaitReadyZ(t, base, "ready")
}

// TestLameDuckServesWhileUnready: a service asked to stop first answers
// /readyz with 503 "stopping" for LAME_DUCK, still serving its routes
// meanwhile, so that load balancers stop sending it requests before its
// listener closes; then it stops cleanly.
func TestLameDuckServesWhileUnready(t *testing.T) {
	t.Parallel()
	h := testkit.NewHarness(t, "creation-support", "creation_support")
	var cfg platform.Config
	h.Configure(&cfg)
	cfg.LameDuck = 5 * time.Second // the window in which the test looks
	cfg.OutboxPoll, cfg.HousekeepEvery = time.Hour, time.Hour
	rt, err := platform.Start(h.Ctx, cfg, platform.Spec{Service: "creation-support", Schema: "creation_support",
		Migrations: notesMigrations}, testkit.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Listen(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })); err != nil {
		t.Fatal(err)
	}
	stop := h.Serve(rt, nil)
	if s := testkit.ReadyZ(t, h.URL); s.Code != http.StatusOK || s.Status != "ready" {
		t.Fatalf("/readyz before the stop = %d %+v", s.Code, s)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	s := testkit.WaitReadyZ(t, h.URL, "stopping")
	if s.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while stopping = %d, want 503", s.Code)
	}
	if a := testkit.Call(t, http.MethodGet, h.URL+"/cases", "", ""); a.Status != http.StatusNoContent {
		t.Errorf("a route during the lame-duck period answered %d, want it served (204)", a.Status)
	}
	<-stopped
	if res, err := http.Get(h.URL + "/readyz"); err == nil {
		_ = res.Body.Close()
		t.Error("the listener still answers after the stop")
	}
}
