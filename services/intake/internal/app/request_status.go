package app

import (
	"context"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// RequestStatus shows an applicant where their request stands.
type RequestStatus struct {
	Requests Requests
}

// Get returns the status of a request, or ErrNotFound. A difficulty report
// is confidential: whoever holds its link learns only that it was received
// and which chambers it went to, never the rule, the reason (which names
// the activity) or how far an advisor has got.
func (uc RequestStatus) Get(ctx context.Context, requestID string) (StatusView, error) {
	v, err := uc.Requests.Status(ctx, requestID)
	if err != nil {
		return StatusView{}, err
	}
	if v.Kind == request.KindDifficulty {
		v = confidential(v)
	}
	return v, nil
}

// confidential reduces the view of a difficulty report to received/routed.
func confidential(v StatusView) StatusView {
	v.Status = request.StatusReceived
	v.Chamber, v.Stage, v.Outcome, v.Sessions = "", "", "", nil
	v.UpdatedAt = v.SubmittedAt
	v.Routing = events.Routing{
		LeadChamber:      v.Routing.LeadChamber,
		SecondaryChamber: v.Routing.SecondaryChamber,
		OutOfTerritory:   v.Routing.OutOfTerritory,
		Reason:           confidentialReason(v.Routing),
	}
	return v
}

func confidentialReason(r events.Routing) string {
	switch {
	case r.LeadChamber == "":
		return "Votre signalement a bien été reçu ; un conseiller vous indiquera vers qui vous tourner."
	case r.SecondaryChamber == "":
		return "Votre signalement a bien été reçu et transmis, en toute confidentialité, aux conseillers prévention de la " + r.LeadChamber + "."
	default:
		return "Votre signalement a bien été reçu et transmis, en toute confidentialité, aux conseillers prévention de la " +
			r.LeadChamber + " et de la " + r.SecondaryChamber + "."
	}
}
