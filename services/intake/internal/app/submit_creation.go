package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// SubmitCreation accepts a creation project: it validates it against the
// reference data, routes it, and stores it with intake.creation.submitted
// in one transaction.
type SubmitCreation struct {
	Requests Requests
	Ref      request.Reference
	Router   routing.Router
	Now      Clock
}

// Submitted is the outcome of a submission.
type Submitted struct {
	RequestID string
	Routing   events.Routing
}

// Submit validates and stores the request. Validation errors wrap
// request.ErrInvalid and carry request.Problems.
func (uc SubmitCreation) Submit(ctx context.Context, in request.CreationInput, idem *Idempotency) (Submitted, error) {
	id, err := newID()
	if err != nil {
		return Submitted{}, err
	}
	c, err := request.NewCreation(id, in, uc.Ref, uc.Router, uc.Now())
	if err != nil {
		return Submitted{}, err
	}
	ev, err := events.New(Name, c.ID, c.Commune.Departement, c.Submitted(), c.SubmittedAt)
	if err != nil {
		return Submitted{}, err
	}
	stored, err := uc.Requests.SaveCreation(ctx, c, idem, []events.Event{ev})
	if err != nil {
		return Submitted{}, fmt.Errorf("save creation request: %w", err)
	}
	return outcome(ctx, uc.Requests, stored, c.ID, c.Routing)
}
