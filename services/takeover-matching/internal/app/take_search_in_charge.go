package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// TakeSearchInCharge is the search's assigned advisor saying they take it
// in charge (takeover.search.taken_in_charge): the desk stops reminding
// them.
type TakeSearchInCharge struct {
	Searches CareStore
	Now      Clock
}

// Do takes search id in charge as p: ErrNoTakeoverRole, ErrNotFound,
// ErrForbidden (not the search's chambers), takeover.ErrNotAssignee,
// takeover.ErrOffMarket or takeover.ErrTakenInCharge.
func (uc TakeSearchInCharge) Do(ctx context.Context, p auth.Principal, id string) (takeover.Search, error) {
	if err := careInput(p, id); err != nil {
		return takeover.Search{}, err
	}
	now := uc.Now()
	done, err := uc.Searches.CareSearch(ctx, id, func(s takeover.Search, _ CareDirectory) (SearchCare, error) {
		if !access.Direct(p, searchOwners(s)) {
			return SearchCare{}, ErrForbidden
		}
		taken, ev, err := s.TakeInCharge(p, now)
		if err != nil {
			return SearchCare{}, err
		}
		e, err := searchEvent(taken, ev, now)
		return SearchCare{Search: taken, Event: e}, err
	})
	return done, careFailed("take search "+id+" in charge", err)
}
