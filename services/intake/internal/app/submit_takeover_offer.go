package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// SubmitTakeoverOffer accepts a business for sale: it validates the offer
// against the reference data, routes it, and stores it with
// intake.takeover.offer_submitted in one transaction.
type SubmitTakeoverOffer struct {
	Requests Requests
	Ref      request.TakeoverReference
	Router   routing.Router
	Now      Clock
}

// Submit validates and stores the offer. Validation errors wrap
// request.ErrInvalid and carry request.Problems.
func (uc SubmitTakeoverOffer) Submit(ctx context.Context, in request.TakeoverOfferInput, idem *Idempotency) (Submitted, error) {
	id, err := newID()
	if err != nil {
		return Submitted{}, err
	}
	o, err := request.NewTakeoverOffer(id, in, uc.Ref, uc.Router, uc.Now())
	if err != nil {
		return Submitted{}, err
	}
	ev, err := events.New(Name, o.ID, o.Commune.Departement, o.Submitted(), o.SubmittedAt)
	if err != nil {
		return Submitted{}, err
	}
	stored, err := uc.Requests.SaveTakeoverOffer(ctx, o, idem, []events.Event{ev})
	if err != nil {
		return Submitted{}, fmt.Errorf("save takeover offer: %w", err)
	}
	return outcome(ctx, uc.Requests, stored, o.ID, o.Routing)
}
