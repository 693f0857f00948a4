package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// SubmitDifficultyReport accepts a difficulty report: it validates it,
// scores its self-diagnosis against the configured thresholds, routes it,
// and stores it with intake.difficulty.reported in one transaction. The
// report is confidential: nothing of what was typed is logged, and the
// event carries codes and the score only; the business's SIREN and SIRET
// go, in the same transaction, in prevention.report.identified, on the
// confidential stream only difficulty-alert reads.
type SubmitDifficultyReport struct {
	Requests   Requests
	Ref        request.Reference
	Router     routing.Router
	Thresholds request.Thresholds
	Now        Clock
}

// Submit validates and stores the report. Validation errors wrap
// request.ErrInvalid and carry request.Problems.
func (uc SubmitDifficultyReport) Submit(ctx context.Context, in request.DifficultyInput, idem *Idempotency) (Submitted, error) {
	id, err := newID()
	if err != nil {
		return Submitted{}, err
	}
	d, err := request.NewDifficulty(id, in, uc.Ref, uc.Router, uc.Thresholds, uc.Now())
	if err != nil {
		return Submitted{}, err
	}
	ev, err := events.New(Name, d.ID, d.Commune.Departement, d.Reported(), d.SubmittedAt)
	if err != nil {
		return Submitted{}, err
	}
	// The business's SIREN and SIRET go to difficulty-alert alone, on the
	// confidential PREVENTION stream, in the same transaction: the report
	// and its business's signal are never one without the other.
	identified, err := events.New(Name, d.ID, d.Commune.Departement, d.Identified(), d.SubmittedAt)
	if err != nil {
		return Submitted{}, err
	}
	stored, err := uc.Requests.SaveDifficulty(ctx, d, idem, []events.Event{ev, identified})
	if err != nil {
		return Submitted{}, fmt.Errorf("save difficulty report: %w", err)
	}
	return outcome(ctx, uc.Requests, stored, d.ID, d.Routing)
}
