// Package app holds advisor-desk's use cases, one per file, and the small
// interfaces through which they reach storage and the live inbox.
package app

import (
	"context"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// Name is the service's name, written here only: every other spelling
// derives from it (service.Name; the NATS user, durable consumers and
// telemetry name through natsbus.IdentityOf; the CloudEvents source of the
// events it emits; its inbox claims; the prefix of its configuration keys,
// ADVISOR_DESK_).
const Name = "advisor-desk"

// Directory stores advisors. SaveAdvisor runs change inside one
// transaction with the current entry (found=false for a new one) locked;
// change returns the entry to store and its events, or ok=false to leave
// the entry as it is.
type Directory interface {
	SaveAdvisor(ctx context.Context, id string,
		change func(current directory.Advisor, found bool) (next directory.Advisor, evs []events.Event, ok bool, err error)) error
}

// Notifications stores notifications.
type Notifications interface {
	// StoreAll resolves the drafts' recipients and stores one notification
	// each (the first draft naming an advisor wins), together with the
	// inbox claim of trigger. It calls notified with the advisors notified
	// once the notifications are written (never for a duplicate event):
	// alone, after commit; within a unit of work (pgdb.Unit), when the
	// unit flushes, before it commits.
	StoreAll(ctx context.Context, trigger events.Event, ds []notification.Draft, at time.Time,
		notified func(advisorIDs []string)) error
	// List returns an advisor's notifications with id > after, oldest first.
	List(ctx context.Context, advisorID string, after int64, limit int) ([]notification.Notification, error)
}

// DirectoryReader reads the directory.
type DirectoryReader interface {
	// Advisors returns every entry.
	Advisors(ctx context.Context) ([]directory.Advisor, error)
	// Advisor returns an entry; found is false for an unknown id.
	Advisor(ctx context.Context, id string) (a directory.Advisor, found bool, err error)
}

// NotificationLister reads an advisor's notifications.
type NotificationLister interface {
	// List returns an advisor's notifications with id > after, oldest first.
	List(ctx context.Context, advisorID string, after int64, limit int) ([]notification.Notification, error)
}

// Publisher wakes the live streams of advisors after a commit.
type Publisher interface {
	Publish(advisorIDs ...string)
}

// Clock tells the time (tests control it).
type Clock func() time.Time
