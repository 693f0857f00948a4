package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// OpenCase reacts to intake.creation.submitted: it opens exactly one case
// per request and assigns the least loaded advisor of the lead chamber.
type OpenCase struct {
	Cases Cases
	Now   Clock
}

// Handle opens the case of a submitted request. A request routed to no
// chamber needs no case and is acknowledged as is.
func (uc OpenCase) Handle(ctx context.Context, ev events.Event, p events.CreationSubmitted) error {
	req, err := creation.RequestFrom(p)
	if errors.Is(err, creation.ErrNoChamber) {
		return nil
	}
	if err != nil {
		return err
	}
	err = uc.Cases.OpenCase(ctx, ev, req, func(candidates []creation.AdvisorLoad) (creation.Case, []events.Event, error) {
		now := uc.Now()
		advisor, _ := creation.ChooseAdvisor(creation.Covering(candidates, req.Place()), now)
		id, err := uuid.NewV7()
		if err != nil {
			return creation.Case{}, nil, fmt.Errorf("case id: %w", err)
		}
		c, opened := creation.Open(req, id.String(), advisor, now)
		out, err := events.New(Name, c.ID, c.Departement, opened, c.OpenedAt)
		if err != nil {
			return creation.Case{}, nil, err
		}
		return c, []events.Event{out}, nil
	})
	if err != nil {
		return fmt.Errorf("open case for request %s: %w", req.RequestID, err)
	}
	return nil
}
