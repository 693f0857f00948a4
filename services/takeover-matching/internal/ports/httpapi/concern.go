package httpapi

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// ConcernRaiser raises concerns about businesses for sale
// (app.RaiseOfferConcern).
type ConcernRaiser interface {
	Do(ctx context.Context, p auth.Principal, id string, kinds []string) (c takeover.Concern, raised bool, err error)
}

// concernInputJSON is the body of POST .../difficulty-concerns.
type concernInputJSON struct {
	Concerns []string `json:"concerns"`
}

// maxConcernBytes bounds a concern's body: a handful of codes.
const maxConcernBytes = 1 << 10

// concernJSON is a concern as the offer's view lists it.
type concernJSON struct {
	ConcernID string    `json:"concern_id"`
	AdvisorID string    `json:"advisor_id"`
	Concerns  []string  `json:"concerns"`
	RaisedAt  time.Time `json:"raised_at"`
}

// raisedConcernJSON is a concern as POST .../difficulty-concerns answers
// it: with its offer.
type raisedConcernJSON struct {
	OfferID string `json:"offer_id"`
	concernJSON
}

func concernView(c takeover.Concern) concernJSON {
	return concernJSON{ConcernID: c.ID, AdvisorID: c.AdvisorID, Concerns: c.Kinds, RaisedAt: c.RaisedAt}
}

// concernsView lists an offer's concerns (nil, left out, when none).
func concernsView(cs []takeover.Concern) []concernJSON {
	if len(cs) == 0 {
		return nil
	}
	out := make([]concernJSON, len(cs))
	for i, c := range cs {
		out[i] = concernView(c)
	}
	return out
}

// raiseOfferConcern: 201 with the new concern, 200 with the day's when
// the offer already had one today (nothing more is raised); 422 naming
// concerns, 403 for anyone but an advisor or manager of the offer's
// chambers, 409 once the offer is withdrawn or concluded.
func (rt Routes) raiseOfferConcern(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	var in concernInputJSON
	if !httpserver.ReadJSON(w, r, maxConcernBytes, &in) {
		return
	}
	c, raised, err := rt.Concerns.Do(r.Context(), p, r.PathValue("id"), in.Concerns)
	var invalid *takeover.ConcernError
	switch {
	case err == nil:
		status := http.StatusOK
		if raised {
			status = http.StatusCreated
		}
		httpserver.WriteJSON(w, status, raisedConcernJSON{OfferID: c.OfferID, concernJSON: concernView(c)})
	case errors.As(err, &invalid):
		names := slices.Sorted(maps.Keys(invalid.Fields))
		errs := make([]httpserver.FieldError, len(names))
		for i, f := range names {
			errs[i] = httpserver.FieldError{Field: f, Code: "invalid", Message: invalid.Fields[f]}
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity,
			Title: "Difficultés constatées invalides", Errors: errs})
	case errors.Is(err, takeover.ErrOffMarket):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Dossier clos",
			Detail: "Cette offre est retirée ou conclue : sa cession n'est plus suivie."})
	default:
		rt.fail(w, r, "raise a concern about an offer", "Offre de cession inconnue", err)
	}
}
