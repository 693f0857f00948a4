package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// Care takes offers and searches in charge and hands them back
// (app.CareActions).
type Care interface {
	TakeOfferInCharge(ctx context.Context, p auth.Principal, id string) (takeover.Offer, error)
	HandBackOfferTo(ctx context.Context, p auth.Principal, id, reason, comment string) (takeover.Offer, error)
	TakeSearchInCharge(ctx context.Context, p auth.Principal, id string) (takeover.Search, error)
	HandBackSearchTo(ctx context.Context, p auth.Principal, id, reason, comment string) (takeover.Search, error)
}

// handBackJSON is the body of POST .../hand-back.
type handBackJSON struct {
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
}

// maxHandBackBytes bounds a hand-back's body: a code and 500 characters.
const maxHandBackBytes = 4 << 10

// takeOfferInCharge: 200 with the offer; 403 for anyone but its assigned
// advisor, 409 when taken already or off the market.
func (rt Routes) takeOfferInCharge(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	o, err := rt.Care.TakeOfferInCharge(r.Context(), p, r.PathValue("id"))
	if rt.careFailed(w, r, "take offer in charge", "Offre de cession inconnue", err) {
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, offerView(o, access.Full))
}

// handBackOffer: 200 with the offer as it now stands (its new advisor, or
// none); 422 naming each bad field, then as takeOfferInCharge.
func (rt Routes) handBackOffer(w http.ResponseWriter, r *http.Request) {
	p, in, ok := rt.handBackInput(w, r)
	if !ok {
		return
	}
	o, err := rt.Care.HandBackOfferTo(r.Context(), p, r.PathValue("id"), in.Reason, in.Comment)
	if rt.careFailed(w, r, "hand offer back", "Offre de cession inconnue", err) {
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, offerView(o, access.Full))
}

// takeSearchInCharge is takeOfferInCharge for a search.
func (rt Routes) takeSearchInCharge(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	s, err := rt.Care.TakeSearchInCharge(r.Context(), p, r.PathValue("id"))
	if rt.careFailed(w, r, "take search in charge", "Recherche de repreneur inconnue", err) {
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, searchView(s))
}

// handBackSearch is handBackOffer for a search.
func (rt Routes) handBackSearch(w http.ResponseWriter, r *http.Request) {
	p, in, ok := rt.handBackInput(w, r)
	if !ok {
		return
	}
	s, err := rt.Care.HandBackSearchTo(r.Context(), p, r.PathValue("id"), in.Reason, in.Comment)
	if rt.careFailed(w, r, "hand search back", "Recherche de repreneur inconnue", err) {
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, searchView(s))
}

// handBackInput reads the principal and a hand-back's body.
func (rt Routes) handBackInput(w http.ResponseWriter, r *http.Request) (auth.Principal, handBackJSON, bool) {
	var in handBackJSON
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return p, in, false
	}
	if !httpserver.ReadJSON(w, r, maxHandBackBytes, &in) {
		return p, in, false
	}
	return p, in, true
}

// careFailed answers a taking in charge's or a hand-back's error, if
// any, and tells whether it did.
func (rt Routes) careFailed(w http.ResponseWriter, r *http.Request, what, unknown string, err error) bool {
	var invalid *takeover.HandBackError
	switch {
	case err == nil:
		return false
	case errors.As(err, &invalid):
		names := make([]string, 0, len(invalid.Fields))
		for f := range invalid.Fields {
			names = append(names, f)
		}
		slices.Sort(names)
		errs := make([]httpserver.FieldError, len(names))
		for i, f := range names {
			errs[i] = httpserver.FieldError{Field: f, Code: "invalid", Message: invalid.Fields[f]}
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Motif du renvoi invalide", Errors: errs})
	case errors.Is(err, takeover.ErrNotAssignee):
		auth.Forbid(w, r, "Seul le conseiller à qui le dossier est attribué le prend en charge ou le renvoie.")
	case errors.Is(err, takeover.ErrTakenInCharge):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Dossier déjà pris en charge",
			Detail: "Ce dossier est déjà pris en charge ; seul un responsable de la chambre peut le confier à un autre conseiller."})
	case errors.Is(err, takeover.ErrOffMarket):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Dossier clos",
			Detail: "Ce dossier est retiré, conclu ou expiré : il ne se prend plus en charge ni ne se renvoie."})
	default:
		rt.fail(w, r, what, unknown, err)
	}
	return true
}
