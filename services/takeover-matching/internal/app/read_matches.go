package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// VisibleMatch is a match with its offer as the reader sees it through
// that match (View is never access.None: the buyer's side sees a teaser
// until the introduction), its introduction and the steps the reader may
// take next.
type VisibleMatch struct {
	Match        takeover.Match
	Offer        takeover.Offer
	View         access.View
	Introduction takeover.Introduction
	Next         []string
	// Active is false once either side left the market (takeover.Active).
	Active bool
}

// ReadMatches serves proposed matches to the advisors who see one of their
// sides directly.
type ReadMatches struct {
	Files Files
}

// Of returns the matches of one offer (offerID) or, when offerID is empty,
// of one search that p may see. A reader who sees the side itself gets
// its list, even empty; one who sees none of its matches either gets
// ErrForbidden. ErrNotFound for an unknown side.
func (uc ReadMatches) Of(ctx context.Context, p auth.Principal, offerID, searchID string) ([]VisibleMatch, error) {
	var owners access.Owners
	var ms []takeover.Match
	var err error
	if offerID != "" {
		owners, ms, err = side(ctx, "offer", offerID, uc.Files.Offer, offerOwners, uc.Files.MatchesOfOffer)
	} else {
		owners, ms, err = side(ctx, "search", searchID, uc.Files.Search, searchOwners, uc.Files.MatchesOfSearch)
	}
	if err != nil {
		return nil, err
	}
	out, err := uc.visible(ctx, p, ms)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 && !access.Direct(p, owners) {
		return nil, ErrForbidden
	}
	return out, nil
}

// side reads one side of matches (what: offer or search) with get, and
// its matches: its owners and the matches, or ErrNotFound.
func side[T any](ctx context.Context, what, id string, get func(context.Context, string) (T, bool, error),
	owners func(T) access.Owners, matches func(context.Context, string) ([]takeover.Match, error)) (access.Owners, []takeover.Match, error) {
	v, err := byID(ctx, what, id, get)
	if err != nil {
		return access.Owners{}, nil, err
	}
	ms, err := matches(ctx, id)
	if err != nil {
		return access.Owners{}, nil, fmt.Errorf("read matches of %s %s: %w", what, id, err)
	}
	return owners(v), ms, nil
}

// Get returns one match, as the notifications of a proposed match link to
// it (by id alone): the same rule and view as one item of Of.
// ErrNoTakeoverRole for a reader who sees no takeover file, ErrNotFound,
// ErrForbidden.
func (uc ReadMatches) Get(ctx context.Context, p auth.Principal, id string) (VisibleMatch, error) {
	if !access.Consults(p) {
		return VisibleMatch{}, ErrNoTakeoverRole
	}
	m, err := byID(ctx, "match", id, uc.Files.Match)
	if err != nil {
		return VisibleMatch{}, err
	}
	out, err := uc.visible(ctx, p, []takeover.Match{m})
	if err != nil {
		return VisibleMatch{}, err
	}
	if len(out) == 0 {
		return VisibleMatch{}, ErrForbidden
	}
	return out[0], nil
}

// visible keeps the matches p may see, each with its offer as p may see it
// through that match.
func (uc ReadMatches) visible(ctx context.Context, p auth.Principal, ms []takeover.Match) ([]VisibleMatch, error) {
	out := []VisibleMatch{}
	offers := map[string]takeover.Offer{}
	searches := map[string]takeover.Search{}
	links, ins, err := linksOf(ctx, uc.Files, ms, matchSearchOwners)
	if err != nil {
		return nil, err
	}
	for i, m := range ms {
		if !access.Match(p, matchOfferOwners(m), matchSearchOwners(m)) {
			continue
		}
		o, ok := offers[m.OfferID]
		if !ok {
			var found bool
			var err error
			if o, found, err = uc.Files.Offer(ctx, m.OfferID); err != nil {
				return nil, fmt.Errorf("read offer %s of match %s: %w", m.OfferID, m.ID, err)
			} else if !found {
				return nil, fmt.Errorf("offer %s of match %s missing", m.OfferID, m.ID)
			}
			offers[m.OfferID] = o
		}
		s, err := cached(ctx, searches, "search", m.SearchID, uc.Files.Search)
		if err != nil {
			return nil, err
		}
		in := ins[m.ID]
		v := access.Offer(p, offerOwners(o), links[i:i+1])
		out = append(out, VisibleMatch{Match: m, Offer: o, View: v, Introduction: in, Next: in.NextSteps(p, m),
			Active: takeover.Active(o, s)})
	}
	return out, nil
}

// cached reads one side of a match (what) by id with get, once per id.
func cached[T any](ctx context.Context, seen map[string]T, what, id string, get func(context.Context, string) (T, bool, error)) (T, error) {
	if v, ok := seen[id]; ok {
		return v, nil
	}
	v, found, err := get(ctx, id)
	if err != nil {
		return v, fmt.Errorf("read %s %s of a match: %w", what, id, err)
	} else if !found {
		return v, fmt.Errorf("%s %s of a match missing", what, id)
	}
	seen[id] = v
	return v, nil
}
