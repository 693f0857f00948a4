package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/reminder"
)

// ReminderTimers fires due timers.
type ReminderTimers interface {
	FireDueReminders(ctx context.Context, now time.Time, limit int,
		notice func(reminder.Timer) reminder.Notice) (fired int, notified []string, err error)
}

// FireReminders is the periodic job that fires due reminders: each becomes
// a notification (and its e-mail) in the transaction that marks it fired,
// so it survives restarts and fires once however many replicas run it.
type FireReminders struct {
	Timers ReminderTimers
	Live   Publisher
	Now    Clock
	Log    *slog.Logger
	// Batch bounds the timers fired in one transaction (default 100).
	Batch int
}

// Run fires every timer due now, batch after batch.
func (uc FireReminders) Run(ctx context.Context) error {
	batch := uc.Batch
	if batch <= 0 {
		batch = 100
	}
	for {
		now := uc.Now()
		fired, notified, err := uc.Timers.FireDueReminders(ctx, now, batch, func(t reminder.Timer) reminder.Notice {
			return reminder.NoticeOf(t, now)
		})
		if err != nil {
			return fmt.Errorf("fire reminders: %w", err)
		}
		if fired > 0 {
			uc.Log.InfoContext(ctx, "reminders fired", "timers", fired, "notifications", len(notified))
		}
		if len(notified) > 0 {
			uc.Live.Publish(notified...)
		}
		if fired < batch {
			return nil
		}
	}
}
