package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// RegisterSearch reacts to intake.takeover.search_submitted: it registers
// exactly one search per request, assigns the least loaded available
// advisor of the lead chamber, and proposes a match with every open offer
// that fits well enough.
type RegisterSearch struct {
	Registry Registry
	RegionOf takeover.RegionOf
	Matcher  takeover.Matcher
	Now      Clock
	NewID    NewID
}

// Handle registers the search of a submitted request. A request routed to
// no chamber needs no search and is acknowledged as is.
func (uc RegisterSearch) Handle(ctx context.Context, ev events.Event, p events.TakeoverSearchSubmitted) error {
	s, err := takeover.SearchFrom(p, uc.RegionOf)
	if errors.Is(err, takeover.ErrNoChamber) {
		return nil
	}
	if err != nil {
		return err
	}
	now := uc.Now()
	_, err = uc.Registry.RegisterSearch(ctx, ev, s, s.Place(), uc.Matcher.OfferLookup(s), now, func(candidates []takeover.AdvisorLoad, offers []takeover.Offer) (SearchOutcome, error) {
		advisor, _ := takeover.ChooseAdvisor(candidates)
		id, err := uc.NewID()
		if err != nil {
			return SearchOutcome{}, err
		}
		search, registered := s.Register(id, advisor, now)
		ev, err := events.New(Name, search.ID, search.Territory(), registered, now)
		if err != nil {
			return SearchOutcome{}, err
		}
		out := SearchOutcome{Search: search, Events: []events.Event{ev}}
		for _, o := range offers {
			if err := proposeIfFit(&out.Matches, &out.Events, uc.Matcher, o, search, uc.NewID, uc.Now); err != nil {
				return SearchOutcome{}, err
			}
		}
		return out, nil
	})
	if err != nil {
		return fmt.Errorf("register search of request %s: %w", s.RequestID, err)
	}
	return nil
}
