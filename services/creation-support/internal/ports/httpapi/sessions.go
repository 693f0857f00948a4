package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// routeSessions registers the routes of the chambers' sessions.
func (rt Routes) routeSessions(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/creation-sessions", rt.guard(rt.planSession))
	mux.Handle("GET /api/v1/creation-sessions", rt.guard(rt.listSessions))
	mux.Handle("POST /api/v1/creation-cases/{id}/sessions/{session_id}", rt.guard(rt.enrol))
}

// sessionView is a session as its chamber's advisors see it: the cases
// registered are counted, not listed.
type sessionView struct {
	ID         string    `json:"session_id"`
	Chamber    string    `json:"chamber"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	StartsAt   time.Time `json:"starts_at"`
	Place      string    `json:"place"`
	Capacity   int       `json:"capacity"`
	Registered int       `json:"registered"`
	Seats      int       `json:"seats"`
}

func sessionOf(s creation.Session) sessionView {
	return sessionView{ID: s.ID, Chamber: s.Chamber, Kind: s.Kind, Title: s.Title, StartsAt: s.StartsAt, Place: s.Place,
		Capacity: s.Capacity, Registered: len(s.Registered), Seats: s.Seats()}
}

func (rt Routes) planSession(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req struct {
		Kind     string    `json:"kind"`
		Title    string    `json:"title"`
		StartsAt time.Time `json:"starts_at"`
		Place    string    `json:"place"`
		Capacity int       `json:"capacity"`
	}
	if !httpserver.ReadJSON(w, r, maxBody, &req) {
		return
	}
	s, err := rt.Journey.Plan.Do(r.Context(), p, req.Kind, req.Title, req.Place, req.StartsAt, req.Capacity)
	if err != nil {
		rt.failSession(w, r, "plan session", err)
		return
	}
	httpserver.WriteJSON(w, http.StatusCreated, sessionOf(s))
}

func (rt Routes) listSessions(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	kind := r.URL.Query().Get("kind")
	if kind != "" && !slices.Contains(creation.SessionKinds(), kind) {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides",
			Errors: []httpserver.FieldError{{Field: "kind", Code: "invalid", Message: "Valeur attendue : information_meeting ou training."}}})
		return
	}
	ss, err := rt.Journey.Sessions.Do(r.Context(), p, kind)
	if err != nil {
		rt.failSession(w, r, "list sessions", err)
		return
	}
	out := make([]sessionView, len(ss))
	for i, s := range ss {
		out[i] = sessionOf(s)
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

func (rt Routes) enrol(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if !httpserver.NoBody(w, r) {
		return
	}
	s, err := rt.Journey.Enrol.Do(r.Context(), p, r.PathValue("id"), r.PathValue("session_id"))
	if err != nil {
		rt.failSession(w, r, "register case to session", err)
		return
	}
	httpserver.WriteJSON(w, http.StatusCreated, sessionOf(s))
}

// fullProblem is the refusal of a full session: a problem with, as an
// extension member, the next session of the kind that has seats.
type fullProblem struct {
	httpserver.Problem
	NextSession *sessionView `json:"next_session,omitempty"`
}

// failSession maps the sessions' errors, then the cases' (rt.fail).
func (rt Routes) failSession(w http.ResponseWriter, r *http.Request, what string, err error) {
	var full *app.SessionFull
	switch {
	case errors.As(err, &full):
		pb := fullProblem{Problem: httpserver.Problem{Type: "about:blank", Status: http.StatusConflict, Title: "Session complète", Instance: r.URL.Path,
			Detail: "Il ne reste aucune place ; aucune autre session de ce type n'est prévue pour l'instant."}}
		if full.Found {
			next := sessionOf(full.Next)
			pb.NextSession = &next
			pb.Detail = "Il ne reste aucune place. Prochaine session avec des places : « " + next.Title + " », le " +
				next.StartsAt.Format("02/01/2006") + ", " + next.Place + "."
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(pb)
	case errors.Is(err, app.ErrSessionNotFound):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Session inconnue"})
	case errors.Is(err, app.ErrNoChamberRole):
		auth.Forbid(w, r, "Seuls les conseillers et les responsables d'une chambre organisent ses sessions.")
	case errors.Is(err, creation.ErrSessionPast):
		conflict(w, r, "La session a déjà eu lieu.")
	case errors.Is(err, creation.ErrAlreadyRegistered):
		conflict(w, r, "Le dossier est déjà inscrit à cette session.")
	case errors.Is(err, creation.ErrOtherChamberSession):
		conflict(w, r, "La session est celle d'une chambre qui ne suit pas le dossier.")
	default:
		rt.fail(w, r, what, err)
	}
}
