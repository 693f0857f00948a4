package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Progress records what the chambers did with a request.
type Progress interface {
	// MarkAssigned moves a request to StatusAssigned, once, together with
	// the inbox claim of trigger; a request already further along, or a
	// repeated event, changes nothing.
	MarkAssigned(ctx context.Context, trigger events.Event, requestID string, at time.Time) error
}

// TrackCase feeds the applicant's status page from the chambers' events:
// when creation-support opens the case of a request and assigns an
// advisor, the request shows as assigned.
type TrackCase struct {
	Progress Progress
}

// CaseOpened handles creation.case.opened. A case without an advisor is
// not yet in anybody's hands: the status stays as it is.
func (uc TrackCase) CaseOpened(ctx context.Context, ev events.Event, p events.CreationCaseOpened) error {
	if p.AdvisorID == "" {
		return nil
	}
	if err := uc.Progress.MarkAssigned(ctx, ev, p.RequestID, p.OpenedAt); err != nil {
		return fmt.Errorf("mark request %s assigned: %w", p.RequestID, err)
	}
	return nil
}
