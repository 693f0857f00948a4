package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// MoveStage moves a case along the creation journey
// (creation.case.stage_changed): to the next stage once the current one's
// exit criteria are met, beyond it or back with a reason.
type MoveStage struct {
	Cases CaseChanges
	Now   Clock
}

// MoveInput is what the advisor sends.
type MoveInput struct {
	To      creation.Stage
	Reason  string
	Comment string
}

// Do moves the case as p.
func (uc MoveStage) Do(ctx context.Context, p auth.Principal, caseID string, in MoveInput) (creation.Case, error) {
	now := uc.Now()
	return followUp(ctx, uc.Cases, now, p, caseID, "move stage", func(c *creation.Case) ([]events.Payload, error) {
		_, ev, err := c.MoveTo(creation.Move{To: in.To, Reason: in.Reason, Comment: in.Comment, AdvisorID: p.Subject, At: now})
		return []events.Payload{ev}, err
	})
}
