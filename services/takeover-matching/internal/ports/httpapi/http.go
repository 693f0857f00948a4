// Package httpapi is takeover-matching's HTTP port: offers, buyers' searches
// and their matches as JSON, for bearers of a token that the access rules
// let read them.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// Store is what the routes read.
type Store interface {
	Offer(ctx context.Context, id string) (takeover.Offer, bool, error)
	Offers(ctx context.Context, chamber, after string, limit int) ([]takeover.Offer, error)
	Search(ctx context.Context, id string) (takeover.Search, bool, error)
	Searches(ctx context.Context, chamber, after string, limit int) ([]takeover.Search, error)
	MatchesOfOffer(ctx context.Context, offerID string) ([]takeover.Match, error)
	MatchesOfSearch(ctx context.Context, searchID string) ([]takeover.Match, error)
	Match(ctx context.Context, id string) (takeover.Match, bool, error)
}

// Routes serves the advisors' takeover API.
type Routes struct {
	Store Store
	Auth  auth.Guard
	Log   *slog.Logger
}

// Handler returns the mux.
func (rt Routes) Handler() http.Handler {
	mux := http.NewServeMux()
	guard := func(f http.HandlerFunc) http.Handler { return rt.Auth.Require(f) }
	mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	mux.Handle("GET /api/v1/takeover-offers", guard(rt.listOffers))
	mux.Handle("GET /api/v1/takeover-offers/{id}", guard(rt.getOffer))
	mux.Handle("GET /api/v1/buyer-searches", guard(rt.listSearches))
	mux.Handle("GET /api/v1/buyer-searches/{id}", guard(rt.getSearch))
	mux.Handle("GET /api/v1/matches", guard(rt.listMatches))
	mux.Handle("GET /api/v1/matches/{id}", guard(rt.getMatch))
	return mux
}

const (
	forbiddenRole = "Seuls les conseillers et les responsables d'une chambre consultent les dossiers de transmission."
	forbiddenFile = "Ce dossier n'appartient pas à votre chambre, n'est pas partagé avec elle et ne lui est lié par aucune mise en relation."
)

// principal returns the request's principal; every route here is guarded,
// so a missing one is a wiring bug.
func (rt Routes) principal(w http.ResponseWriter, r *http.Request) (auth.Principal, bool) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		rt.Log.ErrorContext(r.Context(), "unguarded route", "route", r.Pattern)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusInternalServerError, Title: "Erreur interne"})
	}
	return p, ok
}

// mayConsult tells whether the principal holds a role that sees takeover
// files at all; otherwise it answers 403.
func mayConsult(w http.ResponseWriter, r *http.Request, p auth.Principal) bool {
	if p.Has(auth.RoleAdvisor) || p.Has(auth.RoleManager) {
		return true
	}
	auth.Forbid(w, r, forbiddenRole)
	return false
}

func (rt Routes) unavailable(w http.ResponseWriter, r *http.Request, what string, err error) {
	rt.Log.ErrorContext(r.Context(), what, "err", err)
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
}

func notFound(w http.ResponseWriter, r *http.Request, title string) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: title})
}

// validID tells whether an id in a path can name anything (ids are UUIDs).
func validID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil
}

func (rt Routes) getOffer(w http.ResponseWriter, r *http.Request) {
	p, ok := rt.principal(w, r)
	if !ok {
		return
	}
	o, found, err := rt.loadOffer(r, r.PathValue("id"))
	if err != nil {
		rt.unavailable(w, r, "load offer", err)
		return
	}
	if !found {
		notFound(w, r, "Offre de cession inconnue")
		return
	}
	v, err := rt.offerVisibility(r, p, o)
	if err != nil {
		rt.unavailable(w, r, "load matches of offer", err)
		return
	}
	if v == access.None {
		auth.Forbid(w, r, forbiddenFile)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, offerView(o, v))
}

func (rt Routes) loadOffer(r *http.Request, id string) (takeover.Offer, bool, error) {
	if !validID(id) {
		return takeover.Offer{}, false, nil
	}
	return rt.Store.Offer(r.Context(), id)
}

func (rt Routes) loadSearch(r *http.Request, id string) (takeover.Search, bool, error) {
	if !validID(id) {
		return takeover.Search{}, false, nil
	}
	return rt.Store.Search(r.Context(), id)
}

// offerVisibility applies the rule, reading the offer's matches only when
// the reader does not see it directly.
func (rt Routes) offerVisibility(r *http.Request, p auth.Principal, o takeover.Offer) (access.View, error) {
	if access.Direct(p, offerOwners(o)) {
		return access.Full, nil
	}
	ms, err := rt.Store.MatchesOfOffer(r.Context(), o.ID)
	if err != nil {
		return access.None, err
	}
	owners := make([]access.Owners, len(ms))
	for i, m := range ms {
		owners[i] = matchSearchOwners(m)
	}
	return access.Offer(p, offerOwners(o), o.Confidential, owners), nil
}

func (rt Routes) getSearch(w http.ResponseWriter, r *http.Request) {
	p, ok := rt.principal(w, r)
	if !ok {
		return
	}
	s, found, err := rt.loadSearch(r, r.PathValue("id"))
	if err != nil {
		rt.unavailable(w, r, "load search", err)
		return
	}
	if !found {
		notFound(w, r, "Recherche de repreneur inconnue")
		return
	}
	visible := access.Direct(p, searchOwners(s))
	if !visible {
		ms, err := rt.Store.MatchesOfSearch(r.Context(), s.ID)
		if err != nil {
			rt.unavailable(w, r, "load matches of search", err)
			return
		}
		owners := make([]access.Owners, len(ms))
		for i, m := range ms {
			owners[i] = matchOfferOwners(m)
		}
		visible = access.Search(p, searchOwners(s), owners)
	}
	if !visible {
		auth.Forbid(w, r, forbiddenFile)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, searchView(s))
}
