package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Notify turns domain events into notifications and wakes the live inbox
// of each advisor notified.
type Notify struct {
	Rules         map[string]notification.Rule
	Notifications Notifications
	Live          Publisher
	Now           Clock
	// AfterCommit defers an action until the handler's writes are durable
	// (the consumer may commit several events in one transaction); nil runs
	// it at once, which within a unit of work is before the commit.
	AfterCommit func(ctx context.Context, f func())
}

// Handle notifies the advisors concerned by ev; an event type without a
// rule, or whose rule gives no draft,
// notifies nobody.
func (uc Notify) Handle(ctx context.Context, ev events.Event) error {
	rule, ok := uc.Rules[ev.Type]
	if !ok {
		return nil
	}
	drafts, err := rule(ev)
	if err != nil || len(drafts) == 0 {
		return err
	}
	err = uc.Notifications.StoreAll(ctx, ev, drafts, uc.Now(), func(advisors []string) {
		wake := func() { uc.Live.Publish(advisors...) }
		if uc.AfterCommit == nil {
			wake()
			return
		}
		uc.AfterCommit(ctx, wake)
	})
	if err != nil {
		return fmt.Errorf("notify %s: %w", ev.Type, err)
	}
	return nil
}
