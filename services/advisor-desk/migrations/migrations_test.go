package migrations_test

import (
	"testing"
	"time"

	"github.com/jackc/tern/v2/migrate"

	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/migrations"
)

// TestMailDeliveryMovesToTheQueue: on a schema at version 5, migration 6
// hands the e-mails' delivery state to pkg/mailer's queue under the same
// keys, as it was (pending ones stay due), and pruning the queue takes the
// e-mails along.
func TestMailDeliveryMovesToTheQueue(t *testing.T) {
	ctx := testkit.Context(t)
	pool := testkit.NewSchemas(t, "advisor_desk").Pool(t, outbox.Migrations(), inbox.Migrations(), mailer.Migrations())
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewMigrator(ctx, conn.Conn(), "advisor_desk_schema_version")
	if err != nil {
		t.Fatal(err)
	}
	set := migrations.Set()
	if err := m.LoadMigrations(set.FS); err != nil {
		t.Fatal(err)
	}
	if err := m.MigrateTo(ctx, 5); err != nil {
		t.Fatal(err)
	}
	conn.Release()
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	if _, err := pool.Exec(ctx, `INSERT INTO advisors (advisor_id, revision, chamber, full_name, email, departements,
			specialities, capacity, active, updated_at) VALUES ('cma-91-001', 1, 'CMA', 'Léa', 'lea@example.org', '{91}', '{}', 5, true, $1)`,
		at); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO mails (dedup_key, advisor_id, kind, status, attempts, next_attempt_at, last_error, created_at, sent_at) VALUES
			('n:sent', 'cma-91-001', 'each', 'sent', 1, $1, NULL, $1, $1),
			('n:retry', 'cma-91-001', 'each', 'pending', 2, $1::timestamptz + interval '2 minutes', 'smtp code 451', $1, NULL)`, at); err != nil {
		t.Fatal(err)
	}
	if err := pgdb.Migrate(ctx, pool, set); err != nil {
		t.Fatal(err)
	}
	got := testkit.Column[string](t, pool, `SELECT key || ' ' || status || ' ' || attempts || ' ' ||
		coalesce(last_error, '-') || ' ' || (next_attempt_at - $1::timestamptz) FROM mail_queue ORDER BY id`, at)
	want := []string{"n:sent sent 1 - 00:00:00", "n:retry pending 2 smtp code 451 00:02:00"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("mail_queue after the migration: %q, want %q", got, want)
	}
	if _, err := mailer.NewPostgresQueue(pool).Prune(ctx, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if keys := testkit.Column[string](t, pool, `SELECT dedup_key FROM mails`); len(keys) != 1 || keys[0] != "n:retry" {
		t.Errorf("e-mails after pruning the sent one: %q, want n:retry only", keys)
	}
}
