package testkit

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a test database as its administrator sees it: how a test looks
// into any service's schema, whatever the service's role may read. The
// pool's own methods (Exec, Query, Acquire) are there for the rest.
type DB struct {
	*pgxpool.Pool
}

// AdminDB opens a pool on the database of adminURL (Database), closed when
// the test ends.
func AdminDB(t testing.TB, adminURL string) *DB {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), adminURL)
	if err != nil {
		t.Fatalf("open the test database: %v", err)
	}
	t.Cleanup(pool.Close)
	return &DB{Pool: pool}
}

// Scan reads the one row of query into dest, or fails the test.
func (d *DB) Scan(t testing.TB, query string, args []any, dest ...any) {
	t.Helper()
	if err := d.QueryRow(context.Background(), query, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Count runs a query that selects one number.
func (d *DB) Count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	d.Scan(t, query, args, &n)
	return n
}

// Text runs a query that selects one text value; "" when it selects no
// row yet, so that a test can wait for the row.
func (d *DB) Text(t testing.TB, query string, args ...any) string {
	t.Helper()
	var s string
	err := d.QueryRow(context.Background(), query, args...).Scan(&s)
	if errors.Is(err, pgx.ErrNoRows) {
		return ""
	}
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}

// Querier runs queries: a pool (DB's too), a connection, a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Column runs a query that selects one column and returns its values in
// order (none: an empty slice), or fails the test.
func Column[T any](t testing.TB, q Querier, query string, args ...any) []T {
	t.Helper()
	rows, err := q.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[T])
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// WaitCount waits until a count query selects want: until a consumer, a
// relay or a job has done what the test waits for.
func (d *DB) WaitCount(t testing.TB, what string, want int, query string, args ...any) {
	t.Helper()
	Eventually(t, Wait, what, func() (bool, error) { return d.Count(t, query, args...) == want, nil })
}
