package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// TakeOfferInCharge is the offer's assigned advisor saying they take it
// in charge (takeover.offer.taken_in_charge): the desk stops reminding
// them.
type TakeOfferInCharge struct {
	Offers CareStore
	Now    Clock
}

// Do takes offer id in charge as p: ErrNoTakeoverRole, ErrNotFound,
// ErrForbidden (not the offer's chambers), takeover.ErrNotAssignee,
// takeover.ErrOffMarket or takeover.ErrTakenInCharge.
func (uc TakeOfferInCharge) Do(ctx context.Context, p auth.Principal, id string) (takeover.Offer, error) {
	if err := careInput(p, id); err != nil {
		return takeover.Offer{}, err
	}
	now := uc.Now()
	o, err := uc.Offers.CareOffer(ctx, id, func(o takeover.Offer, _ CareDirectory) (OfferCare, error) {
		if !access.Direct(p, offerOwners(o)) {
			return OfferCare{}, ErrForbidden
		}
		taken, ev, err := o.TakeInCharge(p, now)
		if err != nil {
			return OfferCare{}, err
		}
		e, err := offerEvent(taken, ev, now)
		return OfferCare{Offer: taken, Event: e}, err
	})
	return o, careFailed("take offer "+id+" in charge", err)
}
