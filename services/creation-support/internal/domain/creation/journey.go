package creation

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/events"
)

// The journey of a project holder once an advisor took the case in charge,
// in its order. StageOpened comes before it (waiting to be taken in charge),
// StageClosed after it (an outcome was recorded).
const (
	StageWelcome      Stage = "welcome"       // accueil: information meeting or interview
	StageDiagnosis    Stage = "diagnosis"     // diagnostic et orientation
	StageTraining     Stage = "training"      // formation (optional since 2019)
	StageBusinessPlan Stage = "business_plan" // business plan
	StageFunding      Stage = "funding"       // financement
	StageFormalities  Stage = "formalities"   // formalités d'immatriculation
	StageFollowUp     Stage = "follow_up"     // suivi post-création
)

// Journey lists the stages of the journey in order.
func Journey() []Stage {
	return []Stage{StageWelcome, StageDiagnosis, StageTraining, StageBusinessPlan, StageFunding,
		StageFormalities, StageFollowUp}
}

// stageLabels are the stages as advisors and applicants read them.
var stageLabels = map[Stage]string{
	StageOpened:       "En attente de prise en charge",
	StageInProgress:   "Pris en charge",
	StageWelcome:      "Accueil",
	StageDiagnosis:    "Diagnostic et orientation",
	StageTraining:     "Formation",
	StageBusinessPlan: "Business plan",
	StageFunding:      "Financement",
	StageFormalities:  "Formalités",
	StageFollowUp:     "Suivi post-création",
	StageClosed:       "Dossier clos",
}

// Label is the stage in the users' words.
func (s Stage) Label() string {
	if l, ok := stageLabels[s]; ok {
		return l
	}
	return string(s)
}

// position is the stage's rank in the journey, -1 outside it.
func (s Stage) position() int { return slices.Index(Journey(), s) }

// InJourney tells whether the stage is one of the journey's.
func (s Stage) InJourney() bool { return s.position() >= 0 }

// Reasons an advisor gives for skipping stages or stepping back. The
// advisor's own words (Move.Comment) stay in this service; the event
// carries the code.
const (
	ReasonNotNeeded       = "not_needed"      // skip: the stage has no object for this project
	ReasonDoneElsewhere   = "done_elsewhere"  // skip: done with another network or earlier
	ReasonHolderChoice    = "holder_choice"   // skip: the project holder declines it
	ReasonNewInformation  = "new_information" // back: a fact changed the project
	ReasonIncomplete      = "incomplete"      // back: the earlier stage's work must be redone
	ReasonOtherTransition = "other"           // either, explained in the comment
)

// A move to the next stage takes no reason: its exit criteria justify it.
const reasonForward = ""

// SkipReasons are the reasons that may justify skipping stages.
func SkipReasons() []string {
	return []string{ReasonNotNeeded, ReasonDoneElsewhere, ReasonHolderChoice, ReasonOtherTransition}
}

// BackReasons are the reasons that may justify a step back.
func BackReasons() []string {
	return []string{ReasonNewInformation, ReasonIncomplete, ReasonOtherTransition}
}

// Errors of the journey's rules.
var (
	// ErrNotTakenInCharge: the journey starts when an advisor takes the
	// case in charge.
	ErrNotTakenInCharge = errors.New("case not taken in charge yet")
	// ErrSameStage: the case is already at that stage.
	ErrSameStage = errors.New("case already at this stage")
	// ErrExitCriteria: the current stage's exit criteria are not met (see
	// UnmetCriteria for which).
	ErrExitCriteria = errors.New("exit criteria not met")
)

// UnmetCriteria lists, in French, what the current stage still lacks
// before the case may move on without skipping it.
type UnmetCriteria struct {
	Stage   Stage
	Missing []string
}

func (e *UnmetCriteria) Error() string {
	return fmt.Sprintf("%s: %s", ErrExitCriteria, strings.Join(e.Missing, "; "))
}

// Is makes errors.Is(err, ErrExitCriteria) hold.
func (e *UnmetCriteria) Is(target error) bool { return target == ErrExitCriteria }

// Move is an advisor's decision to move a case to another stage of the
// journey.
type Move struct {
	To        Stage
	Reason    string // required to skip stages or step back (SkipReasons, BackReasons)
	Comment   string // the advisor's own words; never leaves this service
	AdvisorID string // who decides
	At        time.Time
}

// StageChange is a recorded move: the timeline keeps it with its comment.
type StageChange struct {
	From, To  Stage
	Reason    string
	Comment   string
	AdvisorID string
	At        time.Time
}

// Direction of a move along the journey.
type direction int

const (
	forward direction = iota // to the next stage
	skip                     // beyond the next stage
	back                     // to an earlier stage
)

// MoveTo moves the case along its journey and returns the event to emit.
// Moving to the next stage needs the current stage's exit criteria
// (*UnmetCriteria otherwise); skipping stages needs a skip reason and
// stepping back a back reason (*InvalidInput otherwise). Follow-up is
// reached by recording the registration (Register), and a case leaves the
// journey by an outcome, not by a move.
func (c *Case) MoveTo(m Move) (StageChange, events.CreationCaseStageChanged, error) {
	if err := c.checkInJourney(); err != nil {
		return StageChange{}, events.CreationCaseStageChanged{}, err
	}
	dir, err := c.direction(m.To)
	if err != nil {
		return StageChange{}, events.CreationCaseStageChanged{}, err
	}
	if err := c.checkMove(m, dir); err != nil {
		return StageChange{}, events.CreationCaseStageChanged{}, err
	}
	ch, ev := c.changeStage(m.To, m.Reason, strings.TrimSpace(m.Comment), m.AdvisorID, m.At)
	return ch, ev, nil
}

// checkInJourney reports why a case outside the journey cannot move: a
// registered business is followed up, and never steps back into the
// journey (its registration is a fact).
func (c *Case) checkInJourney() error {
	switch {
	case c.Stage == StageClosed:
		return ErrClosed
	case c.Stage == StageOpened:
		return ErrNotTakenInCharge
	case c.Outcome.Kind == events.OutcomeRegistered:
		return ErrRegistered
	}
	return nil
}

// direction classifies a move to target from the case's stage.
func (c *Case) direction(target Stage) (direction, error) {
	to := target.position()
	if to < 0 || target == StageFollowUp {
		return 0, &InvalidInput{Fields: []FieldProblem{{"to", "invalid", "Étape attendue parmi : " + journeyTargets() + "."}}}
	}
	from := c.journeyStage().position()
	switch {
	case to == from:
		return 0, ErrSameStage
	case to == from+1:
		return forward, nil
	case to > from:
		return skip, nil
	}
	return back, nil
}

// journeyStage is the case's stage in the journey: a case taken in
// charge before the journey existed (StageInProgress) is at its start.
func (c *Case) journeyStage() Stage {
	if c.Stage == StageInProgress {
		return StageWelcome
	}
	return c.Stage
}

func journeyTargets() string {
	var out []string
	for _, s := range Journey() {
		if s != StageFollowUp {
			out = append(out, string(s))
		}
	}
	return strings.Join(out, ", ")
}

// checkMove applies the rule of the move's direction.
func (c *Case) checkMove(m Move, dir direction) error {
	var bad []FieldProblem
	if utf8.RuneCountInString(strings.TrimSpace(m.Comment)) > MaxCommentRunes {
		bad = append(bad, FieldProblem{"comment", "too_long", fmt.Sprintf("%d caractères au plus.", MaxCommentRunes)})
	}
	switch dir {
	case forward:
		if m.Reason != reasonForward {
			bad = append(bad, FieldProblem{"reason", "unexpected", "Le passage à l'étape suivante ne prend pas de motif."})
		}
	case skip:
		bad = append(bad, reasonProblem(m.Reason, SkipReasons(), "Passer une étape demande un motif.")...)
	case back:
		bad = append(bad, reasonProblem(m.Reason, BackReasons(), "Revenir à une étape antérieure demande un motif.")...)
	}
	if m.Reason == ReasonOtherTransition && strings.TrimSpace(m.Comment) == "" {
		bad = append(bad, FieldProblem{"comment", "required", "Précisez le motif « autre »."})
	}
	if len(bad) > 0 {
		return &InvalidInput{Fields: bad}
	}
	if dir == forward {
		return c.Facts.ExitCriteria(c.journeyStage())
	}
	return nil
}

func reasonProblem(reason string, allowed []string, missing string) []FieldProblem {
	switch {
	case reason == "":
		return []FieldProblem{{"reason", "required", missing}}
	case !slices.Contains(allowed, reason):
		return []FieldProblem{{"reason", "invalid", "Motif attendu parmi : " + strings.Join(allowed, ", ") + "."}}
	}
	return nil
}

// changeStage records the move and builds its event, which names who,
// from, to and the reason code, and nothing personal.
func (c *Case) changeStage(to Stage, reason, comment, advisorID string, at time.Time) (StageChange, events.CreationCaseStageChanged) {
	at = at.UTC()
	ch := StageChange{From: c.journeyStage(), To: to, Reason: reason, Comment: comment, AdvisorID: advisorID, At: at}
	c.Stage, c.UpdatedAt = to, at
	c.Timeline = append(c.Timeline, ch)
	return ch, events.CreationCaseStageChanged{CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber,
		SecondaryChamber: c.SecondaryChamber, AdvisorID: advisorID, From: string(ch.From), To: string(to),
		Reason: reason, ChangedAt: at}
}
