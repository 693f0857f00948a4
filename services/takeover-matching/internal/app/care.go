package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// CareDirectory reads, within a hand-back's transaction, what choosing
// the next advisor needs.
type CareDirectory interface {
	// Candidates are the takeover advisors of chamber whose territory
	// covers place and who are available at now, with their load
	// (takeover.Assignable).
	Candidates(ctx context.Context, chamber string, place takeover.Place, now time.Time) ([]takeover.AdvisorLoad, error)
	// HandedBack lists the advisors who handed the offer or search back
	// before.
	HandedBack(ctx context.Context) ([]string, error)
}

// OfferCare is what a taking in charge or a hand-back of an offer
// decided: the offer as it becomes, the hand-back to keep (nil for a
// taking in charge) and the event.
type OfferCare struct {
	Offer    takeover.Offer
	HandBack *takeover.HandBack
	Event    events.Event
}

// SearchCare is the same for a search.
type SearchCare struct {
	Search   takeover.Search
	HandBack *takeover.HandBack
	Event    events.Event
}

// CareStore stores takings in charge and hand-backs. CareOffer and
// CareSearch run decide in one transaction with the row locked, then store
// its advisor and care, the hand-back (its comment stays here), the new
// advisor on its matches, the advisors' loads and the event in the
// outbox. An unknown id is ErrNotFound; nothing is stored when decide
// fails.
type CareStore interface {
	CareOffer(ctx context.Context, id string, decide func(o takeover.Offer, dir CareDirectory) (OfferCare, error)) (takeover.Offer, error)
	CareSearch(ctx context.Context, id string, decide func(s takeover.Search, dir CareDirectory) (SearchCare, error)) (takeover.Search, error)
}

// CareActions gathers the takings in charge and hand-backs, as the API
// calls them.
type CareActions struct {
	TakeOffer      TakeOfferInCharge
	HandBackOffer  HandBackOffer
	TakeSearch     TakeSearchInCharge
	HandBackSearch HandBackSearch
}

// NewCareActions wires the four use cases over one store.
func NewCareActions(store CareStore, now Clock) CareActions {
	return CareActions{TakeOffer: TakeOfferInCharge{Offers: store, Now: now}, HandBackOffer: HandBackOffer{Offers: store, Now: now},
		TakeSearch: TakeSearchInCharge{Searches: store, Now: now}, HandBackSearch: HandBackSearch{Searches: store, Now: now}}
}

// TakeOfferInCharge is TakeOfferInCharge.Do.
func (a CareActions) TakeOfferInCharge(ctx context.Context, p auth.Principal, id string) (takeover.Offer, error) {
	return a.TakeOffer.Do(ctx, p, id)
}

// HandBackOfferTo is HandBackOffer.Do.
func (a CareActions) HandBackOfferTo(ctx context.Context, p auth.Principal, id, reason, comment string) (takeover.Offer, error) {
	return a.HandBackOffer.Do(ctx, p, id, reason, comment)
}

// TakeSearchInCharge is TakeSearchInCharge.Do.
func (a CareActions) TakeSearchInCharge(ctx context.Context, p auth.Principal, id string) (takeover.Search, error) {
	return a.TakeSearch.Do(ctx, p, id)
}

// HandBackSearchTo is HandBackSearch.Do.
func (a CareActions) HandBackSearchTo(ctx context.Context, p auth.Principal, id, reason, comment string) (takeover.Search, error) {
	return a.HandBackSearch.Do(ctx, p, id, reason, comment)
}

// careFailed returns the errors a port maps to an answer as they are and
// wraps the others with what failed.
func careFailed(what string, err error) error {
	var invalid *takeover.HandBackError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &invalid), errors.Is(err, ErrForbidden), errors.Is(err, ErrNotFound), errors.Is(err, ErrNoTakeoverRole),
		errors.Is(err, takeover.ErrNotAssignee), errors.Is(err, takeover.ErrTakenInCharge), errors.Is(err, takeover.ErrOffMarket):
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// careInput checks what every taking in charge and hand-back checks
// first: a reader who sees takeover files, and an id that can name one.
func careInput(p auth.Principal, id string) error {
	switch {
	case !access.Consults(p):
		return ErrNoTakeoverRole
	case !validUUID(id):
		return ErrNotFound
	}
	return nil
}
