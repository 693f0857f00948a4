package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// HandBackOffer is "pas pour moi": the offer's assigned advisor hands it
// back with a reason before taking it in charge, and it goes at once to
// the least loaded other available takeover advisor of its chamber
// covering the business's place, or to nobody
// (takeover.offer.reassigned): the desk restarts the reminders for the
// new advisor.
type HandBackOffer struct {
	Offers CareStore
	Now    Clock
}

// Do hands offer id back as p. Input errors come first (a
// *takeover.HandBackError), then access (ErrNoTakeoverRole, ErrNotFound,
// ErrForbidden, takeover.ErrNotAssignee), then the offer's state
// (takeover.ErrOffMarket, takeover.ErrTakenInCharge).
func (uc HandBackOffer) Do(ctx context.Context, p auth.Principal, id, reason, comment string) (takeover.Offer, error) {
	if !access.Consults(p) {
		return takeover.Offer{}, ErrNoTakeoverRole
	}
	now := uc.Now()
	h, err := takeover.NewHandBack(p.Subject, reason, comment, now)
	if err != nil {
		return takeover.Offer{}, err
	}
	if err := careInput(p, id); err != nil {
		return takeover.Offer{}, err
	}
	o, err := uc.Offers.CareOffer(ctx, id, func(o takeover.Offer, dir CareDirectory) (OfferCare, error) {
		if !access.Direct(p, offerOwners(o)) {
			return OfferCare{}, ErrForbidden
		}
		place := takeover.Place{Departement: o.Departement, Commune: o.CommuneCode, EPCI: o.EPCI}
		candidates, handedBack, err := nextAdvisors(ctx, dir, o.Chamber, place, now)
		if err != nil {
			return OfferCare{}, err
		}
		moved, ev, err := o.HandBack(p, h, candidates, handedBack)
		if err != nil {
			return OfferCare{}, err
		}
		e, err := offerEvent(moved, ev, now)
		return OfferCare{Offer: moved, HandBack: &h, Event: e}, err
	})
	return o, careFailed("hand offer "+id+" back", err)
}

// nextAdvisors reads who may get a handed-back offer or search, and who
// handed it back before.
func nextAdvisors(ctx context.Context, dir CareDirectory, chamber string, place takeover.Place, now time.Time) ([]takeover.AdvisorLoad, []string, error) {
	candidates, err := dir.Candidates(ctx, chamber, place, now)
	if err != nil {
		return nil, nil, err
	}
	handedBack, err := dir.HandedBack(ctx)
	return candidates, handedBack, err
}
