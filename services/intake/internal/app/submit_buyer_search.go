package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// SubmitBuyerSearch accepts the search of someone who wants to take over a
// business: it validates the search against the reference data, routes it
// by its sectors, and stores it with intake.takeover.search_submitted in
// one transaction.
type SubmitBuyerSearch struct {
	Requests Requests
	Ref      request.SearchReference
	Router   routing.Router
	Now      Clock
}

// Submit validates and stores the search. Validation errors wrap
// request.ErrInvalid and carry request.Problems.
func (uc SubmitBuyerSearch) Submit(ctx context.Context, in request.BuyerSearchInput, idem *Idempotency) (Submitted, error) {
	id, err := newID()
	if err != nil {
		return Submitted{}, err
	}
	b, err := request.NewBuyerSearch(id, in, uc.Ref, uc.Router, uc.Now())
	if err != nil {
		return Submitted{}, err
	}
	// A search without a home département travels under "_".
	ev, err := events.New(Name, b.ID, b.Territory, b.Submitted(), b.SubmittedAt)
	if err != nil {
		return Submitted{}, err
	}
	stored, err := uc.Requests.SaveBuyerSearch(ctx, b, idem, []events.Event{ev})
	if err != nil {
		return Submitted{}, fmt.Errorf("save buyer search: %w", err)
	}
	return outcome(ctx, uc.Requests, stored, b.ID, b.Routing)
}
