package creation

import (
	"errors"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Errors of the outcomes and the follow-up.
var (
	ErrNotAtFormalities  = errors.New("registration is recorded at the formalities stage")
	ErrRegistered        = errors.New("the business is registered: its follow-up records what becomes of it")
	ErrNoSuchCheckpoint  = errors.New("no such checkpoint")
	ErrCheckpointNotDue  = errors.New("checkpoint not due yet")
	ErrCheckpointWritten = errors.New("checkpoint already recorded")
)

// Checkpoint is one post-creation follow-up: 6 months, 1, 2 and 3 years
// after registration.
type Checkpoint struct {
	Label string // "6 mois", "1 an", ...
	Due   time.Time
	// Recorded is when the advisor recorded it (zero: not yet).
	Recorded     time.Time
	StillActive  bool
	Headcount    int
	Difficulties bool
}

// checkpointPlan is when follow-ups fall after registration.
var checkpointPlan = []struct {
	label         string
	years, months int
}{{"6 mois", 0, 6}, {"1 an", 1, 0}, {"2 ans", 2, 0}, {"3 ans", 3, 0}}

// PlanCheckpoints returns the follow-ups of a business registered on date.
func PlanCheckpoints(registered time.Time) []Checkpoint {
	out := make([]Checkpoint, len(checkpointPlan))
	for i, p := range checkpointPlan {
		out[i] = Checkpoint{Label: p.label, Due: registered.AddDate(p.years, p.months, 0).UTC()}
	}
	return out
}

// CheckpointReport is what the advisor found at a follow-up.
type CheckpointReport struct {
	StillActive  bool
	Headcount    int
	Difficulties bool
}

// FollowUpResult is what recording a checkpoint caused: Closed is set when
// it ended the follow-up (the last checkpoint, or a business no longer
// active); Signal when the advisor saw difficulties in a business still
// active, which the prevention cell must hear of (difficulty-alert opens
// a prevention case from it). A business that ceased raises none: there
// is nothing left to prevent, and its case closes.
type FollowUpResult struct {
	Closed *events.CreationCaseClosed
	Signal *events.CreationCaseDifficultySeen
	// Identified goes with Signal when the case has a registered SIREN:
	// the business's identity for difficulty-alert alone, on the
	// confidential PREVENTION stream (Signal, which every consumer of
	// CREATION reads, carries no SIREN).
	Identified *events.PreventionObservationIdentified
}

// RecordCheckpoint records the i-th follow-up (from 0), due by now. A
// business no longer active closes the case (outcome ceased); the last
// checkpoint of an active one closes it as followed up.
func (c *Case) RecordCheckpoint(i int, r CheckpointReport, advisorID string, now time.Time) (FollowUpResult, error) {
	if r.Headcount < 0 { // input first: a bad report says nothing of the case
		return FollowUpResult{}, &InvalidInput{Fields: []FieldProblem{{"headcount", "invalid", "Effectif positif ou nul attendu."}}}
	}
	if c.Stage != StageFollowUp {
		return FollowUpResult{}, ErrNoSuchCheckpoint
	}
	if i < 0 || i >= len(c.Checkpoints) {
		return FollowUpResult{}, ErrNoSuchCheckpoint
	}
	cp := &c.Checkpoints[i]
	switch {
	case !cp.Recorded.IsZero():
		return FollowUpResult{}, ErrCheckpointWritten
	case cp.Due.After(now):
		return FollowUpResult{}, ErrCheckpointNotDue
	}
	cp.Recorded, cp.StillActive, cp.Headcount, cp.Difficulties = now.UTC(), r.StillActive, r.Headcount, r.Difficulties
	c.UpdatedAt = now.UTC()
	var res FollowUpResult
	if r.Difficulties && r.StillActive {
		res.Signal = c.difficultySeen(i, advisorID, now)
		res.Identified = c.observationIdentified(i, now)
	}
	switch {
	case !r.StillActive:
		ev := c.close(events.OutcomeCeased, "", advisorID, now)
		res.Closed = &ev
	case i == len(c.Checkpoints)-1:
		ev := c.close(events.OutcomeFollowedUp, "", advisorID, now)
		res.Closed = &ev
	}
	return res, nil
}

// difficultySeen is the signal of the i-th checkpoint: codes that place
// the business (activity, département, EPCI), never its SIREN nor the
// advisor's words.
func (c *Case) difficultySeen(i int, advisorID string, now time.Time) *events.CreationCaseDifficultySeen {
	return &events.CreationCaseDifficultySeen{CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber,
		SecondaryChamber: c.SecondaryChamber, AdvisorID: advisorID, NAFCode: c.NAFCode, NAFVersion: c.NAFVersion,
		Departement: c.Departement, EPCI: c.EPCI, CheckpointIndex: i, CheckpointLabel: c.Checkpoints[i].Label, SeenAt: now.UTC()}
}

// observationIdentified names the business the advisor saw in difficulty
// at the i-th checkpoint by its registered SIREN, for difficulty-alert
// alone; nil when the case has no SIREN recorded.
func (c *Case) observationIdentified(i int, now time.Time) *events.PreventionObservationIdentified {
	if !c.Facts.Registration.Recorded() {
		return nil
	}
	return &events.PreventionObservationIdentified{CaseID: c.ID, RequestID: c.RequestID, CheckpointIndex: i,
		SIREN: c.Facts.Registration.SIREN, ObservedAt: now.UTC()}
}

// NextCheckpoint returns the first follow-up not yet recorded.
func (c *Case) NextCheckpoint() (int, Checkpoint, bool) {
	for i, cp := range c.Checkpoints {
		if cp.Recorded.IsZero() {
			return i, cp, true
		}
	}
	return 0, Checkpoint{}, false
}
