// Package app holds takeover-matching's use cases, one per file. They speak
// the domain's language and reach storage through the small interfaces
// declared here.
package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// Name is the service's name, written here only: every other spelling
// derives from it (service.Name; the NATS user, durable consumers and
// telemetry name through natsbus.IdentityOf; the CloudEvents source of the
// events it emits; its inbox claims; the prefix of its configuration keys,
// TAKEOVER_MATCHING_).
const Name = "takeover-matching"

// OfferOutcome is what registering an offer decided: the offer, the
// matches found and every event to emit.
type OfferOutcome struct {
	Offer   takeover.Offer
	Matches []takeover.Match
	Events  []events.Event
}

// SearchOutcome is what registering a search decided.
type SearchOutcome struct {
	Search  takeover.Search
	Matches []takeover.Match
	Events  []events.Event
}

// Registry stores offers and searches. Each Register call runs decide
// inside one transaction that claims the triggering event (idempotency),
// serialises registrations (so that an offer and a search registered at
// the same time still meet), reads the assignable advisors of the chamber
// covering place at now and the open counterparts that may fit (those
// stored with one of the lookup keys and sharing a deal type: see
// takeover.Matcher's lookups), then stores the outcome with its events in
// the outbox and counts it in the advisor's load. A request that already
// has its offer or search stores nothing. A draft search reads no offers.
type Registry interface {
	RegisterOffer(ctx context.Context, trigger events.Event, o takeover.Offer, place takeover.Place, lookup takeover.SearchQuery, now time.Time,
		decide func(candidates []takeover.AdvisorLoad, searches []takeover.Search) (OfferOutcome, error)) (applied bool, err error)
	RegisterSearch(ctx context.Context, trigger events.Event, s takeover.Search, place takeover.Place, lookup takeover.OfferQuery, now time.Time,
		decide func(candidates []takeover.AdvisorLoad, offers []takeover.Offer) (SearchOutcome, error)) (applied bool, err error)
}

// OffersFor reads the open offers that may fit a search, found with the
// lookup keys (takeover.Matcher.OfferLookup).
type OffersFor func(s takeover.Search, lookup takeover.OfferQuery) ([]takeover.Offer, error)

// Clock tells the time (tests control it).
type Clock func() time.Time

// NewID returns a fresh UUIDv7 (tests may fix it).
type NewID func() (string, error)

// Errors the ports map to answers.
var (
	// ErrNotFound: no such offer, search or match (404); an id that is
	// not a UUID names none.
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the file is not the reader's chamber's, is not shared
	// with it and no match links it to it (403).
	ErrForbidden = errors.New("access refused")
	// ErrNoTakeoverRole: the reader holds no role that sees takeover
	// files at all (403).
	ErrNoTakeoverRole = errors.New("no role that sees takeover files")
)

// Files reads offers, searches and their matches for the advisors' API.
type Files interface {
	// Offer, Search and Match return one by id; found is false for an
	// unknown one.
	Offer(ctx context.Context, id string) (o takeover.Offer, found bool, err error)
	Search(ctx context.Context, id string) (s takeover.Search, found bool, err error)
	Match(ctx context.Context, id string) (m takeover.Match, found bool, err error)
	// Offers and Searches return a page of those chamber leads or shares
	// (of every chamber on the marketplace: f.Market) that f keeps, by
	// id after the id after.
	Offers(ctx context.Context, chamber string, f takeover.ListFilter, after string, limit int) ([]takeover.Offer, error)
	Searches(ctx context.Context, chamber string, f takeover.ListFilter, after string, limit int) ([]takeover.Search, error)
	// MatchesOfOffer and MatchesOfSearch return the matches of one side.
	MatchesOfOffer(ctx context.Context, offerID string) ([]takeover.Match, error)
	MatchesOfSearch(ctx context.Context, searchID string) ([]takeover.Match, error)
	// Introductions reads matches' introductions (Introductions).
	Introductions(ctx context.Context, matchIDs []string) (map[string]takeover.Introduction, error)
}

// byID reads one offer, search or match (what) with get: ErrNotFound for
// an unknown id, and for a string that is not a UUID, which can name
// nothing and is not looked up.
func byID[T any](ctx context.Context, what, id string, get func(context.Context, string) (T, bool, error)) (T, error) {
	var zero T
	if !validUUID(id) {
		return zero, ErrNotFound
	}
	v, found, err := get(ctx, id)
	switch {
	case err != nil:
		return zero, fmt.Errorf("read %s %s: %w", what, id, err)
	case !found:
		return zero, ErrNotFound
	}
	return v, nil
}

// page reads a page of the offers or searches (what) narrowed by f with
// list, and says how much of each p sees: in p's chamber's lists (the
// query already keeps those it leads or shares: this is the rule, stated
// again) each row p sees directly, whole; on the marketplace (f.Market)
// every row, as access.Market says. next is the id the next page starts
// after, the last one read, kept or not. key gives a row's id and owners.
// ErrNoTakeoverRole for a reader who sees no takeover file.
func page[T any](ctx context.Context, p auth.Principal, what string, f takeover.ListFilter, after string, limit int,
	list func(ctx context.Context, chamber string, f takeover.ListFilter, after string, limit int) ([]T, error),
	key func(T) (string, access.Owners)) (rows []T, views []access.View, next string, err error) {
	if !access.Consults(p) {
		return nil, nil, "", ErrNoTakeoverRole
	}
	read, err := list(ctx, p.Chamber, f, after, limit)
	if err != nil {
		return nil, nil, "", fmt.Errorf("list %s: %w", what, err)
	}
	rows, views, next = []T{}, []access.View{}, after
	for _, r := range read {
		id, owners := key(r)
		next = id
		v := access.None
		switch {
		case f.Market:
			v = access.Market(p, owners)
		case access.Direct(p, owners):
			v = access.Full
		}
		if v != access.None {
			rows, views = append(rows, r), append(views, v)
		}
	}
	return rows, views, next, nil
}

// The owners the access rules look at, of each side and of a match's.

func offerOwners(o takeover.Offer) access.Owners {
	return access.Owners{Chamber: o.Chamber, SecondaryChamber: o.SecondaryChamber}
}

func searchOwners(s takeover.Search) access.Owners {
	return access.Owners{Chamber: s.Chamber, SecondaryChamber: s.SecondaryChamber}
}

func matchOfferOwners(m takeover.Match) access.Owners {
	return access.Owners{Chamber: m.OfferChamber, SecondaryChamber: m.OfferSecondaryChamber}
}

func matchSearchOwners(m takeover.Match) access.Owners {
	return access.Owners{Chamber: m.SearchChamber, SecondaryChamber: m.SearchSecondaryChamber}
}

// validUUID tells whether id can name an offer, a search or a match.
func validUUID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil
}
