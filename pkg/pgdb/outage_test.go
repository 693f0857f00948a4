package pgdb_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ccicma/platform/pkg/pgdb"
)

// TestIsOutage: errors that say Postgres cannot answer now are outages;
// errors the work itself causes are not, or a poison event would pause its
// consumer forever.
func TestIsOutage(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// A real connection error: nothing listens on port 1.
	_, refused := pgx.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if refused == nil {
		t.Fatal("connected to port 1")
	}
	// A real login refusal: the server answers, but not for this role.
	_, loginRefused := pgx.Connect(ctx, "postgres://no_such_role_outage_test@127.0.0.1:5432/postgres?sslmode=disable")
	if loginRefused == nil {
		t.Fatal("connected as a role that does not exist")
	}
	pgErr := func(code string) error { return fmt.Errorf("open case: %w", &pgconn.PgError{Code: code}) }
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("begin: %w", refused), true},
		{"login refused", fmt.Errorf("begin: %w", loginRefused), true},
		{"connection closed", fmt.Errorf("exec: %w", pgconn.ErrConnClosed), true},
		{"admin shutdown", pgErr("57P01"), true},
		{"crash shutdown", pgErr("57P02"), true},
		{"cannot connect now", pgErr("57P03"), true},
		{"connection failure", pgErr("08006"), true},
		{"too many connections", pgErr("53300"), true},
		{"serialization failure", pgErr("40001"), true},
		{"deadlock", pgErr("40P01"), true},
		{"unique violation", pgErr("23505"), false},
		{"check violation", pgErr("23514"), false},
		{"statement timeout", pgErr("57014"), false},
		{"undefined table", pgErr("42P01"), false},
		{"no rows", pgx.ErrNoRows, false},
		{"plain error", errors.New("commune unknown"), false},
		{"nil", nil, false},
	} {
		if got := pgdb.IsOutage(tc.err); got != tc.want {
			t.Errorf("%s: IsOutage(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
