package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// ReadOffers serves seller offers to the advisors the access rules let see
// them, each as much as they may see of it.
type ReadOffers struct {
	Files Files
	// Private reads the vetted file and the history, for the offer's own
	// chambers (none when nil).
	Private Lifecycle
	// Concerns reads the concerns raised about the business, for the
	// offer's own chambers (none when nil).
	Concerns ConcernReader
}

// Get returns the offer and how much of it p sees (never access.None):
// ErrNotFound, or ErrForbidden when p sees it neither directly nor through
// a match. The offer's matches are read only when p does not see it
// directly.
func (uc ReadOffers) Get(ctx context.Context, p auth.Principal, id string) (takeover.Offer, access.View, error) {
	o, err := byID(ctx, "offer", id, uc.Files.Offer)
	if err != nil {
		return takeover.Offer{}, access.None, err
	}
	v, err := offerVisibility(ctx, uc.Files, p, o)
	if err != nil {
		return takeover.Offer{}, access.None, err
	}
	if v == access.None {
		return takeover.Offer{}, access.None, ErrForbidden
	}
	if access.Direct(p, offerOwners(o)) {
		return uc.withPrivate(ctx, o, v)
	}
	return o, v, nil
}

// VisibleOffer is an offer of a list and how much of it its reader sees.
type VisibleOffer struct {
	Offer takeover.Offer
	View  access.View
}

// List returns a page of the offers f keeps, after the offer id after and
// at most limit, with the id the next page starts after (the last one
// read): those p's chamber leads or shares, whole, or on the marketplace
// (f.Market) the published listings of both chambers, each as
// access.Market lets p see it. ErrNoTakeoverRole for a reader who sees no
// takeover file.
func (uc ReadOffers) List(ctx context.Context, p auth.Principal, f takeover.ListFilter, after string, limit int) ([]VisibleOffer, string, error) {
	os, views, next, err := page(ctx, p, "offers", f, after, limit, uc.Files.Offers,
		func(o takeover.Offer) (string, access.Owners) { return o.ID, offerOwners(o) })
	out := make([]VisibleOffer, len(os))
	for i, o := range os {
		out[i] = VisibleOffer{Offer: o, View: views[i]}
	}
	return out, next, err
}

// offerVisibility applies the rule, reading the offer's matches and their
// introductions only when the reader does not see it directly.
func offerVisibility(ctx context.Context, files Files, p auth.Principal, o takeover.Offer) (access.View, error) {
	if access.Direct(p, offerOwners(o)) {
		return access.Full, nil
	}
	ms, err := files.MatchesOfOffer(ctx, o.ID)
	if err != nil {
		return access.None, fmt.Errorf("read matches of offer %s: %w", o.ID, err)
	}
	links, _, err := linksOf(ctx, files, ms, matchSearchOwners)
	if err != nil {
		return access.None, err
	}
	return access.Offer(p, offerOwners(o), links), nil
}

// withPrivate adds the vetted file, the history and the concerns raised
// to an offer its reader sees as one of its own chambers: never to the
// buyer's side, even once introduced.
func (uc ReadOffers) withPrivate(ctx context.Context, o takeover.Offer, v access.View) (takeover.Offer, access.View, error) {
	if uc.Private != nil {
		f, err := uc.Private.OfferFile(ctx, o.ID)
		if err != nil {
			return takeover.Offer{}, access.None, err
		}
		h, err := uc.Private.History(ctx, o.ID, "")
		if err != nil {
			return takeover.Offer{}, access.None, err
		}
		o.File, o.History = f, h
	}
	if uc.Concerns != nil {
		cs, err := uc.Concerns.Concerns(ctx, o.ID)
		if err != nil {
			return takeover.Offer{}, access.None, err
		}
		o.Concerns = cs
	}
	return o, v, nil
}
