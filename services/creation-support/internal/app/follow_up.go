package app

import (
	"context"
	"fmt"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// followUp runs one step of a case's journey as p: it locks the case,
// checks that p follows it (access.FollowUp: its advisor, or a manager of
// its chamber), applies step at now, and stores the case with the events
// step returns, in one transaction. what names the step in errors.
func followUp(ctx context.Context, cases CaseChanges, now time.Time, p auth.Principal, caseID, what string,
	step func(c *creation.Case) ([]events.Payload, error)) (creation.Case, error) {
	c, err := cases.Update(ctx, caseID, func(c *creation.Case, _ Directory) ([]events.Event, error) {
		if err := access.FollowUp(p, *c); err != nil {
			return nil, err
		}
		payloads, err := step(c)
		if err != nil {
			return nil, err
		}
		var evs []events.Event
		for _, pl := range payloads {
			ev, err := emit(c, pl, now)
			if err != nil {
				return nil, err
			}
			evs = append(evs, ev...)
		}
		return evs, nil
	})
	if err != nil {
		return creation.Case{}, fmt.Errorf("%s of case %s: %w", what, caseID, err)
	}
	return c, nil
}
