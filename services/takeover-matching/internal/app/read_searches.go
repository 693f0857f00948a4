package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// ReadSearches serves buyers' searches to the advisors the access rules let
// see them (a search holds codes and bands only: there is no teaser).
type ReadSearches struct {
	Files Files
	// Private reads the history, for the search's own chambers (none
	// when nil).
	Private Lifecycle
}

// Get returns the search: ErrNotFound, or ErrForbidden when p sees it
// neither directly nor through a match with an offer they see directly.
// The search's matches are read only when p does not see it directly.
func (uc ReadSearches) Get(ctx context.Context, p auth.Principal, id string) (takeover.Search, error) {
	s, err := byID(ctx, "search", id, uc.Files.Search)
	if err != nil {
		return takeover.Search{}, err
	}
	if access.Direct(p, searchOwners(s)) {
		if uc.Private == nil {
			return s, nil
		}
		s.History, err = uc.Private.History(ctx, "", s.ID)
		return s, err
	}
	ms, err := uc.Files.MatchesOfSearch(ctx, s.ID)
	if err != nil {
		return takeover.Search{}, fmt.Errorf("read matches of search %s: %w", s.ID, err)
	}
	owners := make([]access.Owners, len(ms))
	for i, m := range ms {
		owners[i] = matchOfferOwners(m)
	}
	if !access.Search(p, searchOwners(s), owners) {
		return takeover.Search{}, ErrForbidden
	}
	links, _, err := linksOf(ctx, uc.Files, ms, matchOfferOwners)
	if err != nil {
		return takeover.Search{}, err
	}
	if !access.SearchRequest(p, searchOwners(s), links) {
		s.RequestID = "" // the seller's side learns it from the introduction on
	}
	return s, nil
}

// List returns a page of the searches f keeps, after the search id after
// and at most limit, with the id the next page starts after (the last one
// read): those p's chamber leads or shares, or on the marketplace
// (f.Market) the open searches of both chambers, without the intake
// request of those p does not see directly (the seller's side learns it
// from an introduction). ErrNoTakeoverRole for a reader who sees no
// takeover file.
func (uc ReadSearches) List(ctx context.Context, p auth.Principal, f takeover.ListFilter, after string, limit int) ([]takeover.Search, string, error) {
	ss, views, next, err := page(ctx, p, "searches", f, after, limit, uc.Files.Searches,
		func(s takeover.Search) (string, access.Owners) { return s.ID, searchOwners(s) })
	for i := range ss {
		if views[i] != access.Full {
			ss[i].RequestID = ""
		}
	}
	return ss, next, err
}
