package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// Periodic finds the listings and searches the periodic jobs act on.
type Periodic interface {
	// AskReviews locks up to limit published or paused listings neither
	// changed nor asked for review since dueBy (those another replica
	// holds are skipped), runs ask on each, and stores the events with
	// the mark of the ask at now, in one transaction. It returns how many
	// were asked.
	AskReviews(ctx context.Context, dueBy, now time.Time, limit int, ask func(o takeover.Offer) (events.Event, error)) (int, error)
	// ExpireSearches locks up to limit open or paused searches whose
	// period began on or before validBefore (skipping those another
	// replica holds), runs expire on each, and stores the changes and
	// events in one transaction. It returns how many expired.
	ExpireSearches(ctx context.Context, validBefore time.Time, limit int, expire func(s takeover.Search) (SearchChange, error)) (int, error)
}

// defaultBatch bounds the rows of one job transaction.
const defaultBatch = 100

// RemindListingReviews asks the advisor of each listing left unchanged
// for takeover.ReviewPeriod to review it (takeover.offer.review_due;
// advisor-desk notifies), once per period. Run by a periodic task on
// every replica.
type RemindListingReviews struct {
	Offers Periodic
	Now    Clock
	// Batch bounds the listings of one transaction (default 100).
	Batch int
}

// Run asks every review due, a batch at a time, and returns how many.
func (uc RemindListingReviews) Run(ctx context.Context) (int, error) {
	now := uc.Now()
	return batches(uc.Batch, "remind listing reviews", func(limit int) (int, error) {
		return uc.Offers.AskReviews(ctx, now.Add(-takeover.ReviewPeriod), now, limit, func(o takeover.Offer) (events.Event, error) {
			return offerEvent(o, o.ReviewDueEvent(now), now)
		})
	})
}

// batches runs one batch after another until one comes back short (the
// rest, if any, are held by another replica).
func batches(batch int, what string, run func(limit int) (int, error)) (int, error) {
	if batch <= 0 {
		batch = defaultBatch
	}
	total := 0
	for {
		n, err := run(batch)
		if err != nil {
			return total, fmt.Errorf("%s: %w", what, err)
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}
