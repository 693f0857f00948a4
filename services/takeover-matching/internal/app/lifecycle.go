package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// SearchesFor reads the open searches that may fit an offer, found with
// the lookup keys (takeover.Matcher.SearchLookup), that are not matched
// with it yet.
type SearchesFor func(o takeover.Offer, lookup takeover.SearchQuery) ([]takeover.Search, error)

// OfferChange is what a change of an offer decided: the offer as it
// becomes (with its vetted file when vetting), the step of its history
// (none when Change.To is empty), the matches proposed and the events.
type OfferChange struct {
	Offer   takeover.Offer
	Change  takeover.StatusChange
	Matches []takeover.Match
	Events  []events.Event
}

// SearchChange is what a change of a search decided, as OfferChange.
type SearchChange struct {
	Search  takeover.Search
	Change  takeover.StatusChange
	Matches []takeover.Match
	Events  []events.Event
}

// Lifecycle stores the life of offers and searches. ChangeOffer and
// ChangeSearch run decide in one transaction, serialised with
// registrations (so that a side registered meanwhile still meets the one
// republished or reopened), with the row locked and a reader of the
// counterparts not matched with it yet; they store the outcome, its
// history step, matches and events. An unknown id is ErrNotFound;
// nothing is stored when decide fails.
type Lifecycle interface {
	ChangeOffer(ctx context.Context, id string, decide func(o takeover.Offer, searches SearchesFor) (OfferChange, error)) (takeover.Offer, error)
	ChangeSearch(ctx context.Context, id string, decide func(s takeover.Search, offers OffersFor) (SearchChange, error)) (takeover.Search, error)
	// OfferFile returns the vetted file of an offer (nil before vetting).
	OfferFile(ctx context.Context, id string) (*takeover.File, error)
	// History returns the status changes of an offer or, when offerID is
	// empty, of a search, oldest first.
	History(ctx context.Context, offerID, searchID string) ([]takeover.StatusChange, error)
}

// matchOffer proposes o to the searches that fit it and are not matched
// with it yet: a listing published or republished.
func matchOffer(out *OfferChange, m takeover.Matcher, searches SearchesFor, newID NewID, now Clock) error {
	candidates, err := searches(out.Offer, m.SearchLookup(out.Offer))
	if err != nil {
		return err
	}
	for _, s := range candidates {
		if err := proposeIfFit(&out.Matches, &out.Events, m, out.Offer, s, newID, now); err != nil {
			return err
		}
	}
	return nil
}

// matchSearch proposes the listings that fit s and are not matched with
// it yet: a search reopened.
func matchSearch(out *SearchChange, m takeover.Matcher, offers OffersFor, newID NewID, now Clock) error {
	candidates, err := offers(out.Search, m.OfferLookup(out.Search))
	if err != nil {
		return err
	}
	for _, o := range candidates {
		if err := proposeIfFit(&out.Matches, &out.Events, m, o, out.Search, newID, now); err != nil {
			return err
		}
	}
	return nil
}

// passThrough returns the errors a port maps to an answer as they are,
// and wraps the others with what failed.
func passThrough(what string, err error) error {
	var invalid takeover.InvalidCriteria
	switch {
	case err == nil:
		return nil
	case errors.As(err, &invalid), errors.Is(err, ErrForbidden), errors.Is(err, ErrNotFound),
		errors.Is(err, ErrNoTakeoverRole), errors.Is(err, takeover.ErrTransition), errors.Is(err, takeover.ErrNotSubmitted):
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// offerEvent wraps an offer's event: subject the offer, territory its
// département.
func offerEvent(o takeover.Offer, p events.Payload, at time.Time) (events.Event, error) {
	return events.New(Name, o.ID, o.Departement, p, at)
}

// searchEvent wraps a search's event: subject the search, territory its
// first département (events.New files an empty one under "_").
func searchEvent(s takeover.Search, p events.Payload, at time.Time) (events.Event, error) {
	return events.New(Name, s.ID, s.Territory(), p, at)
}
