package prevention

import (
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/events"
)

// HandBackReasons lists why an advisor hands a case back ("pas pour moi"),
// with their French labels, in the order the desk offers them.
func HandBackReasons() []string { return events.DifficultyHandBackReasons() }

// HandBack hands the case back as advisor by of chamber: only an assigned
// advisor (ErrNotAssigned), only while the case waits to be taken in
// charge (ErrAlreadyTaken, ErrClosed), for a known reason (*InvalidInput).
// The case goes to the least loaded other available prevention advisor
// of that chamber covering the business, not assigned to it already, or
// to nobody: the chamber's prevention cell then picks it up.
func (c *Case) HandBack(by, chamber, reason string, candidates []Candidate, at time.Time) (events.DifficultyCaseHandedBack, error) {
	if !slices.Contains(HandBackReasons(), reason) {
		return events.DifficultyCaseHandedBack{}, &InvalidInput{Fields: []FieldProblem{{"reason", "invalid", "Choisissez le motif pour lequel vous rendez le dossier."}}}
	}
	switch c.Status {
	case StatusClosed:
		return events.DifficultyCaseHandedBack{}, ErrClosed
	case StatusTakenInCharge:
		return events.DifficultyCaseHandedBack{}, ErrAlreadyTaken
	}
	i := slices.Index(c.AdvisorIDs, by)
	if i < 0 {
		return events.DifficultyCaseHandedBack{}, ErrNotAssigned
	}
	var eligible []Candidate
	for _, cand := range candidates {
		a := cand.Advisor
		if a.Chamber == chamber && a.AdvisorID != by && !slices.Contains(c.AdvisorIDs, a.AdvisorID) && a.AvailableAt(at) &&
			Prevention(a) && Covers(a, c.Departement, c.Routing.EPCI) {
			eligible = append(eligible, cand)
		}
	}
	next, found := directory.ChooseAdvisor(eligible)
	advisors := slices.Clone(c.AdvisorIDs)
	if found {
		advisors[i] = next
	} else {
		advisors = slices.Delete(advisors, i, i+1)
	}
	c.AdvisorIDs = advisors
	return events.DifficultyCaseHandedBack{
		CaseID: c.ID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber, AdvisorIDs: slices.Clone(advisors),
		PreviousAdvisorID: by, AdvisorID: next, HandBackChamber: chamber, Reason: reason, Departement: c.Departement,
		HandedBackAt: at.UTC(),
	}, nil
}
