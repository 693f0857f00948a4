package creation

import (
	"errors"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/concern"
	"github.com/ccicma/platform/pkg/events"
)

// Concerns between two checkpoints: the advisor following a registered
// business need not wait for its next checkpoint to say it looks in
// difficulty. They say what they saw with codes (events.ConcernKinds),
// never free text; the concern goes out as creation.case.concern_raised,
// from which difficulty-alert opens a prevention case, and, when the case
// has a registered SIREN, the business is named to difficulty-alert alone
// (prevention.creation_concern.identified, on the confidential stream).
// At most one concern is raised about a case a UTC day, whoever raises
// it: the prevention cell calls back once, and a second click the same
// day adds nothing to the case the first one opened.

// ErrNotInFollowUp refuses a concern about a case not in its
// post-creation follow-up: concerns are raised about a registered
// business, not before registration.
var ErrNotInFollowUp = errors.New("the case is not in its post-creation follow-up")

// Concern is one concern raised about a case in follow-up.
type Concern struct {
	ID        string
	AdvisorID string
	// Kinds are what the advisor saw, among events.ConcernKinds, each
	// once, in the order given.
	Kinds    []string
	RaisedAt time.Time
}

// ConcernDay is the UTC day a concern raised at t counts for (one a case
// a day).
func ConcernDay(t time.Time) time.Time { return concern.Day(t) }

// SameDay tells whether a concern raised at t would repeat c: the UTC day
// already has its concern.
func (c Concern) SameDay(t time.Time) bool { return concern.SameDay(c.RaisedAt, t) }

// CheckConcernKinds checks what an advisor saw (concern.Check); the error
// is an *InvalidInput naming concerns.
func CheckConcernKinds(kinds []string) error {
	if p := concern.Check(kinds); p != nil {
		return &InvalidInput{Fields: []FieldProblem{{"concerns", p.Code, p.Message}}}
	}
	return nil
}

// ConcernRaised is what raising a concern decided. When Raised, Concern
// is new (appended to the case's Concerns) and goes out as Signal, with
// Identified when the case has a registered SIREN; otherwise Concern is
// the one the UTC day already had, and nothing is to be stored nor
// emitted.
type ConcernRaised struct {
	Concern Concern
	Raised  bool
	// Signal places the business by codes only (activity, département,
	// EPCI): every consumer of CREATION reads it.
	Signal *events.CreationCaseConcernRaised
	// Identified names the business by its SIREN for difficulty-alert
	// alone, on the confidential PREVENTION stream.
	Identified *events.PreventionCreationConcernIdentified
}

// RaiseConcern is advisorID (the caller checked they follow the case:
// access.FollowUp) raising concern id about the business at now, having
// seen kinds. Input first (*InvalidInput naming concerns), then the case:
// ErrClosed once closed, ErrNotInFollowUp before registration; then the
// day: a case that has its concern today gets it back, not Raised.
func (c *Case) RaiseConcern(kinds []string, id, advisorID string, now time.Time) (ConcernRaised, error) {
	if err := CheckConcernKinds(kinds); err != nil {
		return ConcernRaised{}, err
	}
	switch c.Stage {
	case StageFollowUp:
	case StageClosed:
		return ConcernRaised{}, ErrClosed
	default:
		return ConcernRaised{}, ErrNotInFollowUp
	}
	for _, today := range c.Concerns {
		if today.SameDay(now) {
			return ConcernRaised{Concern: today}, nil
		}
	}
	// To the microsecond, as it is kept: the answer, the events and the
	// stored concern give the same instant.
	at := now.UTC().Truncate(time.Microsecond)
	con := Concern{ID: id, AdvisorID: advisorID, Kinds: slices.Clone(kinds), RaisedAt: at}
	c.Concerns = append(c.Concerns, con)
	res := ConcernRaised{Concern: con, Raised: true, Signal: &events.CreationCaseConcernRaised{CaseID: c.ID, ConcernID: con.ID,
		RequestID: c.RequestID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber, AdvisorID: advisorID,
		NAFCode: c.NAFCode, NAFVersion: c.NAFVersion, Departement: c.Departement, EPCI: c.EPCI,
		Concerns: slices.Clone(con.Kinds), RaisedAt: at}}
	if c.Facts.Registration.Recorded() {
		res.Identified = &events.PreventionCreationConcernIdentified{CaseID: c.ID, ConcernID: con.ID, RequestID: c.RequestID,
			SIREN: c.Facts.Registration.SIREN, ObservedAt: at}
	}
	return res, nil
}
