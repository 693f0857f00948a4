package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// LifecycleActions gathers the use cases that change offers and searches,
// as the API calls them.
type LifecycleActions struct {
	VetOffer     VetOffer
	OfferStatus  ChangeOfferStatus
	SearchStatus ChangeSearchStatus
	RenewSearch  RenewSearch
}

// NewLifecycleActions wires the four use cases over one store.
func NewLifecycleActions(store Lifecycle, m takeover.Matcher, now Clock, newID NewID) LifecycleActions {
	return LifecycleActions{VetOffer: VetOffer{Offers: store, Matcher: m, Now: now, NewID: newID},
		OfferStatus:  ChangeOfferStatus{Offers: store, Matcher: m, Now: now, NewID: newID},
		SearchStatus: ChangeSearchStatus{Searches: store, Matcher: m, Now: now, NewID: newID},
		RenewSearch:  RenewSearch{Searches: store, Now: now}}
}

// Vet is VetOffer.Vet.
func (a LifecycleActions) Vet(ctx context.Context, p auth.Principal, id string, v takeover.Vetting) (takeover.Offer, error) {
	return a.VetOffer.Vet(ctx, p, id, v)
}

// ChangeOffer is ChangeOfferStatus.Change.
func (a LifecycleActions) ChangeOffer(ctx context.Context, p auth.Principal, id, to, reason string) (takeover.Offer, error) {
	return a.OfferStatus.Change(ctx, p, id, to, reason)
}

// ChangeSearch is ChangeSearchStatus.Change.
func (a LifecycleActions) ChangeSearch(ctx context.Context, p auth.Principal, id, to, reason string) (takeover.Search, error) {
	return a.SearchStatus.Change(ctx, p, id, to, reason)
}

// Renew is RenewSearch.Renew.
func (a LifecycleActions) Renew(ctx context.Context, p auth.Principal, id string) (takeover.Search, error) {
	return a.RenewSearch.Renew(ctx, p, id)
}
