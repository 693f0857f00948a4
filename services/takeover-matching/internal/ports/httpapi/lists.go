package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

const (
	defaultLimit = 50
	maxLimit     = 200
)

// pageParams reads ?after (the last id of the previous page) and ?limit.
func pageParams(r *http.Request) (after string, limit int, bad *httpserver.Problem) {
	var errs []httpserver.FieldError
	limit = defaultLimit
	q := r.URL.Query()
	if v := q.Get("after"); v != "" {
		if !validID(v) {
			errs = append(errs, httpserver.FieldError{Field: "after", Code: "invalid", Message: "Identifiant (UUID) attendu."})
		}
		after = v
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			errs = append(errs, httpserver.FieldError{Field: "limit", Code: "invalid", Message: fmt.Sprintf("Entier entre 1 et %d attendu.", maxLimit)})
		}
		limit = n
	}
	if len(errs) > 0 {
		return "", 0, &httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides", Errors: errs}
	}
	return after, limit, nil
}

// listStart checks the principal and the paging parameters of a list.
func (rt Routes) listStart(w http.ResponseWriter, r *http.Request) (p auth.Principal, after string, limit int, ok bool) {
	if p, ok = rt.principal(w, r); !ok || !mayConsult(w, r, p) {
		return p, "", 0, false
	}
	after, limit, bad := pageParams(r)
	if bad != nil {
		httpserver.WriteProblem(w, r, *bad)
		return p, "", 0, false
	}
	return p, after, limit, true
}

// listOffers lists the offers the reader's chamber leads or shares.
func (rt Routes) listOffers(w http.ResponseWriter, r *http.Request) {
	p, after, limit, ok := rt.listStart(w, r)
	if !ok {
		return
	}
	os, err := rt.Store.Offers(r.Context(), p.Chamber, after, limit)
	if err != nil {
		rt.unavailable(w, r, "list offers", err)
		return
	}
	out := []any{}
	next := after
	for _, o := range os {
		next = o.ID
		if access.Direct(p, offerOwners(o)) { // the query already filters: this is the rule, stated again
			out = append(out, offerView(o, access.Full))
		}
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"offers": out, "next_after": next})
}

// listSearches lists the searches the reader's chamber leads or shares.
func (rt Routes) listSearches(w http.ResponseWriter, r *http.Request) {
	p, after, limit, ok := rt.listStart(w, r)
	if !ok {
		return
	}
	ss, err := rt.Store.Searches(r.Context(), p.Chamber, after, limit)
	if err != nil {
		rt.unavailable(w, r, "list searches", err)
		return
	}
	out := []searchJSON{}
	next := after
	for _, s := range ss {
		next = s.ID
		if access.Direct(p, searchOwners(s)) {
			out = append(out, searchView(s))
		}
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"searches": out, "next_after": next})
}

// listMatches lists the matches of one offer (?offer_id) or one search
// (?search_id) that the reader may see, each with its offer as the reader
// may see it: a confidential offer of another chamber as a teaser. A
// reader who sees the side itself gets its list, even empty; one who sees
// none of its matches either is refused.
func (rt Routes) listMatches(w http.ResponseWriter, r *http.Request) {
	p, ok := rt.principal(w, r)
	if !ok {
		return
	}
	offerID, searchID, bad := matchParams(r)
	if bad != nil {
		httpserver.WriteProblem(w, r, *bad)
		return
	}
	owners, ms, found, err := rt.matchesOf(r, offerID, searchID)
	if err != nil {
		rt.unavailable(w, r, "list matches", err)
		return
	}
	if !found {
		notFound(w, r, "Dossier inconnu")
		return
	}
	out, err := rt.visibleMatches(r, p, ms)
	if err != nil {
		rt.unavailable(w, r, "load offers of matches", err)
		return
	}
	if len(out) == 0 && !access.Direct(p, owners) {
		auth.Forbid(w, r, forbiddenFile)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"matches": out})
}

func matchParams(r *http.Request) (offerID, searchID string, bad *httpserver.Problem) {
	q := r.URL.Query()
	offerID, searchID = q.Get("offer_id"), q.Get("search_id")
	var errs []httpserver.FieldError
	switch {
	case offerID == "" && searchID == "":
		errs = append(errs, httpserver.FieldError{Field: "offer_id", Code: "required", Message: "Indiquez offer_id ou search_id."})
	case offerID != "" && searchID != "":
		errs = append(errs, httpserver.FieldError{Field: "search_id", Code: "exclusive", Message: "Indiquez offer_id ou search_id, pas les deux."})
	case offerID != "" && !validID(offerID):
		errs = append(errs, httpserver.FieldError{Field: "offer_id", Code: "invalid", Message: "Identifiant (UUID) attendu."})
	case searchID != "" && !validID(searchID):
		errs = append(errs, httpserver.FieldError{Field: "search_id", Code: "invalid", Message: "Identifiant (UUID) attendu."})
	}
	if len(errs) > 0 {
		return "", "", &httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides", Errors: errs}
	}
	return offerID, searchID, nil
}

// matchesOf reads the side (offer or search) and its matches.
func (rt Routes) matchesOf(r *http.Request, offerID, searchID string) (access.Owners, []takeover.Match, bool, error) {
	if offerID != "" {
		o, found, err := rt.Store.Offer(r.Context(), offerID)
		if err != nil || !found {
			return access.Owners{}, nil, found, err
		}
		ms, err := rt.Store.MatchesOfOffer(r.Context(), offerID)
		return offerOwners(o), ms, true, err
	}
	s, found, err := rt.Store.Search(r.Context(), searchID)
	if err != nil || !found {
		return access.Owners{}, nil, found, err
	}
	ms, err := rt.Store.MatchesOfSearch(r.Context(), searchID)
	return searchOwners(s), ms, true, err
}

// visibleMatches keeps the matches reader may see, with their offer as
// reader may see it through that match.
func (rt Routes) visibleMatches(r *http.Request, p auth.Principal, ms []takeover.Match) ([]matchJSON, error) {
	out := []matchJSON{}
	offers := map[string]takeover.Offer{}
	for _, m := range ms {
		if !access.Match(p, matchOfferOwners(m), matchSearchOwners(m)) {
			continue
		}
		o, ok := offers[m.OfferID]
		if !ok {
			var found bool
			var err error
			if o, found, err = rt.Store.Offer(r.Context(), m.OfferID); err != nil {
				return nil, err
			} else if !found {
				return nil, fmt.Errorf("offer %s of match %s missing", m.OfferID, m.ID)
			}
			offers[m.OfferID] = o
		}
		v := access.Offer(p, offerOwners(o), o.Confidential, []access.Owners{matchSearchOwners(m)})
		out = append(out, matchJSON{MatchID: m.ID, OfferID: m.OfferID, SearchID: m.SearchID, OfferChamber: m.OfferChamber,
			SearchChamber: m.SearchChamber, OfferAdvisorID: m.OfferAdvisorID, SearchAdvisorID: m.SearchAdvisorID,
			Score: m.Score, Criteria: m.Criteria, ProposedAt: m.ProposedAt, Offer: offerView(o, v)})
	}
	return out, nil
}
