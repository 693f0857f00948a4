package inbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestInbox runs the inbox tests in parallel in one database, each in a
// schema of its own owned by creation_support's role: creating a database
// costs more than these tests.
func TestInbox(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "creation_support")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *testDB)
	}{
		{"ApplyRunsOncePerConsumerAndEvent", testApplyRunsOncePerConsumerAndEvent},
		{"ApplyFailureReleasesTheClaim", testApplyFailureReleasesTheClaim},
		{"ClaimReportsDuplicates", testClaimReportsDuplicates},
		{"ConcurrentAppliesOfOneEvent", testConcurrentAppliesOfOneEvent},
		{"PruneForgetsOnlyOldEntries", testPruneForgetsOnlyOldEntries},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, db)
		})
	}
}

// testDB is the package's database and creation_support's role in it.
type testDB = testkit.Schemas

// setup opens a fresh schema of creation_support's with the inbox and a
// table the handlers write to.
func setup(t *testing.T, db *testDB) (context.Context, *pgxpool.Pool) {
	t.Helper()
	ctx, pool := testkit.Context(t), db.Pool(t, inbox.Migrations())
	if _, err := pool.Exec(ctx, `CREATE TABLE cases (event_id uuid, opened_by text)`); err != nil {
		t.Fatal(err)
	}
	return ctx, pool
}

func event(t *testing.T) events.Event {
	t.Helper()
	ev, err := events.New("intake", "req-1", "91", &events.CreationSubmitted{
		RequestID: "req-1", CommuneCode: "91228", Departement: "91", Routing: events.Routing{RuleID: "r"},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func countCases(t *testing.T, ctx context.Context, pool *pgxpool.Pool, ev events.Event) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM cases WHERE event_id = $1`, ev.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func openCase(ctx context.Context, consumer string, ev events.Event) func(pgx.Tx) error {
	return func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO cases VALUES ($1, $2)`, ev.ID, consumer)
		return err
	}
}

func testApplyRunsOncePerConsumerAndEvent(t *testing.T, db *testDB) {
	ctx, pool := setup(t, db)
	ev := event(t)

	applied, err := inbox.Apply(ctx, pool, "creation-support", ev, openCase(ctx, "creation-support", ev))
	if err != nil || !applied {
		t.Fatalf("first Apply = %v, %v; want applied", applied, err)
	}
	calls := 0
	applied, err = inbox.Apply(ctx, pool, "creation-support", ev, func(tx pgx.Tx) error {
		calls++
		return openCase(ctx, "creation-support", ev)(tx)
	})
	if err != nil || applied {
		t.Fatalf("second Apply = %v, %v; want applied=false and no error", applied, err)
	}
	if calls != 0 {
		t.Errorf("fn ran %d times for a duplicate, want 0", calls)
	}
	if n := countCases(t, ctx, pool, ev); n != 1 {
		t.Errorf("handler's write happened %d times, want once", n)
	}

	// Another consumer of the same event is a different inbox entry.
	applied, err = inbox.Apply(ctx, pool, "advisor-desk", ev, openCase(ctx, "advisor-desk", ev))
	if err != nil || !applied {
		t.Fatalf("Apply for another consumer = %v, %v; want applied", applied, err)
	}
	if n := countCases(t, ctx, pool, ev); n != 2 {
		t.Errorf("cases for the event = %d, want 2 (one per consumer)", n)
	}
}

func testApplyFailureReleasesTheClaim(t *testing.T, db *testDB) {
	ctx, pool := setup(t, db)
	ev := event(t)
	boom := errors.New("advisor directory not loaded yet")

	applied, err := inbox.Apply(ctx, pool, "creation-support", ev, func(tx pgx.Tx) error {
		if err := openCase(ctx, "creation-support", ev)(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || applied {
		t.Fatalf("failing Apply = %v, %v; want applied=false and the handler's error", applied, err)
	}
	if n := countCases(t, ctx, pool, ev); n != 0 {
		t.Errorf("failed handler left %d rows, want 0", n)
	}
	// The redelivery is applied, not mistaken for a duplicate.
	applied, err = inbox.Apply(ctx, pool, "creation-support", ev, openCase(ctx, "creation-support", ev))
	if err != nil || !applied {
		t.Fatalf("retry Apply = %v, %v; want applied", applied, err)
	}
	if n := countCases(t, ctx, pool, ev); n != 1 {
		t.Errorf("cases = %d, want 1", n)
	}
}

func testClaimReportsDuplicates(t *testing.T, db *testDB) {
	ctx, pool := setup(t, db)
	ev := event(t)
	claim := func() error {
		return pgdb.InTx(ctx, pool, func(tx pgx.Tx) error { return inbox.Claim(ctx, tx, "creation-support", ev.ID) })
	}
	if err := claim(); err != nil {
		t.Fatalf("first claim: %v", err)
	}
	if err := claim(); !errors.Is(err, inbox.ErrDuplicate) {
		t.Fatalf("second claim = %v, want ErrDuplicate", err)
	}
	err := pgdb.InTx(ctx, pool, func(tx pgx.Tx) error { return inbox.Claim(ctx, tx, "creation-support", "not-a-uuid") })
	if err == nil || errors.Is(err, inbox.ErrDuplicate) {
		t.Fatalf("claim of a non-UUID id = %v, want a database error", err)
	}
}

// Two deliveries of one event racing (a redelivery while the first handler
// still runs): exactly one applies.
func testConcurrentAppliesOfOneEvent(t *testing.T, db *testDB) {
	ctx, pool := setup(t, db)
	ev := event(t)
	const n = 4
	results := make(chan error, n)
	appliedCount := make(chan bool, n)
	for range n {
		go func() {
			applied, err := inbox.Apply(ctx, pool, "creation-support", ev, openCase(ctx, "creation-support", ev))
			appliedCount <- applied
			results <- err
		}()
	}
	total := 0
	for range n {
		if err := <-results; err != nil {
			t.Errorf("Apply: %v", err)
		}
		if <-appliedCount {
			total++
		}
	}
	if total != 1 {
		t.Errorf("%d deliveries applied, want 1", total)
	}
	if c := countCases(t, ctx, pool, ev); c != 1 {
		t.Errorf("cases = %d, want 1", c)
	}
}

func testPruneForgetsOnlyOldEntries(t *testing.T, db *testDB) {
	ctx, pool := setup(t, db)
	old, recent := event(t), event(t)
	for _, ev := range []events.Event{old, recent} {
		if _, err := inbox.Apply(ctx, pool, "creation-support", ev, func(pgx.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE inbox SET received_at = now() - interval '40 days' WHERE event_id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	n, err := inbox.Prune(ctx, pool, 30*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1 row", n, err)
	}
	var left []string
	rows, _ := pool.Query(ctx, `SELECT event_id::text FROM inbox`)
	if left, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0] != recent.ID {
		t.Errorf("inbox after prune = %v, want only %s", left, recent.ID)
	}
}
