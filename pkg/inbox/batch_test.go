package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestBatcher: a batch commits in one transaction; a failing event is
// reported alone while the others commit; after-commit actions run once,
// for committed work only; a duplicate within a batch is applied once.
func TestBatcher(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "creation_support")
	ctx, pool := setup(t, db)
	evs := []events.Event{event(t), event(t), event(t), event(t)}
	evs = append(evs, evs[1]) // the same event twice in one batch
	poison := evs[2].ID
	errPoison := natsbus.Permanent(errors.New("cannot apply"))

	var woken []string
	var txids = map[int64]bool{}
	handler := func(ctx context.Context, ev events.Event) error {
		_, err := inbox.Apply(ctx, pool, "creation-support", ev, func(tx pgx.Tx) error {
			var txid int64
			if err := tx.QueryRow(ctx, `SELECT txid_current()`).Scan(&txid); err != nil {
				return err
			}
			txids[txid] = true
			if _, err := tx.Exec(ctx, `INSERT INTO cases VALUES ($1, 'batch')`, ev.ID); err != nil {
				return err
			}
			if ev.ID == poison {
				return errPoison
			}
			return nil
		})
		if err == nil {
			pgdb.AfterCommit(ctx, func() { woken = append(woken, ev.ID) })
		}
		return err
	}
	items := make([]natsbus.Item, len(evs))
	for i, ev := range evs {
		items[i] = natsbus.Item{Ctx: ctx, Event: ev}
	}
	errs := inbox.Batcher{Pool: pool}.RunBatch(items, handler)

	for i, ev := range evs {
		want := 1
		if ev.ID == poison {
			want = 0
			if !errors.Is(errs[i], natsbus.ErrPermanent) {
				t.Errorf("poison event: err = %v, want its permanent error", errs[i])
			}
		} else if errs[i] != nil {
			t.Errorf("event %d: err = %v, want nil", i, errs[i])
		}
		if n := countCases(t, ctx, pool, ev); n != want {
			t.Errorf("event %d: %d cases, want %d", i, n, want)
		}
	}
	// First attempt (rolled back at the poison event), then one commit.
	if len(txids) != 2 {
		t.Errorf("handlers ran in %d transactions, want 2 (one rolled back, one committed)", len(txids))
	}
	// Wake-ups: one per applied event, none for the rolled-back attempt;
	// the duplicate's second copy is skipped by the inbox yet still acked.
	if len(woken) != 4 || woken[0] != evs[0].ID || woken[2] != evs[3].ID {
		t.Errorf("after-commit actions ran for %d events (%v), want the 3 distinct applied events and the skipped copy in order", len(woken), woken)
	}
}

// deferredCases inserts the cases of a batch in one statement when the
// unit flushes; the poison id makes that statement fail.
type deferredCases struct {
	ids    []string
	poison string
}

func (d *deferredCases) Flush(ctx context.Context, tx pgx.Tx) error {
	if slices.Contains(d.ids, d.poison) {
		return errors.New("cannot store the poison case")
	}
	_, err := tx.Exec(ctx, `INSERT INTO cases SELECT unnest($1::uuid[]), 'deferred'`, d.ids)
	return err
}

type deferredKey struct{}

// TestBatcherIsolatesAFailingDeferredWrite: when the batch's deferred
// write fails, which names no event, the batch is split until the event
// that makes it fail is alone: that event gets the error, every other
// commits once, and after-commit actions run for committed work only.
func TestBatcherIsolatesAFailingDeferredWrite(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "creation_support")
	ctx, pool := setup(t, db)
	var evs []events.Event
	for range 7 {
		evs = append(evs, event(t))
	}
	poison := evs[4].ID
	var woken []string
	handler := func(ctx context.Context, ev events.Event) error {
		f, ok := pgdb.Deferred(ctx, deferredKey{}, func() pgdb.Flusher { return &deferredCases{poison: poison} })
		if !ok {
			return errors.New("no unit of work")
		}
		f.(*deferredCases).ids = append(f.(*deferredCases).ids, ev.ID)
		pgdb.AfterCommit(ctx, func() { woken = append(woken, ev.ID) })
		return nil
	}
	items := make([]natsbus.Item, len(evs))
	for i, ev := range evs {
		items[i] = natsbus.Item{Ctx: ctx, Event: ev}
	}
	errs := inbox.Batcher{Pool: pool}.RunBatch(items, handler)

	for i, ev := range evs {
		want := 1
		if ev.ID == poison {
			want = 0
			if errs[i] == nil {
				t.Errorf("poison event: no error")
			}
		} else if errs[i] != nil {
			t.Errorf("event %d: err = %v, want nil", i, errs[i])
		}
		if n := countCases(t, ctx, pool, ev); n != want {
			t.Errorf("event %d: %d cases, want %d", i, n, want)
		}
	}
	if len(woken) != len(evs)-1 || slices.Contains(woken, poison) {
		t.Errorf("after-commit actions ran for %v, want every event but the poison one once", woken)
	}
}

// TestBatcherPlansForEachBatch: a batch's statements are planned for its
// own arrays (custom plans), not with a generic plan cached while the
// tables were small; the setting ends with the batch's transaction.
func TestBatcherPlansForEachBatch(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "creation_support")
	ctx, pool := setup(t, db)
	var inBatch string
	handler := func(ctx context.Context, _ events.Event) error {
		return pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&inBatch)
		})
	}
	errs := inbox.Batcher{Pool: pool}.RunBatch([]natsbus.Item{{Ctx: ctx, Event: event(t)}}, handler)
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	if inBatch != "force_custom_plan" {
		t.Errorf("plan_cache_mode in a batch = %q, want force_custom_plan", inBatch)
	}
	// Every connection of the pool is back to the server's default.
	conns := make([]*pgxpool.Conn, 0, pool.Config().MaxConns)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	for range pool.Config().MaxConns {
		c, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var after string
		if err := c.QueryRow(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after == "force_custom_plan" {
			t.Errorf("plan_cache_mode = %q after the batch, want the default back", after)
		}
	}
}

// TestBatcherReturnsAnOutageForTheWholeBatch: an outage met by one event's
// handler or by the deferred write is not that event's fault: every event
// gets the error, for the consumer to pause and run the batch again, and
// the batch is neither run again without it nor split.
func TestBatcherReturnsAnOutageForTheWholeBatch(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "creation_support")
	ctx, pool := setup(t, db)
	down := fmt.Errorf("open case: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"})
	for _, tc := range []struct {
		name     string
		deferred bool // the deferred write fails, not a handler
	}{{"handler", false}, {"deferred write", true}} {
		t.Run(tc.name, func(t *testing.T) {
			evs := []events.Event{event(t), event(t), event(t), event(t)}
			calls := 0
			handler := func(ctx context.Context, ev events.Event) error {
				calls++
				if tc.deferred {
					if _, ok := pgdb.Deferred(ctx, deferredKey{}, func() pgdb.Flusher { return failingFlush{down} }); !ok {
						return errors.New("no unit of work")
					}
					return nil
				}
				if ev.ID == evs[1].ID {
					return down
				}
				return nil
			}
			items := make([]natsbus.Item, len(evs))
			for i, ev := range evs {
				items[i] = natsbus.Item{Ctx: ctx, Event: ev}
			}
			errs := inbox.Batcher{Pool: pool}.RunBatch(items, handler)
			for i, err := range errs {
				if !errors.Is(err, down) {
					t.Errorf("event %d: err = %v, want the outage", i, err)
				}
			}
			want := 2 // up to the failing event, once
			if tc.deferred {
				want = len(evs) // every handler, then the flush, once
			}
			if calls != want {
				t.Errorf("handlers ran %d times, want %d (no retry without the event, no split)", calls, want)
			}
		})
	}
}

// failingFlush is a deferred write that meets an outage.
type failingFlush struct{ err error }

func (f failingFlush) Flush(context.Context, pgx.Tx) error { return f.err }
