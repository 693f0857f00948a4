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
	entries := make([]Entry, len(evs))
	for i, ev := range evs {
		entries[i] = Entry{Ctx: ctx, Event: ev}
	}
	return AddEntries(ctx, tx, entries)
}

// Entry is an event with the context whose trace its row carries: the
// events of a batch each belong to the trace of their own trigger.
type Entry struct {
	Ctx   context.Context
	Event events.Event
}

// AddEntries inserts the entries into the outbox within tx in one
// statement, in order (the relay publishes by id), each row with the trace
// context of its entry's Ctx. The caller wakes the relay after commit.
func AddEntries(ctx context.Context, tx pgx.Tx, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	args, err := rowsOf(entries)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, insertSQL, args...); err != nil {
		return fmt.Errorf("insert %d events into outbox: %w", len(entries), err)
	}
	return nil
}

// Queue queues the insert of evs, with the trace context of ctx, in batch,
// which the caller sends in its transaction: a write and its events then
// reach Postgres in one round trip. The caller wakes the relay after
// commit.
func Queue(ctx context.Context, batch *pgx.Batch, evs ...events.Event) error {
	if len(evs) == 0 {
		return nil
	}
	entries := make([]Entry, len(evs))
	for i, ev := range evs {
		entries[i] = Entry{Ctx: ctx, Event: ev}
	}
	args, err := rowsOf(entries)
	if err != nil {
		return err
	}
	batch.Queue(insertSQL, args...)
	return nil
}

const insertSQL = `INSERT INTO outbox (event_id, topic, headers, payload)
	SELECT i, t, h, p FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::bytea[]) WITH ORDINALITY AS r(i, t, h, p, n)
	ORDER BY n`

// rowsOf returns the arguments of insertSQL for entries.
func rowsOf(entries []Entry) ([]any, error) {
	ids, topics := make([]string, len(entries)), make([]string, len(entries))
	headers, payloads := make([][]byte, len(entries)), make([][]byte, len(entries))
	for i, e := range entries {
		h, err := traced(e.Ctx, e.Event)
		if err != nil {
			return nil, err
		}
		ids[i], topics[i], headers[i], payloads[i] = e.Event.ID, e.Event.Topic, h, []byte(e.Event.Data)
	}
	return []any{ids, topics, headers, payloads}, nil
}

// traced encodes the headers of ev with the trace context of ctx.
func traced(ctx context.Context, ev events.Event) ([]byte, error) {
	h := ev.Headers()
	propagation.TraceContext{}.Inject(ctx, telemetry.HeaderCarrier(h))
	headers, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode headers of %s: %w", ev.Type, err)
	}
	return headers, nil
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

// Waker is told after a commit that wrote outbox rows, so that the relay
// publishes them at once instead of at its next poll (*Relay is one).
type Waker interface{ Wake() }
