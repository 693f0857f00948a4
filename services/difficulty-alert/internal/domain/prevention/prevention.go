// Package prevention is difficulty-alert's domain: prevention cases opened
// from difficulty reports, and the rule that picks the prevention advisors
// of a new case. No I/O.
//
// A case is confidential from the first byte: it holds what intake's event
// carries (codes, score, level, routing; never the SIRET, the commune, the
// applicant's contact details or free text), and only the assigned advisors
// and the prevention cell of the routed chambers read it (see package
// access).
package prevention

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Status is where a prevention case stands.
type Status string

// Statuses of a prevention case.
const (
	StatusOpened Status = "opened" // waiting for a prevention advisor to call back
)

// ErrNoChamber reports a difficulty report routed to neither chamber
// (liberal professions, farming): intake told the applicant where to turn,
// and since only the routed chambers' prevention advisors may see a report,
// nobody here may: no case is opened.
var ErrNoChamber = errors.New("difficulty report routed to no chamber")

// Routing is the chamber decision intake took, kept so that an advisor can
// read why the case came to their chamber.
type Routing struct {
	LeadChamber      string
	SecondaryChamber string
	RuleID           string
	Reason           string
	RulesVersion     string
	OutOfTerritory   bool
	EPCI             string
}

// Report is what difficulty-alert knows of a difficulty report.
type Report struct {
	RequestID            string
	NAFCode              string
	NAFVersion           string
	Departement          string
	Kinds                []string
	QuestionnaireVersion string
	Score                int
	Level                string
	Routing              Routing
	ReportedAt           time.Time
}

// ReportFrom reads a reported event.
func ReportFrom(p events.DifficultyReported) (Report, error) {
	if p.Routing.LeadChamber == "" {
		return Report{}, fmt.Errorf("report %s: %w", p.RequestID, ErrNoChamber)
	}
	r := p.Routing
	return Report{
		RequestID: p.RequestID, NAFCode: p.NAFCode, NAFVersion: p.NAFVersion, Departement: p.Departement,
		Kinds: slices.Clone(p.Kinds), QuestionnaireVersion: p.QuestionnaireVersion, Score: p.Score, Level: p.Level,
		Routing: Routing{
			LeadChamber: r.LeadChamber, SecondaryChamber: r.SecondaryChamber, RuleID: r.RuleID, Reason: r.Reason,
			RulesVersion: r.RulesVersion, OutOfTerritory: r.OutOfTerritory, EPCI: r.EPCI,
		},
		ReportedAt: p.ReportedAt.UTC(),
	}, nil
}

// Chambers are the routed chambers, lead first.
func (r Report) Chambers() []string {
	if r.Routing.SecondaryChamber == "" || r.Routing.SecondaryChamber == r.Routing.LeadChamber {
		return []string{r.Routing.LeadChamber}
	}
	return []string{r.Routing.LeadChamber, r.Routing.SecondaryChamber}
}

// Case is a prevention case.
type Case struct {
	ID        string
	RequestID string
	// Chamber is the lead chamber; SecondaryChamber the other routed one.
	Chamber          string
	SecondaryChamber string
	// AdvisorIDs are the assigned prevention advisors, at most one per
	// routed chamber, the lead chamber's first; empty when none was
	// available: the chambers' prevention cell then picks the case up.
	AdvisorIDs           []string
	Status               Status
	Level                string
	Score                int
	Kinds                []string
	QuestionnaireVersion string
	NAFCode              string
	NAFVersion           string
	Departement          string
	Routing              Routing
	ReportedAt           time.Time
	OpenedAt             time.Time
}

// Chambers are the case's routed chambers, lead first.
func (c Case) Chambers() []string {
	if c.SecondaryChamber == "" {
		return []string{c.Chamber}
	}
	return []string{c.Chamber, c.SecondaryChamber}
}

// Open opens the case of a report, assigned to advisorIDs, and returns the
// event to emit.
func Open(r Report, caseID string, advisorIDs []string, now time.Time) (Case, events.DifficultyCaseOpened) {
	chambers := r.Chambers()
	c := Case{
		ID: caseID, RequestID: r.RequestID, Chamber: chambers[0], AdvisorIDs: slices.Clone(advisorIDs),
		Status: StatusOpened, Level: r.Level, Score: r.Score, Kinds: slices.Clone(r.Kinds),
		QuestionnaireVersion: r.QuestionnaireVersion, NAFCode: r.NAFCode, NAFVersion: r.NAFVersion,
		Departement: r.Departement, Routing: r.Routing, ReportedAt: r.ReportedAt, OpenedAt: now.UTC(),
	}
	if len(chambers) > 1 {
		c.SecondaryChamber = chambers[1]
	}
	return c, events.DifficultyCaseOpened{
		CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber,
		AdvisorIDs: slices.Clone(c.AdvisorIDs), Level: c.Level, Departement: c.Departement, OpenedAt: c.OpenedAt,
	}
}
