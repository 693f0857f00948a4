package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// VetOffer lets an offer's advisor (or a manager of its chambers) vet the
// seller's file and publish the teaser the seller accepts: the offer
// becomes a listing and meets the open searches that fit it.
type VetOffer struct {
	Offers  Lifecycle
	Matcher takeover.Matcher
	Now     Clock
	NewID   NewID
}

// Vet publishes offer id for p with v: ErrNoTakeoverRole, ErrNotFound,
// ErrForbidden (not its advisor nor a manager of its chambers),
// takeover.ErrNotSubmitted (vetted already) or takeover.InvalidCriteria.
func (uc VetOffer) Vet(ctx context.Context, p auth.Principal, id string, v takeover.Vetting) (takeover.Offer, error) {
	if !access.Consults(p) {
		return takeover.Offer{}, ErrNoTakeoverRole
	}
	if !validUUID(id) {
		return takeover.Offer{}, ErrNotFound
	}
	now := uc.Now()
	o, err := uc.Offers.ChangeOffer(ctx, id, func(o takeover.Offer, searches SearchesFor) (OfferChange, error) {
		if !access.Vets(p, offerOwners(o), o.AdvisorID) {
			return OfferChange{}, ErrForbidden
		}
		published, change, ev, err := o.Vet(v, p.Subject, now)
		if err != nil {
			return OfferChange{}, err
		}
		e, err := offerEvent(published, ev, now)
		if err != nil {
			return OfferChange{}, err
		}
		out := OfferChange{Offer: published, Change: change, Events: []events.Event{e}}
		return out, matchOffer(&out, uc.Matcher, searches, uc.NewID, uc.Now)
	})
	return o, passThrough("vet offer "+id, err)
}
