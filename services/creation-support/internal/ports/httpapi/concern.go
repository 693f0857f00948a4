package httpapi

import (
	"net/http"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// maxConcernBody bounds a concern's body: a handful of codes.
const maxConcernBody = 1 << 10

// concernView is a concern as POST .../difficulty-concerns answers it and
// as the case's view lists it.
type concernView struct {
	ConcernID string    `json:"concern_id"`
	AdvisorID string    `json:"advisor_id"`
	Concerns  []string  `json:"concerns"`
	RaisedAt  time.Time `json:"raised_at"`
}

func concernViewOf(c creation.Concern) concernView {
	return concernView{ConcernID: c.ID, AdvisorID: c.AdvisorID, Concerns: c.Kinds, RaisedAt: c.RaisedAt}
}

// concernsView lists a case's concerns newest first (nil, left out, when
// none).
func concernsView(cs []creation.Concern) []concernView {
	var out []concernView
	for _, c := range slices.Backward(cs) {
		out = append(out, concernViewOf(c))
	}
	return out
}

// raiseConcern: 201 with the new concern, 200 with the day's when the
// case already had one today (nothing more is raised); 422 naming
// concerns, 403 for anyone but the case's advisor or a manager of its
// lead chamber, 409 for a case not in its post-creation follow-up.
func (rt Routes) raiseConcern(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req struct {
		Concerns []string `json:"concerns"`
	}
	if !httpserver.ReadJSON(w, r, maxConcernBody, &req) {
		return
	}
	c, raised, err := rt.Journey.Concern.Do(r.Context(), p, r.PathValue("id"), req.Concerns)
	if err != nil {
		rt.fail(w, r, "raise a concern", err)
		return
	}
	status := http.StatusOK
	if raised {
		status = http.StatusCreated
	}
	httpserver.WriteJSON(w, status, concernViewOf(c))
}
