package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Progress records what the chambers did with a request.
type Progress interface {
	// Advance applies step to its request together with the inbox claim of
	// trigger; a repeated event, or a step older than the last one applied,
	// changes nothing.
	Advance(ctx context.Context, trigger events.Event, step request.Step) error
}

// TrackCase feeds the applicant's status page from the chambers' events:
// which chamber holds the request, whether an advisor is assigned, and
// whether they took it in charge. One method an event type; each turns the
// event into a request.Step.
type TrackCase struct {
	Progress Progress
}

func (uc TrackCase) advance(ctx context.Context, ev events.Event, step request.Step) error {
	if err := uc.Progress.Advance(ctx, ev, step); err != nil {
		return fmt.Errorf("advance request %s to %s: %w", step.RequestID, step.Status, err)
	}
	return nil
}

// CaseOpened handles creation.case.opened. A case without an advisor is
// not yet in anybody's hands: the request still shows as received.
func (uc TrackCase) CaseOpened(ctx context.Context, ev events.Event, p events.CreationCaseOpened) error {
	return uc.advance(ctx, ev, request.AdvisorStep(p.RequestID, p.Chamber, p.AdvisorID, p.OpenedAt))
}

// CaseTakenInCharge handles creation.case.taken_in_charge.
func (uc TrackCase) CaseTakenInCharge(ctx context.Context, ev events.Event, p events.CreationCaseTakenInCharge) error {
	return uc.advance(ctx, ev, request.Step{RequestID: p.RequestID, Status: request.StatusInCharge, Chamber: p.Chamber,
		Advisors: []string{p.AdvisorID}, At: p.TakenAt})
}

// CaseReassigned handles creation.case.reassigned: the case may have moved
// to the other chamber, and the new advisor has yet to take it in charge.
func (uc TrackCase) CaseReassigned(ctx context.Context, ev events.Event, p events.CreationCaseReassigned) error {
	return uc.advance(ctx, ev, request.AdvisorStep(p.RequestID, p.Chamber, p.AdvisorID, p.ReassignedAt))
}

// OfferRegistered handles takeover.offer.registered.
func (uc TrackCase) OfferRegistered(ctx context.Context, ev events.Event, p events.TakeoverOfferRegistered) error {
	return uc.advance(ctx, ev, request.AdvisorStep(p.RequestID, p.Chamber, p.AdvisorID, p.RegisteredAt))
}

// SearchRegistered handles takeover.search.registered. A draft search
// comes from a creation project redirected to takeover, whose status page
// already says so (CaseRedirectedToTakeover): nothing changes.
func (uc TrackCase) SearchRegistered(ctx context.Context, ev events.Event, p events.TakeoverSearchRegistered) error {
	if p.Draft {
		return nil
	}
	return uc.advance(ctx, ev, request.AdvisorStep(p.RequestID, p.Chamber, p.AdvisorID, p.RegisteredAt))
}

// OfferTakenInCharge handles takeover.offer.taken_in_charge: the seller's
// advisor has the offer in hand.
func (uc TrackCase) OfferTakenInCharge(ctx context.Context, ev events.Event, p events.TakeoverOfferTakenInCharge) error {
	return uc.advance(ctx, ev, request.Step{RequestID: p.RequestID, Status: request.StatusInCharge, Chamber: p.Chamber,
		Advisors: []string{p.AdvisorID}, At: p.TakenAt})
}

// OfferReassigned handles takeover.offer.reassigned: handed back to
// another advisor (or to nobody yet), who has yet to take it in charge.
func (uc TrackCase) OfferReassigned(ctx context.Context, ev events.Event, p events.TakeoverOfferReassigned) error {
	return uc.advance(ctx, ev, request.AdvisorStep(p.RequestID, p.Chamber, p.AdvisorID, p.ReassignedAt))
}

// SearchTakenInCharge handles takeover.search.taken_in_charge.
func (uc TrackCase) SearchTakenInCharge(ctx context.Context, ev events.Event, p events.TakeoverSearchTakenInCharge) error {
	return uc.advance(ctx, ev, request.Step{RequestID: p.RequestID, Status: request.StatusInCharge, Chamber: p.Chamber,
		Advisors: []string{p.AdvisorID}, At: p.TakenAt})
}

// SearchReassigned handles takeover.search.reassigned.
func (uc TrackCase) SearchReassigned(ctx context.Context, ev events.Event, p events.TakeoverSearchReassigned) error {
	return uc.advance(ctx, ev, request.AdvisorStep(p.RequestID, p.Chamber, p.AdvisorID, p.ReassignedAt))
}

// DifficultyCaseOpened handles difficulty.case.opened. The status page of a
// difficulty report stays confidential whatever this records (see
// RequestStatus); intake keeps the assigned prevention advisors, who may
// read the report's contact details.
//
// A case a creation advisor raised at a post-creation checkpoint (source
// advisor_observation) changes nothing: its request is the creation
// request, whose status the creation case's events drive and whose
// holder must not learn of a prevention case from a status change or a
// follow-up e-mail; its prevention advisors, of the creation request's
// chambers, read the contact details under the chambers' rule already.
func (uc TrackCase) DifficultyCaseOpened(ctx context.Context, ev events.Event, p events.DifficultyCaseOpened) error {
	if p.Source == events.DifficultySourceAdvisorObservation {
		return nil
	}
	return uc.advance(ctx, ev, request.CaseStep(p.RequestID, p.Chamber, p.AdvisorIDs, p.OpenedAt))
}

// CaseStageChanged handles creation.case.stage_changed: the project moves
// along the creation journey.
func (uc TrackCase) CaseStageChanged(ctx context.Context, ev events.Event, p events.CreationCaseStageChanged) error {
	return uc.advance(ctx, ev, request.Step{RequestID: p.RequestID, Status: request.StatusInCharge, Chamber: p.Chamber,
		Stage: p.To, At: p.ChangedAt})
}

// CaseRegistered handles creation.case.registered: the business exists,
// followed up by its advisor.
func (uc TrackCase) CaseRegistered(ctx context.Context, ev events.Event, p events.CreationCaseRegistered) error {
	return uc.advance(ctx, ev, request.Step{RequestID: p.RequestID, Status: request.StatusInCharge, Chamber: p.Chamber,
		Outcome: events.OutcomeRegistered, At: p.RecordedAt})
}

// CaseClosed handles creation.case.closed.
func (uc TrackCase) CaseClosed(ctx context.Context, ev events.Event, p events.CreationCaseClosed) error {
	return uc.advance(ctx, ev, request.Step{RequestID: p.RequestID, Status: request.StatusClosed, Chamber: p.Chamber,
		Outcome: p.Outcome, At: p.ClosedAt})
}

// CaseRedirectedToTakeover handles creation.case.redirected_to_takeover:
// the creation case is closed, the project goes on as a buyer search.
func (uc TrackCase) CaseRedirectedToTakeover(ctx context.Context, ev events.Event, p events.CreationCaseRedirectedToTakeover) error {
	return uc.advance(ctx, ev, request.Step{RequestID: p.RequestID, Status: request.StatusClosed, Chamber: p.Chamber,
		Outcome: events.OutcomeRedirectedToTakeover, At: p.RedirectedAt})
}
