// Package outbox implements the transactional outbox: events are inserted in
// the caller's pgx transaction, with the trace context, and a relay in the
// same process publishes them to JetStream, awaits the PubAcks and marks them
// sent. The relay is woken in-process after commit and polls as a fallback;
// several replicas share the work through FOR UPDATE SKIP LOCKED.
package outbox

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/propagation"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/telemetry"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations creates the outbox table in the service's schema.
func Migrations() pgdb.Migrations {
	return pgdb.Migrations{Name: "outbox", FS: migrations, Dir: "migrations"}
}

// Add inserts events into the outbox within tx. The trace context of ctx is
// stored with each row, so the relay's publish joins the request's trace.
// The caller wakes the relay after commit (see Relay.Wake).
func Add(ctx context.Context, tx pgx.Tx, evs ...events.Event) error {
	trace := map[string][]string{}
	propagation.TraceContext{}.Inject(ctx, telemetry.HeaderCarrier(trace))
	for _, ev := range evs {
		h := ev.Headers()
		for k, v := range trace {
			h[k] = v
		}
		headers, err := json.Marshal(h)
		if err != nil {
			return fmt.Errorf("encode headers of %s: %w", ev.Type, err)
		}
		if _, err := tx.Exec(ctx,
			`INSERT INTO outbox (event_id, topic, headers, payload) VALUES ($1, $2, $3, $4)`,
			ev.ID, ev.Topic, headers, []byte(ev.Data)); err != nil {
			return fmt.Errorf("insert %s into outbox: %w", ev.Type, err)
		}
	}
	return nil
}

// Prune deletes rows sent before the retention horizon; the stream keeps the
// events themselves.
func Prune(ctx context.Context, pool *pgxpool.Pool, retention time.Duration) (int64, error) {
	tag, err := pool.Exec(ctx, `DELETE FROM outbox WHERE sent_at < now() - $1::interval`, retention)
	if err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Backlog counts rows not yet published (for the outbox backlog gauge).
func Backlog(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var n int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count outbox backlog: %w", err)
	}
	return n, nil
}
