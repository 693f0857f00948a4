package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// Completer stores the completion of a draft search: in one transaction
// (serialised with registrations, so that an offer registered meanwhile
// still meets it) it reads the search, runs decide with the open offers
// that may fit the completed criteria, and stores the search, the matches
// and their events. decide sees the search as stored.
type Completer interface {
	CompleteSearch(ctx context.Context, id string,
		decide func(s takeover.Search, offers OffersFor) (SearchOutcome, error)) (takeover.Search, error)
}

// CompleteSearch lets an advisor of the chamber that leads or shares a
// draft search complete its criteria; the search then opens and meets the
// open offers that fit.
type CompleteSearch struct {
	Searches  Completer
	RegionOf  takeover.RegionOf
	IsNAF     func(id string) bool
	IsCommune func(code string) bool
	Matcher   takeover.Matcher
	Now       Clock
	NewID     NewID
}

// Complete completes search id with c for p: ErrNoTakeoverRole,
// ErrNotFound, ErrForbidden (not p's chamber's), takeover.ErrNotDraft or
// takeover.InvalidCriteria.
func (uc CompleteSearch) Complete(ctx context.Context, p auth.Principal, id string, c takeover.Criteria) (takeover.Search, error) {
	if !access.Consults(p) {
		return takeover.Search{}, ErrNoTakeoverRole
	}
	if !validUUID(id) {
		return takeover.Search{}, ErrNotFound
	}
	now := uc.Now()
	s, err := uc.Searches.CompleteSearch(ctx, id, func(s takeover.Search, offers OffersFor) (SearchOutcome, error) {
		if !access.Direct(p, searchOwners(s)) {
			return SearchOutcome{}, ErrForbidden
		}
		done, err := s.Complete(c, uc.IsNAF, uc.IsCommune, uc.RegionOf, now)
		if err != nil {
			return SearchOutcome{}, err
		}
		candidates, err := offers(done, uc.Matcher.OfferLookup(done))
		if err != nil {
			return SearchOutcome{}, err
		}
		out := SearchOutcome{Search: done}
		for _, o := range candidates {
			if err := proposeIfFit(&out.Matches, &out.Events, uc.Matcher, o, done, uc.NewID, uc.Now); err != nil {
				return SearchOutcome{}, err
			}
		}
		return out, nil
	})
	var invalid takeover.InvalidCriteria
	switch {
	case errors.As(err, &invalid), errors.Is(err, ErrForbidden), errors.Is(err, ErrNotFound), errors.Is(err, takeover.ErrNotDraft):
		return takeover.Search{}, err
	case err != nil:
		return takeover.Search{}, fmt.Errorf("complete search %s: %w", id, err)
	}
	return s, nil
}
