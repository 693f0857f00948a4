package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// OfferBusinesses names the business behind an offer's request.
type OfferBusinesses interface {
	// IdentifyOfferBusiness runs, in one transaction with the inbox claim
	// of trigger, identify on the SIRET the takeover offer request
	// requestID holds, and queues the event it returns in the outbox. A
	// request intake does not hold, an anonymised one (its SIRET erased)
	// or identify's ok=false queues nothing, and the claim commits all
	// the same.
	IdentifyOfferBusiness(ctx context.Context, trigger events.Event, requestID string,
		identify func(siret string) (ev events.Event, ok bool, err error)) error
}

// IdentifyConcernedBusiness handles takeover.offer.difficulty_seen: a
// takeover advisor raised a concern about a business for sale, and
// difficulty-alert must learn which business it is to score it. Intake
// keeps the SIRET of every offer, so it names the business, on the
// confidential PREVENTION stream that only difficulty-alert reads
// (prevention.concern.identified), in the same transaction as its claim
// of the event. The applicant is not told: the prevention cell reaches
// them (as for a creation advisor's observation, see
// TrackCase.DifficultyCaseOpened).
type IdentifyConcernedBusiness struct {
	Offers OfferBusinesses
}

// Handle names the business of a concern.
func (uc IdentifyConcernedBusiness) Handle(ctx context.Context, ev events.Event, p events.TakeoverOfferDifficultySeen) error {
	err := uc.Offers.IdentifyOfferBusiness(ctx, ev, p.RequestID, func(siret string) (events.Event, bool, error) {
		identified, ok := request.ConcernIdentified(p, siret)
		if !ok {
			return events.Event{}, false, nil
		}
		// Subject and territory as the concern's own event: the offer,
		// the business's département.
		out, err := events.New(Name, p.OfferID, ev.Territory(), identified, p.SeenAt)
		return out, err == nil, err
	})
	if err != nil {
		return fmt.Errorf("identify business of concern %s on offer %s: %w", p.ConcernID, p.OfferID, err)
	}
	return nil
}
