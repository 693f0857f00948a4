package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// OpenConcernCase reacts to takeover.offer.difficulty_seen: a takeover
// advisor following the sale of a business saw it in difficulty, so a
// prevention case of source advisor_observation opens for the offer's
// chambers, at level call_back, its kinds the concerns' codes, assigned
// and announced as a creation advisor's observation is
// (difficulty.case.opened). A request has one open case: another concern
// about the same offer while it is open, or the event again, opens
// nothing.
type OpenConcernCase struct {
	Cases Cases
	Now   Clock
}

// Handle opens the case of a concern.
func (uc OpenConcernCase) Handle(ctx context.Context, ev events.Event, p events.TakeoverOfferDifficultySeen) error {
	if err := openCase(ctx, uc.Cases, uc.Now, ev, prevention.ConcernFrom(p)); err != nil {
		return fmt.Errorf("open case for takeover offer %s: %w", p.OfferID, err)
	}
	return nil
}
