package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// CloseCase ends a case before registration: abandoned with a reason
// (creation.case.closed), or redirected to takeover because the holder
// would rather buy a business (creation.case.redirected_to_takeover, from
// which takeover-matching drafts a buyer search).
type CloseCase struct {
	Cases CaseChanges
	Now   Clock
}

// Abandon closes the case as p for one of events.AbandonReasons.
func (uc CloseCase) Abandon(ctx context.Context, p auth.Principal, caseID, reason string) (creation.Case, error) {
	now := uc.Now()
	return followUp(ctx, uc.Cases, now, p, caseID, "abandon", func(c *creation.Case) ([]events.Payload, error) {
		ev, err := c.Abandon(reason, p.Subject, now)
		return []events.Payload{ev}, err
	})
}

// RedirectToTakeover closes the case as p and hands the project to
// takeover.
func (uc CloseCase) RedirectToTakeover(ctx context.Context, p auth.Principal, caseID string) (creation.Case, error) {
	now := uc.Now()
	return followUp(ctx, uc.Cases, now, p, caseID, "redirect to takeover", func(c *creation.Case) ([]events.Payload, error) {
		ev, err := c.RedirectToTakeover(p.Subject, now)
		return []events.Payload{ev}, err
	})
}
