package httpapi

import (
	"net/http"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"
)

// getMatch reads one match, as the notifications of a proposed match link
// to it (by id alone): the same rule and view as one item of
// GET /api/v1/matches, so a reader who sees neither side is refused and
// the offer comes as the reader may see it (a teaser for a confidential
// offer of another chamber).
func (rt Routes) getMatch(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	m, err := rt.Matches.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		rt.fail(w, r, "read match", "Mise en relation inconnue", err)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, matchView(m))
}
