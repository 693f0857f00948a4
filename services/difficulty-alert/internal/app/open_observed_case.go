package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// OpenObservedCase reacts to creation.case.difficulty_seen and
// creation.case.concern_raised: a creation advisor saw difficulties at a
// post-creation checkpoint, or raised a concern between two, so a
// prevention case of source advisor_observation opens for the creation
// case's chambers, at level call_back, assigned and announced as a
// report's (difficulty.case.opened). A request has one open case: a
// later checkpoint with difficulties of the same creation case, a concern
// while it is open, or the event again, opens nothing.
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

// HandleConcern opens the case of a concern raised between two
// checkpoints: linked to the creation case, at no checkpoint, its kinds
// the concerns' codes.
func (uc OpenObservedCase) HandleConcern(ctx context.Context, ev events.Event, p events.CreationCaseConcernRaised) error {
	if err := openCase(ctx, uc.Cases, uc.Now, ev, prevention.CreationConcernFrom(p)); err != nil {
		return fmt.Errorf("open case for concern %s about creation case %s: %w", p.ConcernID, p.CaseID, err)
	}
	return nil
}
