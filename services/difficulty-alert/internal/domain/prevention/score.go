package prevention

import (
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// The chambers of the joint prevention cell, lead first: a business whose
// chambers are not known is followed by the cell of both.
const (
	JointLeadChamber      = events.ChamberCCI
	JointSecondaryChamber = events.ChamberCMA
)

// levelRank orders case levels.
func levelRank(l string) int {
	return slices.Index([]string{events.DifficultyNone, events.DifficultyVigilance, events.DifficultyCallBack}, l)
}

// ScoreOpening is what opens a case on a business's risk level: the
// business, its chambers (lead first; the joint cell's when unknown), its
// département and the case level its risk maps to.
type ScoreOpening struct {
	SIREN            string
	Chamber          string
	SecondaryChamber string
	Departement      string
	Level            string
}

// OpenForScore opens the case of a business whose risk level rose to
// "risque modéré" or "risque fort", for the prevention cell of its
// chambers: nobody is assigned, the cell takes it in charge. The case
// names the business (SIREN), never a request; the event carries neither.
func OpenForScore(o ScoreOpening, caseID string, now time.Time) (Case, events.DifficultyCaseOpened) {
	c := Case{ID: caseID, Source: SourceScore, SIREN: o.SIREN, Chamber: o.Chamber, SecondaryChamber: o.SecondaryChamber,
		Status: StatusOpened, Level: o.Level, Departement: o.Departement, ReportedAt: now.UTC(), OpenedAt: now.UTC()}
	return c, events.DifficultyCaseOpened{CaseID: c.ID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber, Level: c.Level,
		Source: string(SourceScore), Departement: c.Departement, OpenedAt: c.OpenedAt}
}

// Escalate raises an open case's level to level when it is higher (a
// business's risk rose); ok is false when the case is closed or at that
// level or above already.
func (c *Case) Escalate(level string, now time.Time) (events.DifficultyCaseEscalated, bool) {
	if !c.Open() || levelRank(level) <= levelRank(c.Level) {
		return events.DifficultyCaseEscalated{}, false
	}
	previous := c.Level
	c.Level = level
	return events.DifficultyCaseEscalated{CaseID: c.ID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber,
		AdvisorIDs: slices.Clone(c.AdvisorIDs), PreviousLevel: previous, Level: level, Departement: c.Departement,
		EscalatedAt: now.UTC()}, true
}
