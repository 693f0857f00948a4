package projection

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/pgdb"
)

// Counter reads the candidates of assignments and counts what they were
// given. Within a unit of work (a batch of events committed together) one
// Counter serves the whole batch: it reads the loads of a chamber and
// département once, adds the cases assigned so far to them, and writes
// the counts once before commit, in advisor order (AddCases), so that
// concurrent batches lock advisor rows briefly and always in the same
// order, and cannot deadlock. Outside a unit it serves one event and
// counts at once.
type Counter struct {
	batched  bool
	read     map[[2]string][]directory.Load
	assigned map[string]int
}

type counterKey struct{}

// CounterOf returns the Counter of the unit of work of ctx, or a new one
// for this event alone when ctx carries no unit.
func CounterOf(ctx context.Context) *Counter {
	f, batched := pgdb.Deferred(ctx, counterKey{}, func() pgdb.Flusher { return newCounter(true) })
	if !batched {
		return newCounter(false)
	}
	return f.(*Counter)
}

func newCounter(batched bool) *Counter {
	return &Counter{batched: batched, read: map[[2]string][]directory.Load{}, assigned: map[string]int{}}
}

// Loads returns Loads(chamber, departement) with the cases assigned so far
// in the batch added.
func (c *Counter) Loads(ctx context.Context, db DB, chamber, departement string) ([]directory.Load, error) {
	key := [2]string{chamber, departement}
	read, ok := c.read[key]
	if !ok {
		var err error
		if read, err = Loads(ctx, db, chamber, departement); err != nil {
			return nil, err
		}
		c.read[key] = read
	}
	out := slices.Clone(read)
	for i := range out {
		out[i].OpenCases += c.assigned[out[i].Advisor.AdvisorID]
	}
	return out, nil
}

// Assign counts a case for each advisor: before commit in a batch, at once
// outside one.
func (c *Counter) Assign(ctx context.Context, tx pgx.Tx, advisorIDs ...string) error {
	for _, id := range advisorIDs {
		c.assigned[id]++
	}
	if c.batched {
		return nil
	}
	return c.Flush(ctx, tx)
}

// Flush implements pgdb.Flusher: it writes the counts (AddCases).
func (c *Counter) Flush(ctx context.Context, tx pgx.Tx) error {
	err := AddCases(ctx, tx, c.assigned)
	clear(c.assigned)
	clear(c.read)
	return err
}
