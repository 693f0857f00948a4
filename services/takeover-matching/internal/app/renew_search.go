package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// RenewSearch lets the advisors of a search's chambers renew an open or
// paused search: its expiry counts again from now. No event: nothing
// changes for the other side.
type RenewSearch struct {
	Searches Lifecycle
	Now      Clock
}

// Renew renews search id for p: ErrNoTakeoverRole, ErrNotFound,
// ErrForbidden or takeover.ErrTransition (neither open nor paused).
func (uc RenewSearch) Renew(ctx context.Context, p auth.Principal, id string) (takeover.Search, error) {
	if !access.Consults(p) {
		return takeover.Search{}, ErrNoTakeoverRole
	}
	if !validUUID(id) {
		return takeover.Search{}, ErrNotFound
	}
	now := uc.Now()
	s, err := uc.Searches.ChangeSearch(ctx, id, func(s takeover.Search, _ OffersFor) (SearchChange, error) {
		if !access.Acts(p, searchOwners(s)) {
			return SearchChange{}, ErrForbidden
		}
		renewed, err := s.Renew(now)
		return SearchChange{Search: renewed}, err
	})
	return s, passThrough("renew search "+id, err)
}
