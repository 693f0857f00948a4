package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/access"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
)

// ErrForbidden is the refusal of the access rules (403).
var ErrForbidden = errors.New("access refused")

// ReadNotifications serves an advisor's notifications to the readers the
// access rules allow: the advisor themself, and a manager of their
// chamber.
type ReadNotifications struct {
	Directory     DirectoryReader
	Notifications NotificationLister
}

// Open applies the rules to p reading the notifications of advisorID and
// returns the pages p may then read: ErrForbidden when the rules refuse,
// directory.ErrUnknown for an unknown advisor (told only to those who
// could read their notifications). The advisor's entry is looked up only
// when the rules need it (access.NeedsOwner) or p reads their own, so that
// an advisor learns nothing about other ids, not even whether they exist.
// A live stream opens once and reads many pages.
func (uc ReadNotifications) Open(ctx context.Context, p auth.Principal, advisorID string) (NotificationPages, error) {
	var owner *directory.Advisor
	if p.Subject == advisorID || access.NeedsOwner(p, advisorID) {
		a, found, err := uc.Directory.Advisor(ctx, advisorID)
		if err != nil {
			return NotificationPages{}, fmt.Errorf("read advisor %s: %w", advisorID, err)
		}
		if !found {
			return NotificationPages{}, directory.ErrUnknown
		}
		owner = &a
	}
	if !access.ReadNotifications(p, advisorID, owner) {
		return NotificationPages{}, ErrForbidden
	}
	return NotificationPages{advisorID: advisorID, list: uc.Notifications}, nil
}

// NotificationPages reads the notifications of one advisor, for a reader
// the rules let read them (ReadNotifications.Open).
type NotificationPages struct {
	advisorID string
	list      NotificationLister
}

// AdvisorID is the advisor whose notifications these are.
func (n NotificationPages) AdvisorID() string { return n.advisorID }

// After returns the notifications with id > after, oldest first, at most
// limit.
func (n NotificationPages) After(ctx context.Context, after int64, limit int) ([]notification.Notification, error) {
	ns, err := n.list.List(ctx, n.advisorID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list notifications of %s: %w", n.advisorID, err)
	}
	return ns, nil
}
