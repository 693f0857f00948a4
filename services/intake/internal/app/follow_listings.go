package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Search is what intake keeps of a buyer's search in takeover-matching:
// the buyer's request (empty when the event does not say it) and its
// status since At.
type Search struct {
	SearchID  string
	RequestID string
	Status    string
	At        time.Time
	// Inferred is a status known from another fact (registration, a
	// proposal): a status change of the same time wins over it.
	Inferred bool
}

// Listing is what intake keeps of an offer in takeover-matching: its
// status since At, and once published its anonymous teaser (Teaser nil
// otherwise) or, from its registration, the business's département.
type Listing struct {
	OfferID     string
	Departement string
	Status      string
	At          time.Time
	Teaser      *Teaser
}

// Teaser is a published listing's teaser: codes and bands only.
type Teaser struct {
	Sector, SectorLevel                               string
	RevenueBand, ProfitBand, HeadcountBand, PriceBand string
	DealTypes                                         []string
	Timeline                                          string
}

// ProposedMatch is a match above the digest's threshold, waiting for the
// buyer's next digest.
type ProposedMatch struct {
	MatchID, SearchID, OfferID string
	Score                      int
	ProposedAt                 time.Time
}

// Market keeps the takeover market's facts a buyer's digest needs. Each
// write is idempotent and keeps the newest status (a status older than
// the one kept changes nothing). With a trigger it is claimed in the
// inbox with the write; without, the event has another route that claims
// it, and the write relies on its own idempotence.
type Market interface {
	KeepSearch(ctx context.Context, trigger *events.Event, s Search) error
	KeepListing(ctx context.Context, trigger *events.Event, l Listing) error
	// KeepMatch keeps a proposed match once (its id).
	KeepMatch(ctx context.Context, trigger *events.Event, m ProposedMatch) error
	// CloseMatch leaves a match out of every digest to come, even one
	// whose proposal comes later (m's score and time are then unknown).
	CloseMatch(ctx context.Context, m ProposedMatch, at time.Time) error
}

// FollowListings follows takeover-matching's listings, searches and
// matches for the buyers' digest (SendBuyerDigests): the matches proposed
// with a score of at least MinScore, the search's buyer request, each
// listing's teaser, and the life of all three, so that a listing paused,
// withdrawn or concluded, a search no longer open or a match dropped is
// left out. Nothing of it identifies a seller.
type FollowListings struct {
	Market   Market
	MinScore int
}

// MatchProposed handles takeover.match.proposed: a match under MinScore
// is not for the buyer's digest.
func (uc FollowListings) MatchProposed(ctx context.Context, ev events.Event, p events.TakeoverMatchProposed) error {
	if p.Score < uc.MinScore {
		return nil
	}
	// Only an open search meets listings: the proposal says the search
	// was open then. It is how a draft search, whose completion has no
	// status event, is known to be open.
	if err := uc.keepSearch(ctx, nil, Search{SearchID: p.SearchID, Status: events.SearchOpen, At: p.ProposedAt, Inferred: true}); err != nil {
		return err
	}
	m := ProposedMatch{MatchID: p.MatchID, SearchID: p.SearchID, OfferID: p.OfferID, Score: p.Score, ProposedAt: p.ProposedAt}
	if err := uc.Market.KeepMatch(ctx, &ev, m); err != nil {
		return fmt.Errorf("keep match %s for the buyer's digest: %w", p.MatchID, err)
	}
	return nil
}

// MatchStageChanged handles takeover.match.stage_changed: a dropped or
// concluded match is no news for the buyer. (RecordIntroduction, the
// event's other route, claims it.)
func (uc FollowListings) MatchStageChanged(ctx context.Context, _ events.Event, p events.TakeoverMatchStageChanged) error {
	if p.To != "dropped" && p.To != "concluded" {
		return nil
	}
	m := ProposedMatch{MatchID: p.MatchID, SearchID: p.SearchID, OfferID: p.OfferID, ProposedAt: p.ChangedAt}
	if err := uc.Market.CloseMatch(ctx, m, p.ChangedAt); err != nil {
		return fmt.Errorf("close match %s: %w", p.MatchID, err)
	}
	return nil
}

// SearchRegistered handles takeover.search.registered: the search's buyer
// request. A draft waits for its completion (a status change to open).
// (TrackCase, the event's other route, claims it.)
func (uc FollowListings) SearchRegistered(ctx context.Context, _ events.Event, p events.TakeoverSearchRegistered) error {
	status := events.SearchOpen
	if p.Draft {
		status = events.SearchDraft
	}
	return uc.keepSearch(ctx, nil, Search{SearchID: p.SearchID, RequestID: p.RequestID, Status: status, At: p.RegisteredAt,
		Inferred: true})
}

// SearchStatusChanged handles takeover.search.status_changed.
func (uc FollowListings) SearchStatusChanged(ctx context.Context, ev events.Event, p events.TakeoverSearchStatusChanged) error {
	return uc.keepSearch(ctx, &ev, Search{SearchID: p.SearchID, Status: p.To, At: p.ChangedAt})
}

func (uc FollowListings) keepSearch(ctx context.Context, trigger *events.Event, s Search) error {
	if err := uc.Market.KeepSearch(ctx, trigger, s); err != nil {
		return fmt.Errorf("keep search %s (%s): %w", s.SearchID, s.Status, err)
	}
	return nil
}

// OfferRegistered handles takeover.offer.registered: the business's
// département, which the digest names whatever place level the teaser
// shows (the coarsest). (TrackCase, the event's other route, claims it.)
func (uc FollowListings) OfferRegistered(ctx context.Context, _ events.Event, p events.TakeoverOfferRegistered) error {
	return uc.keepListing(ctx, nil, Listing{OfferID: p.OfferID, Departement: p.Departement,
		Status: events.OfferSubmitted, At: p.RegisteredAt})
}

// OfferPublished handles takeover.offer.published: the teaser, and the
// listing's publication.
func (uc FollowListings) OfferPublished(ctx context.Context, ev events.Event, p events.TakeoverOfferPublished) error {
	t := Teaser{Sector: p.Sector, SectorLevel: p.SectorLevel, RevenueBand: p.RevenueBand, ProfitBand: p.ProfitBand,
		HeadcountBand: p.HeadcountBand, PriceBand: p.PriceBand, DealTypes: p.DealTypes, Timeline: p.Timeline}
	l := Listing{OfferID: p.OfferID, Status: events.OfferPublished, At: p.PublishedAt, Teaser: &t}
	if p.PlaceLevel == "departement" {
		l.Departement = p.Place
	}
	return uc.keepListing(ctx, &ev, l)
}

// OfferStatusChanged handles takeover.offer.status_changed.
func (uc FollowListings) OfferStatusChanged(ctx context.Context, ev events.Event, p events.TakeoverOfferStatusChanged) error {
	return uc.keepListing(ctx, &ev, Listing{OfferID: p.OfferID, Status: p.To, At: p.ChangedAt})
}

func (uc FollowListings) keepListing(ctx context.Context, trigger *events.Event, l Listing) error {
	if err := uc.Market.KeepListing(ctx, trigger, l); err != nil {
		return fmt.Errorf("keep listing %s (%s): %w", l.OfferID, l.Status, err)
	}
	return nil
}
