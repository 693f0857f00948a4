package natsbus_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"
)

// store is a schema of a login role of the test's own: roles are global to
// the server, and cutting a shared one (creation_support) would cut the
// other test packages too.
type store struct {
	admin string // administrator URL of the test database
	role  string
	pool  *pgxpool.Pool
}

func newStore(t *testing.T) *store {
	t.Helper()
	ctx := testkit.Context(t)
	admin := testkit.Database(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	s := &store{admin: admin, role: "outage_" + hex.EncodeToString(b)}
	if err := pgdb.Provision(ctx, admin, "cs", s.role, "pw"); err != nil {
		t.Fatal(err)
	}
	// Registered after the database's cleanup, so run before it.
	t.Cleanup(func() {
		s.pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.exec(t, ctx, "DROP OWNED BY "+s.role, "DROP ROLE "+s.role)
	})
	url, err := pgdb.RoleURL(admin, s.role, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if s.pool, err = pgdb.Open(ctx, pgdb.Config{URL: url, MaxConns: 4}, "cs"); err != nil {
		t.Fatal(err)
	}
	if err := pgdb.Migrate(ctx, s.pool, inbox.Migrations()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `CREATE TABLE cases (event_id uuid PRIMARY KEY, commune text NOT NULL CHECK (commune <> ''))`); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *store) exec(t *testing.T, ctx context.Context, stmts ...string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, s.admin)
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

// cut makes the database refuse the role, as a maintenance or a failover
// does: no new session, and the open ones end.
func (s *store) cut(t *testing.T, ctx context.Context) {
	t.Helper()
	s.exec(t, ctx, "ALTER ROLE "+s.role+" NOLOGIN",
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"+s.role+"'")
}

func (s *store) restore(t *testing.T, ctx context.Context) {
	t.Helper()
	s.exec(t, ctx, "ALTER ROLE "+s.role+" LOGIN")
}

// openCase is creation-support's handler reduced to its writes: it claims
// the event in the inbox and opens a case, in one transaction.
func (s *store) openCase(commune func(events.Event) string) natsbus.Handler {
	return func(ctx context.Context, ev events.Event) error {
		_, err := inbox.Apply(ctx, s.pool, "creation-support", ev, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO cases VALUES ($1, $2)`, ev.ID, commune(ev))
			return err
		})
		return err
	}
}

func (s *store) cases(t *testing.T, ctx context.Context, ev events.Event) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM cases WHERE event_id = $1`, ev.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOutagePausesInsteadOfDeadLettering: the consumer's database refuses
// its role for longer than MaxDeliver naks would last; the consumer pauses
// without spending deliveries, and once the database is back every event
// is applied exactly once and none is dead-lettered.
func TestOutagePausesInsteadOfDeadLettering(t *testing.T) {
	t.Parallel()
	for _, batch := range []bool{true, false} {
		name := map[bool]string{true: "batch", false: "one by one"}[batch]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			s := newStore(t)
			spec := natsbus.ConsumerSpec{
				Filters:    submittedFilter,
				MaxDeliver: 3,
				Backoff:    []time.Duration{50 * time.Millisecond}, // three naks would last 150 ms
				Outage:     pgdb.IsOutage,
			}
			if batch {
				spec.Batch = inbox.Batcher{Pool: s.pool}
			}
			e.consume(t, spec, s.openCase(func(events.Event) string { return "91228" }))

			before := submission(t, "before")
			e.publish(t, before)
			e.waitSettled(t)

			s.cut(t, e.ctx)
			var during []events.Event
			for i := range 5 {
				during = append(during, submission(t, "during-"+string(rune('a'+i))))
			}
			e.publish(t, during...)
			time.Sleep(3 * time.Second) // 20 times what MaxDeliver naks would last
			if dl := e.deadLetters(t, ">"); len(dl) != 0 {
				t.Fatalf("%d dead letters during the outage (first: %s), want none", len(dl), dl[0].Header.Get(events.HeaderDeadReason))
			}
			if got := testutil.ToFloat64(e.cs.tel.Metrics.ConsumerPaused.WithLabelValues("creation-support", events.StreamIntake.Name)); got < 1 {
				t.Errorf("paused workers gauge = %v during the outage, want at least 1", got)
			}
			s.restore(t, e.ctx)
			e.waitSettled(t)

			for _, ev := range append(during, before) {
				if n := s.cases(t, e.ctx, ev); n != 1 {
					t.Errorf("event %s opened %d cases, want 1", ev.ID, n)
				}
			}
			if dl := e.deadLetters(t, ">"); len(dl) != 0 {
				t.Errorf("%d dead letters, want none", len(dl))
			}
			// No nak and no AckWait expiry: every message was delivered once.
			if got := counter(t, e.cs.tel, "event_redeliveries_total", "creation-support"); got != 0 {
				t.Errorf("%v redeliveries, want 0", got)
			}
			if info := e.consumerInfo(t); info.NumRedelivered != 0 {
				t.Errorf("consumer reports %d redelivered, want 0", info.NumRedelivered)
			}
			if got := testutil.ToFloat64(e.cs.tel.Metrics.ConsumerPaused.WithLabelValues("creation-support", events.StreamIntake.Name)); got != 0 {
				t.Errorf("paused workers gauge = %v after the outage, want 0", got)
			}
			logs := e.cs.logs.String()
			if p, r := strings.Count(logs, "consumer paused"), strings.Count(logs, "consumer resumed"); p != 1 || r != 1 {
				t.Errorf("logged %d pauses and %d resumptions, want one each (not one per retry)", p, r)
			}
		})
	}
}

// TestEventsFailingOnTheirOwnAreStillDeadLettered: with the database up,
// an event whose write the database refuses (a constraint), one whose
// handler fails every time, one marked permanent and one whose handler
// panics go to DEADLETTER, while the others of their batches are applied.
func TestEventsFailingOnTheirOwnAreStillDeadLettered(t *testing.T) {
	t.Parallel()
	e := setup(t)
	s := newStore(t)
	refused, failing, permanent := submission(t, "refused"), submission(t, "failing"), submission(t, "permanent")
	panicking := submission(t, "panicking")
	good := []events.Event{submission(t, "good-1"), submission(t, "good-2")}
	e.consume(t, natsbus.ConsumerSpec{
		Filters:    submittedFilter,
		MaxDeliver: 3,
		Backoff:    []time.Duration{10 * time.Millisecond},
		Outage:     pgdb.IsOutage,
		Batch:      inbox.Batcher{Pool: s.pool},
	}, func(ctx context.Context, ev events.Event) error {
		switch ev.ID {
		case failing.ID:
			return errors.New("advisor directory unavailable")
		case permanent.ID:
			return natsbus.Permanent(errors.New("commune 99999 unknown"))
		case panicking.ID:
			panic("routing table not loaded")
		}
		return s.openCase(func(ev events.Event) string {
			if ev.ID == refused.ID {
				return "" // violates the CHECK constraint
			}
			return "91228"
		})(ctx, ev)
	})
	e.publish(t, good[0], refused, failing, permanent, panicking, good[1])
	e.waitSettled(t)

	reasons := map[string]string{}
	for _, m := range e.deadLetters(t, "deadletter.>") {
		reasons[m.Header.Get(events.HeaderID)] = m.Header.Get(events.HeaderDeadReason)
	}
	for id, want := range map[string]string{
		refused.ID:   "max deliveries reached: ",
		failing.ID:   "max deliveries reached: advisor directory unavailable",
		permanent.ID: "permanent failure: commune 99999 unknown",
		panicking.ID: "permanent failure: handler panicked: routing table not loaded",
	} {
		if got, ok := reasons[id]; !ok || !strings.HasPrefix(got, want) {
			t.Errorf("dead letter of %s: reason %q (present: %v), want %q...", id, got, ok, want)
		}
	}
	if len(reasons) != 4 {
		t.Errorf("%d dead letters, want 4", len(reasons))
	}
	for _, ev := range good {
		if n := s.cases(t, e.ctx, ev); n != 1 {
			t.Errorf("good event opened %d cases, want 1", n)
		}
	}
}

// TestStopWhilePausedLeavesEventsUnacknowledged: a consumer stopped during
// an outage stops retrying at once and neither acks, naks nor dead-letters
// what it held: AckWait hands the events to the next instance.
func TestStopWhilePausedLeavesEventsUnacknowledged(t *testing.T) {
	t.Parallel()
	e := setup(t)
	s := newStore(t)
	sub := e.consume(t, natsbus.ConsumerSpec{
		Filters: submittedFilter, MaxDeliver: 3, Outage: pgdb.IsOutage, Batch: inbox.Batcher{Pool: s.pool},
	}, s.openCase(func(events.Event) string { return "91228" }))
	s.cut(t, e.ctx)
	t.Cleanup(func() { s.restore(t, context.Background()) })
	e.publish(t, submission(t, "during"))
	testkit.Eventually(t, 10*time.Second, "consumer paused", func() (bool, error) {
		return strings.Contains(e.cs.logs.String(), "consumer paused"), nil
	})
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	if err := sub.Stop(ctx); err != nil {
		t.Fatalf("Stop while paused = %v, want a prompt stop", err)
	}
	if info := e.consumerInfo(t); info.NumAckPending != 1 || info.AckFloor.Stream != 0 {
		t.Errorf("after Stop: %d pending acks, ack floor %d; want the event held (1, 0)", info.NumAckPending, info.AckFloor.Stream)
	}
	if dl := e.deadLetters(t, ">"); len(dl) != 0 {
		t.Errorf("%d dead letters, want none", len(dl))
	}
	if !strings.Contains(e.cs.logs.String(), "consumer stopped while paused") {
		t.Error("no log of the stop during the pause")
	}
}
