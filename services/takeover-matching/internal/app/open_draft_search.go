package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// OpenDraftSearch reacts to creation.case.redirected_to_takeover: the
// project holder would rather take over a business, so a draft buyer
// search opens for the same request, with the project's activity and
// commune, assigned to the least loaded takeover advisor of the chamber.
// A draft meets no offer until its advisor completes it (CompleteSearch).
type OpenDraftSearch struct {
	Registry Registry
	RegionOf takeover.RegionOf
	Now      Clock
	NewID    NewID
}

// Handle opens the draft; a repeat of the event opens nothing (the inbox,
// and one search per request).
func (uc OpenDraftSearch) Handle(ctx context.Context, ev events.Event, p events.CreationCaseRedirectedToTakeover) error {
	s := takeover.DraftSearchFrom(p, uc.RegionOf)
	now := uc.Now()
	_, err := uc.Registry.RegisterSearch(ctx, ev, s, s.Place(), takeover.OfferQuery{}, now, func(candidates []takeover.AdvisorLoad, _ []takeover.Offer) (SearchOutcome, error) {
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
		return SearchOutcome{Search: search, Events: []events.Event{ev}}, nil
	})
	if err != nil {
		return fmt.Errorf("open draft search of creation case %s: %w", p.CaseID, err)
	}
	return nil
}
