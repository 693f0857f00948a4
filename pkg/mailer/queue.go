package mailer

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/pgdb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations creates the mail_queue table in the service's schema (list
// it in platform.Spec.Shared).
func Migrations() pgdb.Migrations {
	return pgdb.Migrations{Name: "mailer", FS: migrations, Dir: "migrations"}
}

// Execer is a transaction or a pool.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Enqueue queues the e-mail with key, due at, in the caller's transaction
// (with the state change that calls for it). A key already queued is left
// as it is: queued=false.
func Enqueue(ctx context.Context, tx Execer, key string, at time.Time) (queued bool, err error) {
	tag, err := tx.Exec(ctx, `INSERT INTO mail_queue (key, next_attempt_at, created_at) VALUES ($1, $2, $2)
		ON CONFLICT (key) DO NOTHING`, key, at)
	if err != nil {
		return false, fmt.Errorf("queue e-mail %s: %w", key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// EnqueueMany queues several e-mails in one statement; keys[i] is due at
// at[i]. Keys already queued are left as they are.
func EnqueueMany(ctx context.Context, tx Execer, keys []string, at []time.Time) error {
	if len(keys) != len(at) {
		return errors.New("queue e-mails: as many times as keys")
	}
	_, err := tx.Exec(ctx, `INSERT INTO mail_queue (key, next_attempt_at, created_at)
		SELECT k, t, t FROM unnest($1::text[], $2::timestamptz[]) AS q (k, t) ORDER BY t, k
		ON CONFLICT (key) DO NOTHING`, keys, at)
	if err != nil {
		return fmt.Errorf("queue e-mails: %w", err)
	}
	return nil
}

// PostgresQueue is the Queue over mail_queue in the pool's schema.
type PostgresQueue struct{ pool *pgxpool.Pool }

// NewPostgresQueue returns the queue of the pool's schema.
func NewPostgresQueue(pool *pgxpool.Pool) *PostgresQueue { return &PostgresQueue{pool: pool} }

// Claim leases the next due e-mail in one statement, so the lease is
// committed before anything is sent. SKIP LOCKED lets replicas claim
// side by side; an e-mail claimed by one is no longer due for the others
// until its lease expires. An e-mail waits while an older one of its
// thread (its key's second field: the request, for an applicant's
// e-mails) is due or being sent, so that the e-mails due together arrive
// in the order they were queued whatever the number of workers; an older
// one planned for later (a session's reminder, a retry) holds nothing.
func (q *PostgresQueue) Claim(ctx context.Context, owner string, now, leasedUntil time.Time) (Claim, bool, error) {
	c := Claim{Owner: owner, LeasedUntil: leasedUntil}
	err := q.pool.QueryRow(ctx, `WITH due AS (
			SELECT id, status FROM mail_queue q
			WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
			  AND NOT EXISTS (SELECT 1 FROM mail_queue o
			    WHERE o.status IN ('pending', 'sending') AND (o.status = 'sending' OR o.next_attempt_at <= $1)
			      AND split_part(o.key, ':', 2) = split_part(q.key, ':', 2) AND o.id < q.id)
			ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
		)
		UPDATE mail_queue m SET status = 'sending', attempts = m.attempts + 1, lease_owner = $2, next_attempt_at = $3
		FROM due WHERE m.id = due.id
		RETURNING m.id, m.key, m.attempts, due.status = 'sending'`, now, owner, leasedUntil).
		Scan(&c.ID, &c.Key, &c.Attempt, &c.Reclaimed)
	if errors.Is(err, pgx.ErrNoRows) {
		return Claim{}, false, nil
	}
	if err != nil {
		return Claim{}, false, fmt.Errorf("claim due e-mail: %w", err)
	}
	return c, true, nil
}

// Record stores an outcome. A plan (retry, failed, skipped) is stored
// only for the latest claim of the e-mail; "sent" is a fact, stored as
// long as no outcome has been, even after a late claim by another mailer
// (which then sends a duplicate: the case MinLease guards against).
func (q *PostgresQueue) Record(ctx context.Context, c Claim, o Outcome, at time.Time) error {
	var next *time.Time
	if o.Status == StatusPending {
		next = &o.NextAttempt
	}
	tag, err := q.pool.Exec(ctx, `UPDATE mail_queue SET status = $3, next_attempt_at = coalesce($4, next_attempt_at),
			last_error = $5, lease_owner = NULL, sent_at = CASE WHEN $3 = 'sent' THEN $6::timestamptz END
		WHERE id = $1 AND status = 'sending' AND (attempts = $2 OR $3 = 'sent')`,
		c.ID, c.Attempt, o.Status, next, nullable(o.Error), at)
	if err != nil {
		return fmt.Errorf("record e-mail %d: %w", c.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("record e-mail %d attempt %d: %w", c.ID, c.Attempt, ErrLeaseLost)
	}
	return nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Backlog counts the e-mails not sent yet (pending or being sent).
func (q *PostgresQueue) Backlog(ctx context.Context) (int, error) {
	var n int
	err := q.pool.QueryRow(ctx, `SELECT count(*) FROM mail_queue WHERE status IN ('pending', 'sending')`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count e-mails: %w", err)
	}
	return n, nil
}

// Prune forgets finished e-mails (sent, failed, skipped) queued before
// the horizon; a service's rows that reference them (ON DELETE CASCADE)
// go with them.
func (q *PostgresQueue) Prune(ctx context.Context, before time.Time) (int64, error) {
	tag, err := q.pool.Exec(ctx, `DELETE FROM mail_queue WHERE status IN ('sent', 'failed', 'skipped') AND created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("prune e-mails: %w", err)
	}
	return tag.RowsAffected(), nil
}
