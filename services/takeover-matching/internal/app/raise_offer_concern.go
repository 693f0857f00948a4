package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// OfferConcern is what raising a concern about an offer decided: the
// concern, and, when it is a new one (Raised), its event. A concern the
// day already had is answered as it is, with nothing to store.
type OfferConcern struct {
	Concern takeover.Concern
	Raised  bool
	Event   events.Event
}

// ConcernStore keeps the concerns raised about offers. RaiseConcern runs
// decide in one transaction with the offer's row locked, given the
// concern raised about it on the UTC day of now (nil when none); when
// decide says Raised it stores the concern and its event in the outbox,
// else nothing. An unknown id is ErrNotFound; nothing is stored when
// decide fails.
type ConcernStore interface {
	RaiseConcern(ctx context.Context, offerID string, now time.Time,
		decide func(o takeover.Offer, today *takeover.Concern) (OfferConcern, error)) (OfferConcern, error)
}

// ConcernReader reads the concerns raised about an offer, newest first.
type ConcernReader interface {
	Concerns(ctx context.Context, offerID string) ([]takeover.Concern, error)
}

// RaiseOfferConcern is an advisor or a manager of an offer's chambers
// saying the business for sale looks in difficulty
// (takeover.offer.difficulty_seen): difficulty-alert opens a prevention
// case the chambers' prevention cells call back.
type RaiseOfferConcern struct {
	Concerns ConcernStore
	Now      Clock
	NewID    NewID
}

// Do raises a concern about offer id as p, having seen kinds. raised is
// false when the UTC day already had its concern, which is returned
// as it is (nothing stored, nothing emitted). ErrNoTakeoverRole,
// ErrNotFound, ErrForbidden (not an advisor or manager of the offer's
// chambers), takeover.ErrOffMarket or a *takeover.ConcernError.
func (uc RaiseOfferConcern) Do(ctx context.Context, p auth.Principal, id string, kinds []string) (c takeover.Concern, raised bool, err error) {
	if err := careInput(p, id); err != nil {
		return takeover.Concern{}, false, err
	}
	now := uc.Now()
	out, err := uc.Concerns.RaiseConcern(ctx, id, now, func(o takeover.Offer, today *takeover.Concern) (OfferConcern, error) {
		if !access.Direct(p, offerOwners(o)) {
			return OfferConcern{}, ErrForbidden
		}
		cid, err := uc.NewID()
		if err != nil {
			return OfferConcern{}, err
		}
		// Checked before the day's concern is answered: a bad input or
		// an offer off the market is told so every time.
		c, ev, err := o.RaiseConcern(p, kinds, cid, now)
		switch {
		case err != nil:
			return OfferConcern{}, err
		case today != nil && today.SameDay(now):
			return OfferConcern{Concern: *today}, nil
		}
		e, err := offerEvent(o, ev, now)
		return OfferConcern{Concern: c, Raised: true, Event: e}, err
	})
	var invalid *takeover.ConcernError
	switch {
	case err == nil:
		return out.Concern, out.Raised, nil
	case errors.As(err, &invalid), errors.Is(err, ErrForbidden), errors.Is(err, ErrNotFound), errors.Is(err, takeover.ErrOffMarket):
		return takeover.Concern{}, false, err
	}
	return takeover.Concern{}, false, fmt.Errorf("raise a concern about offer %s: %w", id, err)
}
