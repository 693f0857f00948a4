package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/events"
)

// ProjectAdvisor keeps the local projection of the advisor directory.
type ProjectAdvisor struct {
	Advisors Advisors
}

// Handle applies a directory change; a stale revision changes nothing.
func (uc ProjectAdvisor) Handle(ctx context.Context, ev events.Event, p events.AdvisorUpdated) error {
	if err := uc.Advisors.UpsertAdvisor(ctx, ev, directory.FromEvent(p)); err != nil {
		return fmt.Errorf("project advisor %s: %w", p.AdvisorID, err)
	}
	return nil
}
