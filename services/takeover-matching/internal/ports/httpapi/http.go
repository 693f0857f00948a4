// Package httpapi is takeover-matching's HTTP port: offers, buyers' searches
// and their matches as JSON, for bearers of a token that the access rules
// let read them. The reads are the app's use cases (app.ReadOffers,
// app.ReadSearches, app.ReadMatches), which apply the rules; the port
// checks the request's input, then maps their errors to answers.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// OfferReader reads offers under the access rules (app.ReadOffers).
type OfferReader interface {
	Get(ctx context.Context, p auth.Principal, id string) (takeover.Offer, access.View, error)
	List(ctx context.Context, p auth.Principal, f takeover.ListFilter, after string, limit int) ([]app.VisibleOffer, string, error)
}

// SearchReader reads buyers' searches under the access rules
// (app.ReadSearches).
type SearchReader interface {
	Get(ctx context.Context, p auth.Principal, id string) (takeover.Search, error)
	List(ctx context.Context, p auth.Principal, f takeover.ListFilter, after string, limit int) ([]takeover.Search, string, error)
}

// MatchReader reads matches under the access rules (app.ReadMatches).
type MatchReader interface {
	Of(ctx context.Context, p auth.Principal, offerID, searchID string) ([]app.VisibleMatch, error)
	Get(ctx context.Context, p auth.Principal, id string) (app.VisibleMatch, error)
}

// SearchCompleter completes draft searches (app.CompleteSearch).
type SearchCompleter interface {
	Complete(ctx context.Context, p auth.Principal, id string, c takeover.Criteria) (takeover.Search, error)
}

// Routes serves the advisors' takeover API.
type Routes struct {
	Offers    OfferReader
	Searches  SearchReader
	Matches   MatchReader
	Completer SearchCompleter
	Lifecycle Lifecycle
	Stepper   MatchStepper
	Care      Care
	Concerns  ConcernRaiser
	Auth      auth.Guard
	Log       *slog.Logger
}

// Handler returns the mux.
func (rt Routes) Handler() http.Handler {
	mux := http.NewServeMux()
	guard := func(f http.HandlerFunc) http.Handler { return rt.Auth.Require(f) }
	mux.HandleFunc("GET /openapi.json", httpserver.Document(openAPIDoc))
	mux.Handle("GET /api/v1/takeover-offers", guard(rt.listOffers))
	mux.Handle("GET /api/v1/takeover-offers/{id}", guard(rt.getOffer))
	mux.Handle("GET /api/v1/buyer-searches", guard(rt.listSearches))
	mux.Handle("GET /api/v1/buyer-searches/{id}", guard(rt.getSearch))
	mux.Handle("PUT /api/v1/buyer-searches/{id}/criteria", guard(rt.completeSearch))
	mux.Handle("POST /api/v1/takeover-offers/{id}/vetting", guard(rt.vetOffer))
	mux.Handle("POST /api/v1/takeover-offers/{id}/status", guard(rt.changeOfferStatus))
	mux.Handle("POST /api/v1/buyer-searches/{id}/status", guard(rt.changeSearchStatus))
	mux.Handle("POST /api/v1/buyer-searches/{id}/renew", guard(rt.renewSearch))
	mux.Handle("POST /api/v1/takeover-offers/{id}/take-in-charge", guard(rt.takeOfferInCharge))
	mux.Handle("POST /api/v1/takeover-offers/{id}/hand-back", guard(rt.handBackOffer))
	mux.Handle("POST /api/v1/buyer-searches/{id}/take-in-charge", guard(rt.takeSearchInCharge))
	mux.Handle("POST /api/v1/buyer-searches/{id}/hand-back", guard(rt.handBackSearch))
	mux.Handle("POST /api/v1/takeover-offers/{id}/difficulty-concerns", guard(rt.raiseOfferConcern))
	mux.Handle("GET /api/v1/matches", guard(rt.listMatches))
	mux.Handle("GET /api/v1/matches/{id}", guard(rt.getMatch))
	mux.Handle("POST /api/v1/matches/{id}/review", guard(rt.takeStep(takeover.StepReview)))
	mux.Handle("POST /api/v1/matches/{id}/interest", guard(rt.takeStep(takeover.StepInterest)))
	mux.Handle("POST /api/v1/matches/{id}/approve-introduction", guard(rt.takeStep(takeover.StepApproveIntroduction)))
	mux.Handle("POST /api/v1/matches/{id}/accept-undertaking", guard(rt.takeStep(takeover.StepAcceptUndertaking)))
	mux.Handle("POST /api/v1/matches/{id}/negotiating", guard(rt.takeStep(takeover.StepNegotiate)))
	mux.Handle("POST /api/v1/matches/{id}/conclude", guard(rt.takeStep(takeover.StepConclude)))
	mux.Handle("POST /api/v1/matches/{id}/drop", guard(rt.takeStep(takeover.StepDrop)))
	return mux
}

const (
	forbiddenRole = "Seuls les conseillers et les responsables d'une chambre consultent les dossiers de transmission."
	forbiddenFile = "Ce dossier n'appartient pas à votre chambre, n'est pas partagé avec elle et ne lui est lié par aucune mise en relation."
)

// fail maps a use case's error to the answer, in one place; unknown names
// what a 404 says was not found.
func (rt Routes) fail(w http.ResponseWriter, r *http.Request, what, unknown string, err error) {
	switch {
	case errors.Is(err, app.ErrNoTakeoverRole):
		auth.Forbid(w, r, forbiddenRole)
	case errors.Is(err, app.ErrForbidden):
		auth.Forbid(w, r, forbiddenFile)
	case errors.Is(err, app.ErrNotFound):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: unknown})
	default:
		rt.Log.ErrorContext(r.Context(), what, "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
	}
}

// validID tells whether an id in a parameter can name anything (ids are
// UUIDs).
func validID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil
}

func (rt Routes) getOffer(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	o, v, err := rt.Offers.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		rt.fail(w, r, "read offer", "Offre de cession inconnue", err)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, offerView(o, v))
}

func (rt Routes) getSearch(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	s, err := rt.Searches.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		rt.fail(w, r, "read search", "Recherche de repreneur inconnue", err)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, searchView(s))
}
