package projection

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/events"
)

// Advisors stores a service's projection of the directory: its Postgres
// adapter, whose UpsertAdvisor runs Apply and keeps the entry with the
// highest revision.
type Advisors interface {
	UpsertAdvisor(ctx context.Context, a directory.Advisor) error
}

// ProjectAdvisor is the use case every assigning service runs on
// advisor.directory.updated: it keeps the service's copy of the directory
// entry, so that assignment reads it locally.
type ProjectAdvisor struct {
	Advisors Advisors
}

// Handle applies a directory change.
func (uc ProjectAdvisor) Handle(ctx context.Context, _ events.Event, p events.AdvisorUpdated) error {
	if err := uc.Advisors.UpsertAdvisor(ctx, directory.FromEvent(p)); err != nil {
		return fmt.Errorf("project advisor %s: %w", p.AdvisorID, err)
	}
	return nil
}
