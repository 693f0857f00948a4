package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// ChangeOfferStatus lets the advisors of an offer's chambers pause,
// republish, withdraw or conclude it. A listing no longer published meets
// no new search (its matches show inactive); republished, it is matched
// again with the searches it has not met.
type ChangeOfferStatus struct {
	Offers  Lifecycle
	Matcher takeover.Matcher
	Now     Clock
	NewID   NewID
}

// Change moves offer id to to for p, with an optional note:
// ErrNoTakeoverRole, ErrNotFound, ErrForbidden or takeover.ErrTransition.
func (uc ChangeOfferStatus) Change(ctx context.Context, p auth.Principal, id, to, reason string) (takeover.Offer, error) {
	if !access.Consults(p) {
		return takeover.Offer{}, ErrNoTakeoverRole
	}
	if !validUUID(id) {
		return takeover.Offer{}, ErrNotFound
	}
	now := uc.Now()
	o, err := uc.Offers.ChangeOffer(ctx, id, func(o takeover.Offer, searches SearchesFor) (OfferChange, error) {
		if !access.Acts(p, offerOwners(o)) {
			return OfferChange{}, ErrForbidden
		}
		moved, change, ev, err := o.Move(to, p.Subject, reason, now)
		if err != nil {
			return OfferChange{}, err
		}
		e, err := offerEvent(moved, ev, now)
		if err != nil {
			return OfferChange{}, err
		}
		out := OfferChange{Offer: moved, Change: change, Events: []events.Event{e}}
		if !moved.Matched() {
			return out, nil
		}
		return out, matchOffer(&out, uc.Matcher, searches, uc.NewID, uc.Now)
	})
	return o, passThrough("change status of offer "+id, err)
}
