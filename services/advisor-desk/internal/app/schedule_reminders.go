package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/reminder"
)

// ReminderCases keeps the reminder state and timers of cases.
type ReminderCases interface {
	// ApplyReminderChange applies a case event once (inbox), with the
	// case locked.
	ApplyReminderChange(ctx context.Context, trigger events.Event, ch reminder.Change, d reminder.Durations) error
}

// ScheduleReminders keeps durable reminder timers from case events: an
// opening (or registration) with an advisor plans the reminders and the
// escalation, a hand-over restarts them for the new advisor, a taking in
// charge cancels them.
type ScheduleReminders struct {
	Cases     ReminderCases
	Durations reminder.Durations
}

// Handle applies one case event; other events are ignored.
func (uc ScheduleReminders) Handle(ctx context.Context, ev events.Event) error {
	ch, ok, err := reminder.ChangeOf(ev)
	if err != nil || !ok {
		return err
	}
	if err := uc.Cases.ApplyReminderChange(ctx, ev, ch, uc.Durations); err != nil {
		return fmt.Errorf("schedule reminders on %s: %w", ev.Type, err)
	}
	return nil
}

// ReminderEventTypes lists the event types ScheduleReminders reacts to:
// creation cases, takeover offers and buyers' searches, and prevention
// cases, each of which has a "taken in charge" that stops the timers and a
// hand-back that restarts them; an offer or a search withdrawn, concluded
// or expired before it was taken in charge stops them too, and so does a
// prevention case's closing.
func ReminderEventTypes() []events.Payload {
	return []events.Payload{events.CreationCaseOpened{}, events.CreationCaseTakenInCharge{}, events.CreationCaseReassigned{},
		events.TakeoverOfferRegistered{}, events.TakeoverOfferTakenInCharge{}, events.TakeoverOfferReassigned{},
		events.TakeoverOfferStatusChanged{}, events.TakeoverSearchRegistered{}, events.TakeoverSearchTakenInCharge{},
		events.TakeoverSearchReassigned{}, events.TakeoverSearchStatusChanged{},
		events.DifficultyCaseOpened{}, events.DifficultyCaseTakenInCharge{}, events.DifficultyCaseClosed{},
		events.DifficultyCaseHandedBack{}}
}
