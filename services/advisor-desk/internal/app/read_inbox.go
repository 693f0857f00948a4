package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// InboxStore reads and updates an advisor's inbox.
type InboxStore interface {
	Inbox(ctx context.Context, advisorID string, f notification.Filter) (notification.Inbox, error)
	MarkRead(ctx context.Context, advisorID string, ids []int64, at time.Time) (unread int, err error)
}

// ReadInbox returns a page of an advisor's own inbox.
type ReadInbox struct {
	Inboxes InboxStore
}

// Read returns the page the filter selects, or notification.ErrBadFilter.
func (uc ReadInbox) Read(ctx context.Context, advisorID string, f notification.Filter) (notification.Inbox, error) {
	if err := f.Validate(); err != nil {
		return notification.Inbox{}, err
	}
	in, err := uc.Inboxes.Inbox(ctx, advisorID, f)
	if err != nil {
		return notification.Inbox{}, fmt.Errorf("read inbox of %s: %w", advisorID, err)
	}
	return in, nil
}
