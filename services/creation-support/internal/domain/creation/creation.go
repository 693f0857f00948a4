// Package creation is creation-support's domain: creation cases, their
// stages, and the rule that picks the advisor of a new case. No I/O.
package creation

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/events"
)

// Stage is where a creation case stands in the entrepreneur's journey.
type Stage string

// Stages of a creation case outside its journey (see Journey).
const (
	StageOpened Stage = "opened" // waiting to be taken in charge
	// StageInProgress is the stage of cases taken in charge before the
	// journey had stages: they read as at its welcome stage.
	StageInProgress Stage = "in_progress"
	StageClosed     Stage = "closed"
)

// Coarse statuses of a case, for lists and peers that need no stage:
// waiting, followed by an advisor, or closed.
const (
	StatusOpened     = "opened"
	StatusInProgress = "in_progress"
	StatusClosed     = "closed"
)

// Status is the case's coarse status.
func (c Case) Status() string {
	switch c.Stage {
	case StageOpened:
		return StatusOpened
	case StageClosed:
		return StatusClosed
	}
	return StatusInProgress
}

// ErrNoChamber reports a request routed to neither chamber: creation-support
// has nothing to open for it (the applicant was told where to turn).
var ErrNoChamber = errors.New("request routed to no chamber")

// Request is what creation-support knows of a creation request.
type Request struct {
	RequestID        string
	Chamber          string
	SecondaryChamber string
	NAFCode          string
	// NAFVersion names the nomenclature of NAFCode ("NAFRev2").
	NAFVersion  string
	CommuneCode string
	Departement string
	// EPCI is the commune's intercommunalité (the routing's), if known.
	EPCI        string
	RoutingRule string
}

// Place is where the request's project is, as advisors' territories say.
func (r Request) Place() directory.Place {
	return directory.Place{Departement: r.Departement, Commune: r.CommuneCode, EPCI: r.EPCI}
}

// Place is where the case's project is, as advisors' territories say.
func (c Case) Place() directory.Place {
	return directory.Place{Departement: c.Departement, Commune: c.CommuneCode, EPCI: c.EPCI}
}

// RequestFrom reads a submitted event.
func RequestFrom(p events.CreationSubmitted) (Request, error) {
	if p.Routing.LeadChamber == "" {
		return Request{}, fmt.Errorf("request %s: %w", p.RequestID, ErrNoChamber)
	}
	return Request{
		RequestID: p.RequestID, Chamber: p.Routing.LeadChamber, SecondaryChamber: p.Routing.SecondaryChamber,
		NAFCode: p.NAFCode, NAFVersion: p.NAFVersion, CommuneCode: p.CommuneCode, Departement: p.Departement, EPCI: p.Routing.EPCI,
		RoutingRule: p.Routing.RuleID,
	}, nil
}

// Case is a creation case.
type Case struct {
	ID               string
	RequestID        string
	Chamber          string
	SecondaryChamber string
	AdvisorID        string
	Stage            Stage
	NAFCode          string
	// NAFVersion names the nomenclature of NAFCode; empty for cases opened
	// before it was kept.
	NAFVersion  string
	CommuneCode string
	Departement string
	// EPCI is the commune's intercommunalité, when known.
	EPCI        string
	RoutingRule string
	OpenedAt    time.Time
	// TakenAt is when the assigned advisor took the case in charge (zero
	// while the case waits).
	TakenAt time.Time
	// UpdatedAt is the last change.
	UpdatedAt time.Time
	// HandBacks are the times advisors handed the case back, oldest
	// first; their comments stay in this service.
	HandBacks []HandBack
	// Facts are what advisors recorded along the journey.
	Facts Facts
	// Checkpoints are the post-creation follow-up, once registered.
	Checkpoints []Checkpoint
	// Concerns are those raised between checkpoints, oldest first (one a
	// UTC day at most; concern.go).
	Concerns []Concern
	// Outcome is set when the case is closed.
	Outcome Outcome
	// Next is the case's next action, if one is planned.
	Next NextAction
	// Timeline are the case's stage changes, oldest first; their comments
	// stay in this service.
	Timeline []StageChange
	// Sessions are the sessions the case is registered to, by date.
	Sessions []Enrolment
}

// AdvisorLoad is an assignable advisor with their current load.
type AdvisorLoad struct {
	AdvisorID string
	OpenCases int
	Capacity  int
	// AbsentUntil is the end of the advisor's absence (zero: none).
	AbsentUntil time.Time
	// Communes and EPCIs narrow the advisor's territory within their
	// départements (both empty: the whole départements).
	Communes, EPCIs []string
}

// Covers tells whether the advisor's territory holds place. Candidates are
// read by département, so only the narrowing to communes or EPCIs is left
// to check (directory.Advisor.Covers).
func (a AdvisorLoad) Covers(place directory.Place) bool {
	return directory.Advisor{Departements: []string{place.Departement}, Communes: a.Communes, EPCIs: a.EPCIs}.Covers(place)
}

// Covering keeps the candidates whose territory holds place.
func Covering(candidates []AdvisorLoad, place directory.Place) []AdvisorLoad {
	return slices.DeleteFunc(slices.Clone(candidates), func(a AdvisorLoad) bool { return !a.Covers(place) })
}

// AvailableAt tells whether the advisor may get a new case at t.
func (a AdvisorLoad) AvailableAt(t time.Time) bool { return !a.AbsentUntil.After(t) }

// ChooseAdvisor picks, among the candidates available at now (an absent
// advisor gets no new case), the least loaded one (directory.ChooseAdvisor:
// below capacity first, ties by id). It reports false when there is no
// available candidate at all.
func ChooseAdvisor(candidates []AdvisorLoad, now time.Time) (string, bool) {
	loads := make([]directory.Load, 0, len(candidates))
	for _, a := range candidates {
		if a.AvailableAt(now) {
			loads = append(loads, directory.Load{Advisor: directory.Advisor{AdvisorID: a.AdvisorID, Capacity: a.Capacity}, OpenCases: a.OpenCases})
		}
	}
	return directory.ChooseAdvisor(loads)
}

// Open opens the case of a request, assigned to advisorID (empty when no
// advisor is available), and returns the event to emit.
func Open(req Request, caseID, advisorID string, now time.Time) (Case, events.CreationCaseOpened) {
	c := Case{
		ID: caseID, RequestID: req.RequestID, Chamber: req.Chamber, SecondaryChamber: req.SecondaryChamber,
		AdvisorID: advisorID, Stage: StageOpened, NAFCode: req.NAFCode, NAFVersion: req.NAFVersion, CommuneCode: req.CommuneCode,
		Departement: req.Departement, EPCI: req.EPCI, RoutingRule: req.RoutingRule, OpenedAt: now.UTC(), UpdatedAt: now.UTC(),
	}
	return c, events.CreationCaseOpened{
		CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber,
		AdvisorID: c.AdvisorID, NAFCode: c.NAFCode, CommuneCode: c.CommuneCode, Departement: c.Departement,
		OpenedAt: c.OpenedAt,
	}
}
