package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// HandBackSearch is "pas pour moi" for a buyer's search, as HandBackOffer:
// it goes to the least loaded other available takeover advisor of its
// chamber covering the place the search names first, or to nobody
// (takeover.search.reassigned).
type HandBackSearch struct {
	Searches CareStore
	Now      Clock
}

// Do hands search id back as p, with the errors of HandBackOffer.Do.
func (uc HandBackSearch) Do(ctx context.Context, p auth.Principal, id, reason, comment string) (takeover.Search, error) {
	if !access.Consults(p) {
		return takeover.Search{}, ErrNoTakeoverRole
	}
	now := uc.Now()
	h, err := takeover.NewHandBack(p.Subject, reason, comment, now)
	if err != nil {
		return takeover.Search{}, err
	}
	if err := careInput(p, id); err != nil {
		return takeover.Search{}, err
	}
	done, err := uc.Searches.CareSearch(ctx, id, func(s takeover.Search, dir CareDirectory) (SearchCare, error) {
		if !access.Direct(p, searchOwners(s)) {
			return SearchCare{}, ErrForbidden
		}
		candidates, handedBack, err := nextAdvisors(ctx, dir, s.Chamber, s.Place(), now)
		if err != nil {
			return SearchCare{}, err
		}
		moved, ev, err := s.HandBack(p, h, candidates, handedBack)
		if err != nil {
			return SearchCare{}, err
		}
		e, err := searchEvent(moved, ev, now)
		return SearchCare{Search: moved, HandBack: &h, Event: e}, err
	})
	return done, careFailed("hand search "+id+" back", err)
}
