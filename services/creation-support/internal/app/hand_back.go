package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// HandBack is "pas pour moi": the assigned advisor hands the case back
// with a reason, and it goes at once to the least loaded other available
// advisor of the same chamber, or of the other chamber
// (creation.case.reassigned).
type HandBack struct {
	Cases CaseChanges
	Now   Clock
}

// HandBackInput is what the advisor sends.
type HandBackInput struct {
	Reason    string
	Comment   string
	ToChamber string
}

// Do hands the case back as p. Input errors come first (an
// *creation.InvalidInput), then access, then the case's state.
func (uc HandBack) Do(ctx context.Context, p auth.Principal, caseID string, in HandBackInput) (creation.Case, error) {
	now := uc.Now()
	h, err := creation.NewHandBack(p.Subject, in.Reason, in.Comment, in.ToChamber, now)
	if err != nil {
		return creation.Case{}, err
	}
	c, err := uc.Cases.Update(ctx, caseID, func(c *creation.Case, dir Directory) ([]events.Event, error) {
		if err := access.ActAsAssignee(p, *c); err != nil {
			return nil, err
		}
		if err := c.CheckHandBack(); err != nil {
			return nil, err
		}
		chamber, err := c.HandBackChamber(h)
		if err != nil {
			return nil, err
		}
		candidates, err := dir.Candidates(ctx, chamber, c.Departement)
		if err != nil {
			return nil, err
		}
		moved, err := c.HandBack(h, candidates)
		if err != nil {
			return nil, err
		}
		return emit(c, moved, now)
	})
	if err != nil {
		return creation.Case{}, fmt.Errorf("hand case %s back: %w", caseID, err)
	}
	return c, nil
}
