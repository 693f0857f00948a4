package app

import (
	"context"
	"fmt"
)

// MarkRead marks an advisor's own notifications read.
type MarkRead struct {
	Inboxes InboxStore
	Now     Clock
}

// MaxMarked bounds the ids of one request.
const MaxMarked = 200

// Mark marks the notifications of ids read, all of them when ids is empty,
// and returns how many remain unread. Ids that are not the advisor's are
// ignored.
func (uc MarkRead) Mark(ctx context.Context, advisorID string, ids []int64) (int, error) {
	if len(ids) > MaxMarked {
		ids = ids[:MaxMarked]
	}
	unread, err := uc.Inboxes.MarkRead(ctx, advisorID, ids, uc.Now())
	if err != nil {
		return 0, fmt.Errorf("mark read for %s: %w", advisorID, err)
	}
	return unread, nil
}
