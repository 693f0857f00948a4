package takeover

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Statuses of an offer: submitted by the seller, published once its
// advisor vetted it (a listing, matched with searches), paused while a
// negotiation runs, withdrawn or concluded. Only a published listing is
// matched.
const (
	OfferSubmitted = events.OfferSubmitted
	OfferPublished = events.OfferPublished
	OfferPaused    = events.OfferPaused
	OfferWithdrawn = events.OfferWithdrawn
	OfferConcluded = events.OfferConcluded
)

// More statuses of a search (SearchDraft and SearchOpen are in draft.go):
// paused, withdrawn, concluded, or expired when not renewed in time. Only
// an open search is matched.
const (
	SearchPaused    = events.SearchPaused
	SearchWithdrawn = events.SearchWithdrawn
	SearchConcluded = events.SearchConcluded
	SearchExpired   = events.SearchExpired
)

// OfferStatuses and SearchStatuses list the statuses, in the order of
// their life (the API documents them).
var (
	OfferStatuses  = []string{OfferSubmitted, OfferPublished, OfferPaused, OfferWithdrawn, OfferConcluded}
	SearchStatuses = []string{SearchDraft, SearchOpen, SearchPaused, SearchWithdrawn, SearchConcluded, SearchExpired}
)

// System is who expires a search: no person, the service's periodic job.
const System = "system"

// ErrTransition reports a status change the life of a listing or a search
// does not allow from where it stands (the API answers 409).
var ErrTransition = errors.New("status change not allowed")

// offerMoves are the status changes an advisor may ask of an offer.
// Publishing a submitted offer is vetting (Vet), not a move; withdrawn and
// concluded are final.
var offerMoves = map[string][]string{
	OfferSubmitted: {OfferWithdrawn},
	OfferPublished: {OfferPaused, OfferWithdrawn, OfferConcluded},
	OfferPaused:    {OfferPublished, OfferWithdrawn, OfferConcluded},
}

// searchMoves are the status changes an advisor may ask of a search. A
// draft opens by completion (Complete); expiry is the system's (Expire);
// an expired search may be reopened, which renews it.
var searchMoves = map[string][]string{
	SearchOpen:    {SearchPaused, SearchWithdrawn, SearchConcluded},
	SearchPaused:  {SearchOpen, SearchWithdrawn, SearchConcluded},
	SearchExpired: {SearchOpen, SearchWithdrawn},
}

// StatusChange is one step in the life of an offer or a search, kept as
// its history.
type StatusChange struct {
	From, To string
	// By is the advisor or manager who asked it, or System.
	By string
	At time.Time
	// Reason is the advisor's short note, if any (kept private: never in
	// events).
	Reason string
}

// MaxReasonLen bounds a status change's note.
const MaxReasonLen = 500

// allowed checks a move against a table.
func allowed(moves map[string][]string, from, to string) error {
	if !slices.Contains(moves[from], to) {
		return fmt.Errorf("%w: from %s to %s", ErrTransition, from, to)
	}
	return nil
}

// Move changes an offer's status to to, by by at now: ErrTransition when
// its life does not allow it.
func (o Offer) Move(to, by, reason string, now time.Time) (Offer, StatusChange, events.TakeoverOfferStatusChanged, error) {
	if err := allowed(offerMoves, o.Status, to); err != nil {
		return o, StatusChange{}, events.TakeoverOfferStatusChanged{}, err
	}
	c := StatusChange{From: o.Status, To: to, By: by, At: now.UTC(), Reason: reason}
	o.Status, o.UpdatedAt = to, c.At
	return o, c, events.TakeoverOfferStatusChanged{OfferID: o.ID, Chamber: o.Chamber, AdvisorID: o.AdvisorID,
		From: c.From, To: c.To, By: by, ChangedAt: c.At}, nil
}

// Move changes a search's status to to, by by at now: ErrTransition when
// its life does not allow it. Reopening renews the search (its expiry
// counts from now).
func (s Search) Move(to, by, reason string, now time.Time) (Search, StatusChange, events.TakeoverSearchStatusChanged, error) {
	if err := allowed(searchMoves, s.Status, to); err != nil {
		return s, StatusChange{}, events.TakeoverSearchStatusChanged{}, err
	}
	return s.moved(to, by, reason, now)
}

func (s Search) moved(to, by, reason string, now time.Time) (Search, StatusChange, events.TakeoverSearchStatusChanged, error) {
	c := StatusChange{From: s.Status, To: to, By: by, At: now.UTC(), Reason: reason}
	s.Status, s.UpdatedAt = to, c.At
	if to == SearchOpen {
		s.RenewedAt = c.At
	}
	return s, c, events.TakeoverSearchStatusChanged{SearchID: s.ID, Chamber: s.Chamber, AdvisorID: s.AdvisorID,
		From: c.From, To: c.To, By: by, ChangedAt: c.At}, nil
}

// Matched tells whether an offer is a candidate for searches: published.
func (o Offer) Matched() bool { return o.Status == OfferPublished }

// Matched tells whether a search is a candidate for offers: open.
func (s Search) Matched() bool { return s.Status == SearchOpen }

// Active tells whether a match between o and s is live: both sides are
// still on the market (a published listing, an open search). A match
// whose side was paused, withdrawn, concluded or expired is kept, shown
// inactive; it is live again if both come back.
func Active(o Offer, s Search) bool { return o.Matched() && s.Matched() }

// ReviewPeriod is how long a listing may stay unchanged before its
// advisor is asked to review it, and how long between two asks.
const ReviewPeriod = 6 * 30 * 24 * time.Hour

// ReviewDue tells whether a published or paused listing, last updated at
// updatedAt and last asked for review at askedAt (zero if never), should
// be reviewed at now: once per ReviewPeriod without a change.
func ReviewDue(status string, updatedAt, askedAt, now time.Time) bool {
	if status != OfferPublished && status != OfferPaused {
		return false
	}
	since := updatedAt
	if askedAt.After(since) {
		since = askedAt
	}
	return !now.Before(since.Add(ReviewPeriod))
}

// ReviewDueEvent is the event asking o's advisor to review it at now.
func (o Offer) ReviewDueEvent(now time.Time) events.TakeoverOfferReviewDue {
	return events.TakeoverOfferReviewDue{OfferID: o.ID, Chamber: o.Chamber, AdvisorID: o.AdvisorID, Status: o.Status,
		UpdatedAt: o.UpdatedAt, DueAt: now.UTC()}
}

// ValidFrom is when the search's current period began: its last renewal
// (or reopening), else its completion, else its registration.
func (s Search) ValidFrom() time.Time {
	for _, t := range []time.Time{s.RenewedAt, s.CompletedAt} {
		if !t.IsZero() {
			return t
		}
	}
	return s.RegisteredAt
}

// Expired tells whether an open or paused search has outlived ttl at now.
func (s Search) Expired(ttl time.Duration, now time.Time) bool {
	return (s.Status == SearchOpen || s.Status == SearchPaused) && !now.Before(s.ValidFrom().Add(ttl))
}

// Expire closes a search that outlived ttl: ErrTransition when it has not.
func (s Search) Expire(ttl time.Duration, now time.Time) (Search, StatusChange, events.TakeoverSearchStatusChanged, error) {
	if !s.Expired(ttl, now) {
		return s, StatusChange{}, events.TakeoverSearchStatusChanged{}, fmt.Errorf("%w: search %s not expired", ErrTransition, s.ID)
	}
	return s.moved(SearchExpired, System, "", now)
}

// Renew starts a new period of an open or paused search at now:
// ErrTransition for any other (an expired one is reopened by Move).
func (s Search) Renew(now time.Time) (Search, error) {
	if s.Status != SearchOpen && s.Status != SearchPaused {
		return s, fmt.Errorf("%w: renew a %s search", ErrTransition, s.Status)
	}
	s.RenewedAt, s.UpdatedAt = now.UTC(), now.UTC()
	return s, nil
}
