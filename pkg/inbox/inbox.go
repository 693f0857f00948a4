// Package inbox makes event handlers idempotent: a handler records the
// (consumer, event id) pair in the same transaction as its writes, and a
// pair already present means the event was applied before.
package inbox

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/pgdb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations creates the inbox table in the service's schema.
func Migrations() pgdb.Migrations {
	return pgdb.Migrations{Name: "inbox", FS: migrations, Dir: "migrations"}
}

// ErrDuplicate reports an event the consumer has already applied.
var ErrDuplicate = errors.New("event already applied")

// Claim records that consumer applies event id within tx. It returns
// ErrDuplicate when the event was applied before: the caller rolls back and
// acknowledges.
func Claim(ctx context.Context, tx pgx.Tx, consumer, eventID string) error {
	tag, err := tx.Exec(ctx, `INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, consumer, eventID)
	if err != nil {
		return fmt.Errorf("claim event %s: %w", eventID, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrDuplicate
	}
	return nil
}

// Apply runs fn in a transaction that first claims the event for consumer.
// It reports applied=false, with no error, for a duplicate, which was
// skipped: the caller acks it and runs no after-commit action.
func Apply(ctx context.Context, pool *pgxpool.Pool, consumer string, ev events.Event, fn func(pgx.Tx) error) (applied bool, err error) {
	err = pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
		if err := Claim(ctx, tx, consumer, ev.ID); err != nil {
			return err
		}
		return fn(tx)
	})
	if errors.Is(err, ErrDuplicate) {
		return false, nil
	}
	return err == nil, err
}

// Prune forgets events applied before the retention horizon. Keep it longer
// than any redelivery or replay the consumer must absorb.
func Prune(ctx context.Context, pool *pgxpool.Pool, retention time.Duration) (int64, error) {
	tag, err := pool.Exec(ctx, `DELETE FROM inbox WHERE received_at < now() - $1::interval`, retention)
	if err != nil {
		return 0, fmt.Errorf("prune inbox: %w", err)
	}
	return tag.RowsAffected(), nil
}
