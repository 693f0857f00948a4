package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// ExpireSearches closes the open or paused searches not renewed within
// TTL (takeover.search.status_changed to expired, by the system). Run by a
// periodic task on every replica.
type ExpireSearches struct {
	Searches Periodic
	TTL      time.Duration
	Now      Clock
	// Batch bounds the searches of one transaction (default 100).
	Batch int
}

// Run expires every search due, a batch at a time, and returns how many.
func (uc ExpireSearches) Run(ctx context.Context) (int, error) {
	now := uc.Now()
	return batches(uc.Batch, "expire searches", func(limit int) (int, error) {
		return uc.Searches.ExpireSearches(ctx, now.Add(-uc.TTL), limit, func(s takeover.Search) (SearchChange, error) {
			expired, change, ev, err := s.Expire(uc.TTL, now)
			if err != nil {
				return SearchChange{}, err
			}
			e, err := searchEvent(expired, ev, now)
			if err != nil {
				return SearchChange{}, err
			}
			return SearchChange{Search: expired, Change: change, Events: []events.Event{e}}, nil
		})
	})
}
