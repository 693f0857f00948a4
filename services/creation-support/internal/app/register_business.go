package app

import (
	"context"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// RegisterBusiness records the registration that ends the formalities
// (creation.case.stage_changed to follow-up, and creation.case.registered):
// the project became a business, followed up for three years.
type RegisterBusiness struct {
	Cases CaseChanges
	Now   Clock
}

// Do records the registration as p.
func (uc RegisterBusiness) Do(ctx context.Context, p auth.Principal, caseID string, reg creation.Registration) (creation.Case, error) {
	now := uc.Now()
	return followUp(ctx, uc.Cases, now, p, caseID, "register business", func(c *creation.Case) ([]events.Payload, error) {
		moved, registered, err := c.Register(reg, p.Subject, now)
		return []events.Payload{moved, registered}, err
	})
}
