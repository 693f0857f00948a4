package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

const (
	defaultLimit = 50
	maxLimit     = 200
)

// pageParams reads ?after (the last id of the previous page), ?limit and
// the filters of a list of offers (or searches), every bad one named.
func pageParams(r *http.Request, offers bool) (f takeover.ListFilter, after string, limit int, bad *httpserver.Problem) {
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
	f, invalid := takeover.ParseListFilter(q.Get, offers)
	for _, p := range invalid {
		errs = append(errs, httpserver.FieldError{Field: p.Field, Code: p.Code, Message: p.Detail})
	}
	if len(errs) > 0 {
		return f, "", 0, &httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides", Errors: errs}
	}
	return f, after, limit, nil
}

// listStart takes the principal and the paging and filtering parameters
// of a list.
func (rt Routes) listStart(w http.ResponseWriter, r *http.Request, offers bool) (p auth.Principal, f takeover.ListFilter, after string, limit int, ok bool) {
	if p, ok = auth.PrincipalOf(w, r, rt.Log); !ok {
		return p, f, "", 0, false
	}
	f, after, limit, bad := pageParams(r, offers)
	if bad != nil {
		httpserver.WriteProblem(w, r, *bad)
		return p, f, "", 0, false
	}
	return p, f, after, limit, true
}

// listOffers lists the offers the reader's chamber leads or shares, or
// with ?scope=market the published listings of both chambers, those of
// other chambers as their teaser; both narrowed by the filters.
func (rt Routes) listOffers(w http.ResponseWriter, r *http.Request) {
	p, f, after, limit, ok := rt.listStart(w, r, true)
	if !ok {
		return
	}
	os, next, err := rt.Offers.List(r.Context(), p, f, after, limit)
	if err != nil {
		rt.fail(w, r, "list offers", "", err)
		return
	}
	out := make([]any, len(os))
	for i, o := range os {
		out[i] = offerView(o.Offer, o.View)
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"offers": out, "next_after": next})
}

// listSearches lists the searches the reader's chamber leads or shares,
// or with ?scope=market the open searches of both chambers; both narrowed
// by the filters.
func (rt Routes) listSearches(w http.ResponseWriter, r *http.Request) {
	p, f, after, limit, ok := rt.listStart(w, r, false)
	if !ok {
		return
	}
	ss, next, err := rt.Searches.List(r.Context(), p, f, after, limit)
	if err != nil {
		rt.fail(w, r, "list searches", "", err)
		return
	}
	out := make([]searchJSON, len(ss))
	for i, s := range ss {
		out[i] = searchView(s)
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"searches": out, "next_after": next})
}

// listMatches lists the matches of one offer (?offer_id) or one search
// (?search_id) that the reader may see, each with its offer as the reader
// may see it: a confidential offer of another chamber as a teaser. A
// reader who sees the side itself gets its list, even empty; one who sees
// none of its matches either is refused.
func (rt Routes) listMatches(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	offerID, searchID, bad := matchParams(r)
	if bad != nil {
		httpserver.WriteProblem(w, r, *bad)
		return
	}
	ms, err := rt.Matches.Of(r.Context(), p, offerID, searchID)
	if err != nil {
		rt.fail(w, r, "list matches", "Dossier inconnu", err)
		return
	}
	out := make([]matchJSON, len(ms))
	for i, m := range ms {
		out[i] = matchView(m)
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
