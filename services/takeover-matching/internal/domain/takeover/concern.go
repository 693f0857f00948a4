package takeover

import (
	"slices"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/concern"
	"github.com/ccicma/platform/pkg/events"
)

// Concerns about a business for sale: an advisor of the offer's chambers,
// following its sale, saw it in difficulty and says so with codes
// (events.ConcernKinds), never free text. The concern goes out as
// takeover.offer.difficulty_seen, from which difficulty-alert opens a
// prevention case for the offer's chambers. At most one concern is
// raised about an offer a UTC day, whoever raises it: the prevention
// cell calls back once, and a second advisor's click the same day adds
// nothing to the case the first one opened.

// Concern is one concern raised about an offer.
type Concern struct {
	ID        string
	OfferID   string
	AdvisorID string
	// Kinds are what the advisor saw, among events.ConcernKinds, each
	// once, in the order given.
	Kinds    []string
	RaisedAt time.Time
}

// ConcernDay is the UTC day a concern raised at t counts for (one an
// offer a day).
func ConcernDay(t time.Time) time.Time { return concern.Day(t) }

// SameDay tells whether a concern raised at t would repeat c: the UTC day
// already has its concern.
func (c Concern) SameDay(t time.Time) bool { return concern.SameDay(c.RaisedAt, t) }

// ConcernError names the input fields of a concern that are wrong (422),
// each with what is wrong, in French.
type ConcernError struct{ Fields map[string]string }

func (e *ConcernError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	slices.Sort(names)
	return "invalid concern (" + strings.Join(names, ", ") + ")"
}

// checkConcernKinds checks what an advisor saw (concern.Check); the
// error is a *ConcernError naming concerns.
func checkConcernKinds(kinds []string) error {
	if p := concern.Check(kinds); p != nil {
		return &ConcernError{Fields: map[string]string{"concerns": p.Message}}
	}
	return nil
}

// RaiseConcern is p, an advisor or manager of the offer's chambers (the
// caller checks it: access.Direct), raising concern id about the business
// at now, having seen kinds: the concern and its event, which places the
// business by codes only (activity, département, EPCI) for the prevention
// cell. ErrOffMarket for a withdrawn or concluded offer (the sale is no
// longer followed), then a *ConcernError naming concerns. The caller
// checks the day has no concern yet (Concern.SameDay).
func (o Offer) RaiseConcern(p auth.Principal, kinds []string, id string, now time.Time) (Concern, events.TakeoverOfferDifficultySeen, error) {
	if o.offMarket() {
		return Concern{}, events.TakeoverOfferDifficultySeen{}, ErrOffMarket
	}
	if err := checkConcernKinds(kinds); err != nil {
		return Concern{}, events.TakeoverOfferDifficultySeen{}, err
	}
	// To the microsecond, as it is kept: the answer, the event and the
	// stored concern give the same instant.
	at := now.UTC().Truncate(time.Microsecond)
	c := Concern{ID: id, OfferID: o.ID, AdvisorID: p.Subject, Kinds: slices.Clone(kinds), RaisedAt: at}
	return c, events.TakeoverOfferDifficultySeen{OfferID: o.ID, ConcernID: c.ID, RequestID: o.RequestID, Chamber: o.Chamber,
		SecondaryChamber: o.SecondaryChamber, AdvisorID: c.AdvisorID, NAFCode: o.NAFCode, Departement: o.Departement,
		EPCI: o.EPCI, Concerns: slices.Clone(c.Kinds), SeenAt: c.RaisedAt}, nil
}
