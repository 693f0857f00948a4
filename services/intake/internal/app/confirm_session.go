package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/notice"
)

// Sessions keeps the sessions applicants were registered to.
type Sessions interface {
	// RecordSession keeps a registration with the inbox claim of trigger
	// and queues its e-mails (confirmation, reminder the day before).
	RecordSession(ctx context.Context, trigger events.Event, requestID string, s notice.Session) error
}

// ConfirmSession handles creation.session.registered: intake alone holds
// the project holder's address, so it confirms the registration to them,
// and reminds them the day before.
type ConfirmSession struct {
	Sessions Sessions
}

// Handle records the registration.
func (uc ConfirmSession) Handle(ctx context.Context, ev events.Event, p events.CreationSessionRegistered) error {
	s := notice.Session{ID: p.SessionID, Chamber: p.Chamber, Kind: p.Kind, Title: p.Title, StartsAt: p.StartsAt, Place: p.Place}
	if err := uc.Sessions.RecordSession(ctx, ev, p.RequestID, s); err != nil {
		return fmt.Errorf("record session %s of request %s: %w", p.SessionID, p.RequestID, err)
	}
	return nil
}
