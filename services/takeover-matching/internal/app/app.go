// Package app holds takeover-matching's use cases, one per file. They speak
// the domain's language and reach storage through the small interfaces
// declared here.
package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/events"

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
// covering place at now and the open counterparts that may fit, then stores
// the outcome with its events in the outbox and counts it in the advisor's
// load. A request that already has its offer or search stores nothing.
type Registry interface {
	RegisterOffer(ctx context.Context, trigger events.Event, o takeover.Offer, place takeover.Place, now time.Time,
		decide func(candidates []takeover.AdvisorLoad, searches []takeover.Search) (OfferOutcome, error)) (applied bool, err error)
	RegisterSearch(ctx context.Context, trigger events.Event, s takeover.Search, place takeover.Place, now time.Time,
		decide func(candidates []takeover.AdvisorLoad, offers []takeover.Offer) (SearchOutcome, error)) (applied bool, err error)
}

// Clock tells the time (tests control it).
type Clock func() time.Time

// NewID returns a fresh UUIDv7 (tests may fix it).
type NewID func() (string, error)
