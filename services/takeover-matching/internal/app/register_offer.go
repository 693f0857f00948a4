package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// RegisterOffer reacts to intake.takeover.offer_submitted: it registers
// exactly one offer per request, assigns the least loaded available
// advisor of the lead chamber; the offer waits for its advisor's vetting
// (VetOffer) before it meets searches.
type RegisterOffer struct {
	Registry Registry
	RegionOf takeover.RegionOf
	Matcher  takeover.Matcher
	Now      Clock
	NewID    NewID
}

// Handle registers the offer of a submitted request. A request routed to
// no chamber needs no offer and is acknowledged as is.
func (uc RegisterOffer) Handle(ctx context.Context, ev events.Event, p events.TakeoverOfferSubmitted) error {
	o, err := takeover.OfferFrom(p, uc.RegionOf)
	if errors.Is(err, takeover.ErrNoChamber) {
		return nil
	}
	if err != nil {
		return err
	}
	now := uc.Now()
	place := takeover.Place{Departement: o.Departement, Commune: o.CommuneCode, EPCI: o.EPCI}
	// No lookup: a submitted offer meets no search until its advisor vets
	// it (VetOffer).
	_, err = uc.Registry.RegisterOffer(ctx, ev, o, place, takeover.SearchQuery{}, now, func(candidates []takeover.AdvisorLoad, searches []takeover.Search) (OfferOutcome, error) {
		advisor, _ := takeover.ChooseAdvisor(candidates)
		id, err := uc.NewID()
		if err != nil {
			return OfferOutcome{}, err
		}
		offer, registered := o.Register(id, advisor, now)
		ev, err := events.New(Name, offer.ID, offer.Departement, registered, now)
		if err != nil {
			return OfferOutcome{}, err
		}
		out := OfferOutcome{Offer: offer, Events: []events.Event{ev}}
		for _, s := range searches {
			if err := proposeIfFit(&out.Matches, &out.Events, uc.Matcher, offer, s, uc.NewID, uc.Now); err != nil {
				return OfferOutcome{}, err
			}
		}
		return out, nil
	})
	if err != nil {
		return fmt.Errorf("register offer of request %s: %w", o.RequestID, err)
	}
	return nil
}

// proposeIfFit scores a pair and, when it fits, adds its match and event.
func proposeIfFit(matches *[]takeover.Match, evs *[]events.Event, m takeover.Matcher, o takeover.Offer, s takeover.Search,
	newID NewID, now Clock) error {
	fit, ok := m.Proposes(o, s)
	if !ok {
		return nil
	}
	id, err := newID()
	if err != nil {
		return err
	}
	match, proposed := takeover.Propose(id, o, s, fit, now())
	ev, err := events.New(Name, match.ID, o.Departement, proposed, match.ProposedAt)
	if err != nil {
		return err
	}
	*matches = append(*matches, match)
	*evs = append(*evs, ev)
	return nil
}
