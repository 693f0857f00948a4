package creation

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/events"
)

// MaxNextActionRunes bounds the label of a next action.
const MaxNextActionRunes = 200

// NextAction is what the case's advisor plans to do next, by when: an
// overdue one reminds its advisor, as the reminders of a case waiting to
// be taken in charge do.
type NextAction struct {
	Label string
	Due   time.Time
	SetBy string
	SetAt time.Time
}

// Planned tells whether a next action is set.
func (n NextAction) Planned() bool { return n.Label != "" }

// OverdueAt tells whether the action is planned and its due day is over:
// Due is a day (its midnight, UTC, as the advisor picks a date), so an
// action due today is not overdue before tomorrow.
func (n NextAction) OverdueAt(now time.Time) bool {
	return n.Planned() && !n.Due.After(OverdueIfDueBy(now))
}

// OverdueIfDueBy is the latest due date of an action overdue at now: what
// a store looks for (due on or before it).
func OverdueIfDueBy(now time.Time) time.Time { return now.AddDate(0, 0, -1) }

// PlanNext sets the case's next action; a due date in the past is refused
// (it would be overdue at once), today is accepted.
func (c *Case) PlanNext(label string, due time.Time, advisorID string, now time.Time) error {
	if c.Stage == StageClosed {
		return ErrClosed
	}
	label = strings.TrimSpace(label)
	var bad []FieldProblem
	switch n := utf8.RuneCountInString(label); {
	case n == 0:
		bad = append(bad, FieldProblem{"label", "required", "Décrivez la prochaine action."})
	case n > MaxNextActionRunes:
		bad = append(bad, FieldProblem{"label", "too_long", fmt.Sprintf("%d caractères au plus.", MaxNextActionRunes)})
	}
	if due.IsZero() {
		bad = append(bad, FieldProblem{"due", "required", "Date d'échéance attendue."})
	} else if due.Before(startOfDay(now)) {
		bad = append(bad, FieldProblem{"due", "past", "L'échéance ne peut pas être passée."})
	}
	if len(bad) > 0 {
		return &InvalidInput{Fields: bad}
	}
	c.Next = NextAction{Label: label, Due: due.UTC(), SetBy: advisorID, SetAt: now.UTC()}
	c.UpdatedAt = now.UTC()
	return nil
}

// startOfDay is midnight of t's day, in t's location.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// OverdueReminder is the reminder of the case's next action when it is
// overdue at now and the case still open; ok is false otherwise. The
// store sends it once per planned action (replanning the action, its label
// or its due date, allows a new one). The label stays out of the event.
func (c *Case) OverdueReminder(now time.Time) (r events.CreationCaseNextActionOverdue, ok bool) {
	if c.Stage == StageClosed || !c.Next.OverdueAt(now) {
		return r, false
	}
	return events.CreationCaseNextActionOverdue{CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber,
		AdvisorID: c.AdvisorID, Stage: string(c.journeyStage()), Due: c.Next.Due, DetectedAt: now.UTC()}, true
}
