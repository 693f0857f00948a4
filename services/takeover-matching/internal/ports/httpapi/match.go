package httpapi

import (
	"net/http"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// getMatch reads one match, as the notifications of a proposed match link
// to it (by id alone): the same rule and view as one item of
// GET /api/v1/matches, so a reader who sees neither side is refused and
// the offer comes as the reader may see it (a teaser for a confidential
// offer of another chamber).
func (rt Routes) getMatch(w http.ResponseWriter, r *http.Request) {
	p, ok := rt.principal(w, r)
	if !ok || !mayConsult(w, r, p) {
		return
	}
	m, found, err := rt.loadMatch(r, r.PathValue("id"))
	if err != nil {
		rt.unavailable(w, r, "load match", err)
		return
	}
	if !found {
		notFound(w, r, "Mise en relation inconnue")
		return
	}
	out, err := rt.visibleMatches(r, p, []takeover.Match{m})
	if err != nil {
		rt.unavailable(w, r, "load offer of match", err)
		return
	}
	if len(out) == 0 {
		auth.Forbid(w, r, forbiddenFile)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, out[0])
}

func (rt Routes) loadMatch(r *http.Request, id string) (takeover.Match, bool, error) {
	if !validID(id) {
		return takeover.Match{}, false, nil
	}
	return rt.Store.Match(r.Context(), id)
}
