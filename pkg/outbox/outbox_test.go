package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestOutbox runs the outbox tests in parallel in one database, each in a
// schema of its own owned by intake's role: creating a database costs more
// than most of these tests.
func TestOutbox(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "intake")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *testDB)
	}{
		{"RelayPublishesCommittedRowsOnce", testRelayPublishesCommittedRowsOnce},
		{"RolledBackRowsNeverLeave", testRolledBackRowsNeverLeave},
		{"AddRejectsAnEventTwice", testAddRejectsAnEventTwice},
		{"AddEntriesKeepsOrderAndEachTrace", testAddEntriesKeepsOrderAndEachTrace},
		{"RelayRecoversFromACrashAfterPublish", testRelayRecoversFromACrashAfterPublish},
		{"ConcurrentRelaysPublishEachRowOnce", testConcurrentRelaysPublishEachRowOnce},
		{"RunWakesAndFlushesOnShutdown", testRunWakesAndFlushesOnShutdown},
		{"RelayKeepsRowsWhenPublishFails", testRelayKeepsRowsWhenPublishFails},
		{"PruneAndBacklog", testPruneAndBacklog},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, db)
		})
	}
}

// testDB is the package's database and intake's role in it.
type testDB = testkit.Schemas

// env is intake's outbox on real Postgres and NATS, plus an admin view of
// the server: the INTAKE stream and a core subscription that sees every
// publish, including the ones JetStream drops as duplicates.
type env struct {
	ctx    context.Context
	cfg    pgdb.Config
	schema string // this test's outbox lives here
	pool   *pgxpool.Pool
	ns     *testkit.NATS
	tel    *telemetry.Telemetry
	bus    *natsbus.Bus
	stream jetstream.Stream
	nc     *nats.Conn
	wire   chan *nats.Msg
}

func setup(t *testing.T, db *testDB) *env {
	t.Helper()
	e := &env{ctx: testkit.Context(t), cfg: db.Config, schema: db.New(t)}
	e.pool = openPool(t, e)
	if err := pgdb.Migrate(e.ctx, e.pool, outbox.Migrations()); err != nil {
		t.Fatal(err)
	}
	tel, err := telemetry.New(e.ctx, "intake", telemetry.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e.tel = tel
	e.ns = testkit.StartNATS(t)
	e.bus = connect(t, e)
	if err := e.bus.EnsureStream(e.ctx, events.StreamIntake, 1); err != nil {
		t.Fatal(err)
	}
	var js jetstream.JetStream
	e.nc, js = e.ns.Admin(t)
	if e.stream, err = js.Stream(e.ctx, events.StreamIntake.Name); err != nil {
		t.Fatal(err)
	}
	e.wire = make(chan *nats.Msg, 10000)
	sub, err := e.nc.ChanSubscribe("intake.>", e.wire)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	if err := e.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return e
}

func openPool(t *testing.T, e *env) *pgxpool.Pool {
	t.Helper()
	pool, err := pgdb.Open(e.ctx, e.cfg, e.schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func connect(t *testing.T, e *env) *natsbus.Bus {
	t.Helper()
	id, err := natsbus.IdentityOf("intake")
	if err != nil {
		t.Fatal(err)
	}
	bus, err := natsbus.Connect(e.ctx, e.ns.Config("intake"), id, e.tel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bus.Close)
	return bus
}

func newEvents(t *testing.T, n int) []events.Event {
	t.Helper()
	evs := make([]events.Event, n)
	for i := range evs {
		id := fmt.Sprintf("req-%d", i)
		ev, err := events.New("intake", id, "91", &events.CreationSubmitted{
			RequestID: id, CommuneCode: "91228", Departement: "91", Routing: events.Routing{RuleID: "r"},
		}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		evs[i] = ev
	}
	return evs
}

// commit writes evs into the outbox in one transaction.
func (e *env) commit(t *testing.T, evs ...events.Event) {
	t.Helper()
	if err := pgdb.InTx(e.ctx, e.pool, func(tx pgx.Tx) error { return outbox.Add(e.ctx, tx, evs...) }); err != nil {
		t.Fatal(err)
	}
}

func (e *env) streamMsgs(t *testing.T) uint64 {
	t.Helper()
	info, err := e.stream.Info(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// publishes returns every message published on intake.> so far: after the
// PubAcks were received, a flush of the admin connection guarantees that the
// server has delivered them all to the core subscription.
func (e *env) publishes(t *testing.T) []*nats.Msg {
	t.Helper()
	if err := e.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	var out []*nats.Msg
	for {
		select {
		case m := <-e.wire:
			out = append(out, m)
		default:
			return out
		}
	}
}

type rowState struct {
	sent     bool
	attempts int
}

func (e *env) rows(t *testing.T) map[string]rowState {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `SELECT event_id::text, sent_at IS NOT NULL, attempts FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]rowState{}
	for rows.Next() {
		var id string
		var s rowState
		if err := rows.Scan(&id, &s.sent, &s.attempts); err != nil {
			t.Fatal(err)
		}
		out[id] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// assertStreamHoldsOnce checks that the stream holds exactly evs, each once.
func (e *env) assertStreamHoldsOnce(t *testing.T, evs []events.Event) {
	t.Helper()
	if got := e.streamMsgs(t); got != uint64(len(evs)) {
		t.Fatalf("stream holds %d messages, want %d", got, len(evs))
	}
	want := map[string]bool{}
	for _, ev := range evs {
		want[ev.ID] = true
	}
	for seq := uint64(1); seq <= uint64(len(evs)); seq++ {
		m, err := e.stream.GetMsg(e.ctx, seq)
		if err != nil {
			t.Fatalf("get message %d: %v", seq, err)
		}
		id := m.Header.Get(events.HeaderID)
		if !want[id] {
			t.Errorf("message %d has ce-id %q: unknown or repeated", seq, id)
		}
		delete(want, id)
	}
}

func testRelayPublishesCommittedRowsOnce(t *testing.T, db *testDB) {
	e := setup(t, db)
	evs := newEvents(t, 5)
	e.commit(t, evs[:2]...)
	e.commit(t, evs[2:]...)
	if n, err := outbox.Backlog(e.ctx, e.pool); err != nil || n != 5 {
		t.Fatalf("backlog = %d, %v; want 5", n, err)
	}

	relay := outbox.NewRelay(e.pool, e.bus.JS, e.tel, outbox.RelayOptions{BatchSize: 2})
	if n, err := relay.Drain(e.ctx); err != nil || n != 5 {
		t.Fatalf("Drain = %d, %v; want 5", n, err)
	}
	if n, err := relay.Drain(e.ctx); err != nil || n != 0 {
		t.Fatalf("second Drain = %d, %v; want 0", n, err)
	}

	e.assertStreamHoldsOnce(t, evs)
	if got := len(e.publishes(t)); got != 5 {
		t.Errorf("%d publishes on the wire, want 5", got)
	}
	byID := map[string]events.Event{}
	for _, ev := range evs {
		byID[ev.ID] = ev
	}
	for seq := uint64(1); seq <= 5; seq++ {
		m, err := e.stream.GetMsg(e.ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		want := byID[m.Header.Get(events.HeaderID)]
		if got := m.Header.Get(events.HeaderMsgID); got != want.ID {
			t.Errorf("message %d: Nats-Msg-Id %q, want ce-id %q", seq, got, want.ID)
		}
		if m.Subject != want.Topic || string(m.Data) != string(want.Data) {
			t.Errorf("message %d: subject %q data %s, want %q %s", seq, m.Subject, m.Data, want.Topic, want.Data)
		}
		back, err := events.FromMessage(m.Subject, m.Header, m.Data)
		if err != nil {
			t.Fatalf("message %d is not a valid event: %v", seq, err)
		}
		if back.Type != want.Type || back.Source != want.Source || back.Subject != want.Subject || !back.Time.Equal(want.Time) {
			t.Errorf("message %d: envelope %+v, want %+v", seq, back, want)
		}
	}
	// Events leave in commit order here (one relay, rows in id order).
	for seq := uint64(1); seq <= 5; seq++ {
		m, _ := e.stream.GetMsg(e.ctx, seq)
		if got := m.Header.Get(events.HeaderID); got != evs[seq-1].ID {
			t.Errorf("message %d is %s, want %s", seq, got, evs[seq-1].ID)
		}
	}
	for id, r := range e.rows(t) {
		if !r.sent || r.attempts != 1 {
			t.Errorf("row %s: sent=%v attempts=%d, want sent after 1 attempt", id, r.sent, r.attempts)
		}
	}
	if n, err := outbox.Backlog(e.ctx, e.pool); err != nil || n != 0 {
		t.Errorf("backlog after relay = %d, %v; want 0", n, err)
	}
}

func testRolledBackRowsNeverLeave(t *testing.T, db *testDB) {
	e := setup(t, db)
	evs := newEvents(t, 3)
	boom := errors.New("validation failed after the insert")
	err := pgdb.InTx(e.ctx, e.pool, func(tx pgx.Tx) error {
		if err := outbox.Add(e.ctx, tx, evs[0], evs[1]); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	e.commit(t, evs[2])

	relay := outbox.NewRelay(e.pool, e.bus.JS, e.tel, outbox.RelayOptions{})
	if n, err := relay.Drain(e.ctx); err != nil || n != 1 {
		t.Fatalf("Drain = %d, %v; want only the committed row", n, err)
	}
	e.assertStreamHoldsOnce(t, evs[2:])
	if got := len(e.publishes(t)); got != 1 {
		t.Errorf("%d publishes on the wire, want 1", got)
	}
	if rows := e.rows(t); len(rows) != 1 {
		t.Errorf("outbox rows = %v, want only the committed one", rows)
	}
}

func testAddRejectsAnEventTwice(t *testing.T, db *testDB) {
	e := setup(t, db)
	evs := newEvents(t, 1)
	e.commit(t, evs...)
	err := pgdb.InTx(e.ctx, e.pool, func(tx pgx.Tx) error { return outbox.Add(e.ctx, tx, evs...) })
	if err == nil {
		t.Fatal("adding the same event id twice succeeded")
	}
}

// Rows added together, by AddEntries or queued in a pgx batch, keep their
// order (the relay publishes by id) and each carries its own entry's trace.
func testAddEntriesKeepsOrderAndEachTrace(t *testing.T, db *testDB) {
	e := setup(t, db)
	evs := newEvents(t, 5)
	traced := func(n byte) context.Context {
		return trace.ContextWithSpanContext(e.ctx, trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: trace.TraceID{0xbb, n}, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled}))
	}
	entries := make([]outbox.Entry, 4)
	for i := range entries {
		entries[i] = outbox.Entry{Ctx: traced(byte(i)), Event: evs[i]}
	}
	err := pgdb.InTx(e.ctx, e.pool, func(tx pgx.Tx) error {
		if err := outbox.AddEntries(e.ctx, tx, entries); err != nil {
			return err
		}
		batch := &pgx.Batch{}
		if err := outbox.Queue(traced(4), batch, evs[4]); err != nil {
			return err
		}
		return tx.SendBatch(e.ctx, batch).Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.pool.Query(e.ctx, `SELECT event_id::text, headers->'traceparent'->>0 FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var v [2]string
		return v, r.Scan(&v[0], &v[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(evs) {
		t.Fatalf("%d rows, want %d", len(got), len(evs))
	}
	for i, row := range got {
		want := trace.TraceID{0xbb, byte(i)}.String()
		if row[0] != evs[i].ID || len(row[1]) < 35 || row[1][3:35] != want {
			t.Errorf("row %d: event %s traceparent %q; want event %s in trace %s", i, row[0], row[1], evs[i].ID, want)
		}
	}
}

// A relay that published rows but died before marking them sent leaves them
// pending; the next relay publishes them again with the same Nats-Msg-Id,
// which JetStream drops, and marks them sent.
func testRelayRecoversFromACrashAfterPublish(t *testing.T, db *testDB) {
	tests := []struct {
		name  string
		crash func(t *testing.T, e *env, evs []events.Event)
	}{
		{"published by hand before the relay runs", func(t *testing.T, e *env, evs []events.Event) {
			// The crashed relay got through half of the rows.
			for _, ev := range evs[:len(evs)/2] {
				msg := natsbus.Message(ev, nil)
				if _, err := e.bus.JS.PublishMsg(e.ctx, msg, jetstream.WithMsgID(ev.ID)); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"marking rolled back after a full publish", func(t *testing.T, e *env, evs []events.Event) {
			relay := outbox.NewRelay(e.pool, e.bus.JS, e.tel, outbox.RelayOptions{})
			if n, err := relay.Drain(e.ctx); err != nil || n != len(evs) {
				t.Fatalf("first relay: %d, %v", n, err)
			}
			// As if its last transaction never committed.
			if _, err := e.pool.Exec(e.ctx, `UPDATE outbox SET sent_at = NULL`); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, db)
			evs := newEvents(t, 6)
			e.commit(t, evs...)
			tc.crash(t, e, evs)

			// A new process: its own pool and connection.
			e2 := *e
			e2.pool = openPool(t, e)
			e2.bus = connect(t, e)
			relay := outbox.NewRelay(e2.pool, e2.bus.JS, e.tel, outbox.RelayOptions{BatchSize: 4})
			if n, err := relay.Drain(e.ctx); err != nil || n != len(evs) {
				t.Fatalf("recovering relay: %d, %v; want %d rows marked", n, err, len(evs))
			}
			e.assertStreamHoldsOnce(t, evs)
			if wire := len(e.publishes(t)); wire <= len(evs) {
				t.Errorf("%d publishes on the wire: the crash scenario did not republish anything", wire)
			}
			for id, r := range e.rows(t) {
				if !r.sent {
					t.Errorf("row %s still pending", id)
				}
			}
			if n, err := outbox.Backlog(e.ctx, e.pool); err != nil || n != 0 {
				t.Errorf("backlog = %d, %v; want 0", n, err)
			}
		})
	}
}

// Replicas share one outbox: FOR UPDATE SKIP LOCKED gives each row to one
// relay, so nothing is published twice, not even a duplicate JetStream
// would drop.
func testConcurrentRelaysPublishEachRowOnce(t *testing.T, db *testDB) {
	e := setup(t, db)
	const rows = 400
	evs := newEvents(t, rows)
	for i := 0; i < rows; i += 50 {
		e.commit(t, evs[i:i+50]...)
	}

	relays := []*outbox.Relay{
		outbox.NewRelay(openPool(t, e), connect(t, e).JS, e.tel, outbox.RelayOptions{BatchSize: 16}),
		outbox.NewRelay(openPool(t, e), connect(t, e).JS, e.tel, outbox.RelayOptions{BatchSize: 16}),
	}
	counts := make([]int, len(relays))
	errs := make([]error, len(relays))
	var wg sync.WaitGroup
	for i, r := range relays {
		wg.Go(func() {
			// Drain until the outbox is empty: one relay may find every
			// remaining row locked by the other and stop early.
			for {
				n, err := r.Drain(e.ctx)
				counts[i] += n
				if err != nil {
					errs[i] = err
					return
				}
				left, err := outbox.Backlog(e.ctx, e.pool)
				if err != nil || left == 0 {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if counts[0]+counts[1] != rows {
		t.Errorf("relays marked %d + %d rows, want %d in total", counts[0], counts[1], rows)
	}
	if counts[0] == 0 || counts[1] == 0 {
		t.Logf("one relay did all the work (%v): the race was not exercised this time", counts)
	}
	if got := e.streamMsgs(t); got != rows {
		t.Errorf("stream holds %d messages, want %d", got, rows)
	}
	wire := e.publishes(t)
	seen := map[string]int{}
	for _, m := range wire {
		seen[m.Header.Get(events.HeaderID)]++
	}
	if len(wire) != rows || len(seen) != rows {
		t.Errorf("%d publishes of %d distinct events on the wire, want %d of %d", len(wire), len(seen), rows, rows)
	}
	for id, r := range e.rows(t) {
		if !r.sent || r.attempts != 1 {
			t.Errorf("row %s: sent=%v attempts=%d, want sent once", id, r.sent, r.attempts)
		}
	}
}

// Run wakes on demand, and on shutdown flushes what was committed before.
func testRunWakesAndFlushesOnShutdown(t *testing.T, db *testDB) {
	e := setup(t, db)
	evs := newEvents(t, 2)
	// The poll is longer than the test: only Wake and the final flush can
	// publish.
	relay := outbox.NewRelay(e.pool, e.bus.JS, e.tel, outbox.RelayOptions{Poll: time.Hour})
	ctx, stop := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- relay.Run(ctx, 10*time.Second) }()

	e.commit(t, evs[0])
	relay.Wake()
	testkit.Eventually(t, 10*time.Second, "woken relay publishes", func() (bool, error) {
		n, err := outbox.Backlog(e.ctx, e.pool)
		return n == 0, err
	})

	e.commit(t, evs[1]) // no Wake: left for the final flush
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil after a clean flush", err)
	}
	e.assertStreamHoldsOnce(t, evs)
	if n, err := outbox.Backlog(e.ctx, e.pool); err != nil || n != 0 {
		t.Errorf("backlog after shutdown = %d, %v; want 0", n, err)
	}
}

// With the stream missing, publishes fail: rows stay pending with the error
// recorded, and go out once the stream exists.
func testRelayKeepsRowsWhenPublishFails(t *testing.T, db *testDB) {
	e := setup(t, db)
	_, js := e.ns.Admin(t)
	if err := js.DeleteStream(e.ctx, events.StreamIntake.Name); err != nil {
		t.Fatal(err)
	}
	evs := newEvents(t, 3)
	e.commit(t, evs...)
	relay := outbox.NewRelay(e.pool, e.bus.JS, e.tel, outbox.RelayOptions{AckTimeout: 500 * time.Millisecond})
	if n, err := relay.Drain(e.ctx); err == nil || n != 0 {
		t.Fatalf("Drain without a stream = %d, %v; want an error and nothing sent", n, err)
	}
	var failed int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND attempts = 1 AND last_error <> ''`).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	if failed != 3 {
		t.Errorf("%d rows pending with an error recorded, want 3", failed)
	}

	if err := e.bus.EnsureStream(e.ctx, events.StreamIntake, 1); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.stream, err = js.Stream(e.ctx, events.StreamIntake.Name); err != nil {
		t.Fatal(err)
	}
	if n, err := relay.Drain(e.ctx); err != nil || n != 3 {
		t.Fatalf("Drain with the stream back = %d, %v; want 3", n, err)
	}
	e.assertStreamHoldsOnce(t, evs)
}

func testPruneAndBacklog(t *testing.T, db *testDB) {
	e := setup(t, db)
	evs := newEvents(t, 5)
	e.commit(t, evs[:3]...)
	relay := outbox.NewRelay(e.pool, e.bus.JS, e.tel, outbox.RelayOptions{})
	if n, err := relay.Drain(e.ctx); err != nil || n != 3 {
		t.Fatalf("Drain = %d, %v", n, err)
	}
	e.commit(t, evs[3:]...) // pending
	if n, err := outbox.Backlog(e.ctx, e.pool); err != nil || n != 2 {
		t.Fatalf("backlog = %d, %v; want 2", n, err)
	}
	// Two of the sent rows are old.
	if _, err := e.pool.Exec(e.ctx, `UPDATE outbox SET sent_at = now() - interval '2 days' WHERE event_id = ANY($1::uuid[])`,
		[]string{evs[0].ID, evs[1].ID}); err != nil {
		t.Fatal(err)
	}
	// Pending rows are never pruned, however old.
	if _, err := e.pool.Exec(e.ctx, `UPDATE outbox SET created_at = now() - interval '3 days' WHERE sent_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	n, err := outbox.Prune(e.ctx, e.pool, 24*time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	rows := e.rows(t)
	for _, ev := range evs[:2] {
		if _, ok := rows[ev.ID]; ok {
			t.Errorf("old sent row %s survived", ev.ID)
		}
	}
	for _, ev := range evs[2:] {
		if _, ok := rows[ev.ID]; !ok {
			t.Errorf("row %s pruned, want kept (recent or pending)", ev.ID)
		}
	}
	if n, err := outbox.Backlog(e.ctx, e.pool); err != nil || n != 2 {
		t.Errorf("backlog after prune = %d, %v; want 2", n, err)
	}
}
