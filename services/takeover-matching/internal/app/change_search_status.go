package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// ChangeSearchStatus lets the advisors of a search's chambers pause,
// reopen, withdraw or conclude it. A search no longer open meets no new
// listing; reopened (an expired one too, which renews it), it is matched
// again with the listings it has not met.
type ChangeSearchStatus struct {
	Searches Lifecycle
	Matcher  takeover.Matcher
	Now      Clock
	NewID    NewID
}

// Change moves search id to to for p, with an optional note:
// ErrNoTakeoverRole, ErrNotFound, ErrForbidden or takeover.ErrTransition.
func (uc ChangeSearchStatus) Change(ctx context.Context, p auth.Principal, id, to, reason string) (takeover.Search, error) {
	if !access.Consults(p) {
		return takeover.Search{}, ErrNoTakeoverRole
	}
	if !validUUID(id) {
		return takeover.Search{}, ErrNotFound
	}
	now := uc.Now()
	s, err := uc.Searches.ChangeSearch(ctx, id, func(s takeover.Search, offers OffersFor) (SearchChange, error) {
		if !access.Acts(p, searchOwners(s)) {
			return SearchChange{}, ErrForbidden
		}
		moved, change, ev, err := s.Move(to, p.Subject, reason, now)
		if err != nil {
			return SearchChange{}, err
		}
		e, err := searchEvent(moved, ev, now)
		if err != nil {
			return SearchChange{}, err
		}
		out := SearchChange{Search: moved, Change: change, Events: []events.Event{e}}
		if !moved.Matched() {
			return out, nil
		}
		return out, matchSearch(&out, uc.Matcher, offers, uc.NewID, uc.Now)
	})
	return s, passThrough("change status of search "+id, err)
}
