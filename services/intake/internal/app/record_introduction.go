package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"
)

// Introduction is a takeover match whose sides were introduced: the
// seller's request and the buyer's.
type Introduction struct {
	MatchID         string
	OfferRequestID  string
	SearchRequestID string
}

// Introductions keeps takeover introductions.
type Introductions interface {
	// RecordIntroduction keeps, with the inbox claim of trigger, that each
	// request was introduced to the other (the grant the access rules
	// read), and queues one e-mail to each applicant, once. A request
	// intake does not hold (or no longer holds) gets neither.
	RecordIntroduction(ctx context.Context, trigger events.Event, in Introduction) error
}

// RecordIntroduction handles takeover.match.stage_changed: when a match
// reaches "introduced", the advisors of each side may read the other
// side's request with its contact details (intake holds them), and intake
// tells both applicants. The other steps concern intake in nothing.
type RecordIntroduction struct {
	Introductions Introductions
}

// Handle records an introduction.
func (uc RecordIntroduction) Handle(ctx context.Context, ev events.Event, p events.TakeoverMatchStageChanged) error {
	if p.To != events.MatchStageIntroduced || p.From == events.MatchStageIntroduced {
		return nil
	}
	in := Introduction{MatchID: p.MatchID, OfferRequestID: p.OfferRequestID, SearchRequestID: p.SearchRequestID}
	if err := uc.Introductions.RecordIntroduction(ctx, ev, in); err != nil {
		return fmt.Errorf("record introduction of match %s: %w", p.MatchID, err)
	}
	return nil
}
