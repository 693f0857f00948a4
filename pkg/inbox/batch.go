package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
)

// Batcher commits a batch of events in one transaction: each handler runs
// with the batch's unit of work in its context, so its InTx (and Apply)
// joins the shared transaction, and its AfterCommit actions wait for the
// commit. One commit for many events is what lets a consumer keep up with
// bursts; under light load a batch is a single event.
//
// Writes a handler deferred (pgdb.Deferred) are made once, before commit.
//
// A handler that fails makes the batch roll back; the batch is then run
// again without that event, which is reported with its error (and so
// retried or dead-lettered alone). Handlers must therefore keep their
// effects inside the transaction or behind AfterCommit.
//
// A deferred write that fails names no event: the batch is then split in
// halves run apart, down to the one event whose write fails, which alone
// gets the error. A handler may so defer per-event work to one set-based
// write per batch and still have a poison event isolated.
//
// An outage (Postgres or NATS not answering, see outage) is nobody's
// fault: it is returned for every pending event, with no retry here, and
// the consumer pauses and runs the batch again. Leaving an event out or
// splitting the batch would multiply the attempts while the database is
// down, and blame events for it.
type Batcher struct {
	Pool *pgxpool.Pool
}

var _ natsbus.BatchRunner = Batcher{}

// RunBatch implements natsbus.BatchRunner.
func (b Batcher) RunBatch(items []natsbus.Item, h natsbus.Handler) []error {
	errs := make([]error, len(items))
	pending := make([]int, len(items))
	for i := range pending {
		pending[i] = i
	}
	b.run(items, pending, h, errs)
	return errs
}

// run commits the pending items, leaving out those whose handler fails and
// splitting the batch when a deferred write fails.
func (b Batcher) run(items []natsbus.Item, pending []int, h natsbus.Handler, errs []error) {
	for len(pending) > 0 {
		failed, err := b.attempt(items, pending, h)
		var flushErr flushError
		switch {
		case outage(err):
			for _, i := range pending {
				errs[i] = err
			}
		case failed >= 0:
			errs[pending[failed]] = err
			pending = append(pending[:failed:failed], pending[failed+1:]...)
			continue
		case errors.As(err, &flushErr) && len(pending) > 1:
			half := len(pending) / 2
			b.run(items, pending[:half:half], h, errs)
			b.run(items, pending[half:], h, errs)
		default:
			for _, i := range pending {
				errs[i] = err // nil when committed
			}
		}
		return
	}
}

// outage tells an error that no event caused, which the consumer's pause
// handles for the whole batch.
func outage(err error) bool {
	return err != nil && !errors.Is(err, natsbus.ErrPermanent) && (pgdb.IsOutage(err) || natsbus.IsOutage(err))
}

// batchTx begins a batch's transaction with custom plans only, in the
// same round trip. A batch reads and writes sets of rows joined to arrays
// (unnest, = ANY); the generic plan Postgres caches for such a prepared
// statement is costed for an array of unknown length against the table's
// size when it was planned, so a plan made while the table was small (a
// fresh database, tables not yet analysed) hash-joins a sequential scan,
// and keeps doing so as the table grows: measured 51 million rows read by
// 5,000 batches of advisor-desk's reminder changes in a 30 s bench. A
// custom plan sees each batch's array and the table's current size.
var batchTx = pgx.TxOptions{BeginQuery: "BEGIN; SET LOCAL plan_cache_mode = force_custom_plan"}

// flushError is the failure of a batch's deferred writes.
type flushError struct{ err error }

func (e flushError) Error() string { return "flush batch: " + e.err.Error() }
func (e flushError) Unwrap() error { return e.err }

// attempt runs the pending items in one transaction. It returns the index
// (in pending) of the first item that failed, with its error, or -1 with
// the commit's outcome.
func (b Batcher) attempt(items []natsbus.Item, pending []int, h natsbus.Handler) (int, error) {
	ctx := items[pending[0]].Ctx
	tx, err := b.Pool.BeginTx(ctx, batchTx)
	if err != nil {
		return -1, fmt.Errorf("begin batch: %w", err)
	}
	unit := pgdb.NewUnit(tx)
	for n, i := range pending {
		if err := h(unit.Context(items[i].Ctx), items[i].Event); err != nil {
			// A failed rollback means a broken connection, which the pool
			// drops; the next attempt takes another.
			_ = tx.Rollback(context.WithoutCancel(ctx))
			return n, err
		}
	}
	if err := unit.Flush(ctx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return -1, flushError{err}
	}
	if err := tx.Commit(ctx); err != nil {
		return -1, fmt.Errorf("commit batch: %w", err)
	}
	unit.Committed()
	return -1, nil
}
