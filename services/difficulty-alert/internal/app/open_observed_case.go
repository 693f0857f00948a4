package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// OpenObservedCase reacts to creation.case.difficulty_seen: a creation
// advisor saw difficulties at a post-creation checkpoint, so a prevention
// case of source advisor_observation opens for the creation case's
// chambers, at level call_back, assigned and announced as a report's
// (difficulty.case.opened). A request has one case: a later checkpoint
// with difficulties of the same creation case, or the event again, opens
// nothing.
type OpenObservedCase struct {
	Cases Cases
	Now   Clock
}

// Handle opens the case of an observation.
func (uc OpenObservedCase) Handle(ctx context.Context, ev events.Event, p events.CreationCaseDifficultySeen) error {
	if err := openCase(ctx, uc.Cases, uc.Now, ev, prevention.ObservationFrom(p)); err != nil {
		return fmt.Errorf("open case for creation case %s: %w", p.CaseID, err)
	}
	return nil
}
