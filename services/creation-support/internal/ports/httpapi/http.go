// Package httpapi is creation-support's HTTP port: the advisors' JSON API on
// creation cases (list, read, take in charge, hand back, reassign), for
// bearers of a verified token that the access rules let act. Errors are
// problem+json (RFC 9457): 401 without a valid token, 403 when the rules
// refuse, 404 for an unknown case, 409 when the case's state does not
// allow the action, 422 naming each bad field.
//
// State rules (409): a case is taken in charge once; it can be handed back
// only while it waits to be taken in charge (afterwards its advisor owns
// the follow-up and only a manager moves it); a closed case changes no
// more; reassigning to the current advisor is a no-op refused as 409; a
// concern is raised during the post-creation follow-up only.
// Input is checked before access: a malformed body gets 400/422 whoever
// sends it, and learns nothing about the case.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// CaseReader reads cases under the access rules (app.ReadCases).
type CaseReader interface {
	Get(ctx context.Context, p auth.Principal, caseID string) (creation.Case, error)
	List(ctx context.Context, p auth.Principal, q app.CaseQuery) ([]creation.Case, error)
}

// UseCases are the actions the routes run.
type UseCases struct {
	Take     app.TakeInCharge
	Back     app.HandBack
	Reassign app.Reassign
}

// Routes serves the advisors' API.
type Routes struct {
	Cases   CaseReader
	Do      UseCases
	Journey JourneyUseCases
	// Auth authenticates every route (auth.NewGuard).
	Auth auth.Guard
	Log  *slog.Logger
}

const (
	defaultLimit = 50
	maxLimit     = 200
	// maxBody bounds the action bodies: a reason, a 500-character comment
	// (up to 4 bytes a character, escaped) and an id fit easily.
	maxBody = 8 << 10
	// maxAdvisorID bounds advisor ids in inputs.
	maxAdvisorID = 100
)

// Handler returns the mux.
func (rt Routes) Handler() http.Handler {
	mux := http.NewServeMux()
	guard := rt.guard
	mux.HandleFunc("GET /openapi.json", httpserver.Document(openAPIDoc))
	mux.Handle("GET /api/v1/creation-cases", guard(rt.list))
	mux.Handle("GET /api/v1/creation-cases/{id}", guard(rt.get))
	mux.Handle("POST /api/v1/creation-cases/{id}/take-in-charge", guard(rt.takeInCharge))
	mux.Handle("POST /api/v1/creation-cases/{id}/hand-back", guard(rt.handBack))
	mux.Handle("POST /api/v1/creation-cases/{id}/reassign", guard(rt.reassign))
	rt.routeJourney(mux)
	rt.routeSessions(mux)
	return mux
}

type principalHandler func(w http.ResponseWriter, r *http.Request, p auth.Principal)

func (rt Routes) guard(h principalHandler) http.Handler {
	return rt.Auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := auth.PrincipalOf(w, r, rt.Log); ok {
			h(w, r, p)
		}
	}))
}

func (rt Routes) list(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	q, bad := listQuery(r)
	if bad != nil {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides", Errors: bad})
		return
	}
	cs, err := rt.Cases.List(r.Context(), p, q)
	if err != nil {
		rt.fail(w, r, "list cases", err)
		return
	}
	page := listPage{Cases: make([]caseView, len(cs))}
	for i, c := range cs {
		page.Cases[i] = viewOf(c, p, false)
	}
	if len(cs) == q.Limit {
		page.NextAfter = cs[len(cs)-1].ID
	}
	httpserver.WriteJSON(w, http.StatusOK, page)
}

// listQuery reads the filters and the page.
func listQuery(r *http.Request) (app.CaseQuery, []httpserver.FieldError) {
	v := r.URL.Query()
	q := app.CaseQuery{Limit: defaultLimit}
	var bad []httpserver.FieldError
	for name, vals := range v {
		if len(vals) > 1 {
			bad = append(bad, httpserver.FieldError{Field: name, Code: "repeated", Message: "Paramètre donné plusieurs fois."})
		}
		switch name {
		case "status", "stage", "advisor", "after", "limit":
		default:
			bad = append(bad, httpserver.FieldError{Field: name, Code: "unknown", Message: "Paramètre inconnu."})
		}
	}
	if s := v.Get("status"); s != "" {
		switch s {
		case creation.StatusOpened, creation.StatusInProgress, creation.StatusClosed:
			q.Status = s
		default:
			bad = append(bad, httpserver.FieldError{Field: "status", Code: "invalid", Message: "Valeur attendue : opened, in_progress ou closed."})
		}
	}
	if s := creation.Stage(v.Get("stage")); s != "" {
		if !s.InJourney() {
			bad = append(bad, httpserver.FieldError{Field: "stage", Code: "invalid", Message: "Étape du parcours attendue."})
		}
		q.Stage = s
	}
	if a := v.Get("advisor"); len(a) > maxAdvisorID {
		bad = append(bad, httpserver.FieldError{Field: "advisor", Code: "too_long", Message: fmt.Sprintf("%d caractères au plus.", maxAdvisorID)})
	} else {
		q.AdvisorID = a
	}
	if a := v.Get("after"); a != "" {
		if _, err := uuid.Parse(a); err != nil {
			bad = append(bad, httpserver.FieldError{Field: "after", Code: "invalid", Message: "Identifiant de dossier attendu."})
		}
		q.After = a
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			bad = append(bad, httpserver.FieldError{Field: "limit", Code: "invalid", Message: fmt.Sprintf("Entier entre 1 et %d attendu.", maxLimit)})
		}
		q.Limit = n
	}
	return q, bad
}

func (rt Routes) get(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	c, err := rt.Cases.Get(r.Context(), p, r.PathValue("id"))
	rt.answerAs(w, r, p, "get case", c, err)
}

func (rt Routes) takeInCharge(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if !httpserver.NoBody(w, r) {
		return
	}
	c, err := rt.Do.Take.Do(r.Context(), p, r.PathValue("id"))
	rt.answerAs(w, r, p, "take case in charge", c, err)
}

// handBackRequest is the body of a hand-back.
type handBackRequest struct {
	Reason    string `json:"reason"`
	Comment   string `json:"comment"`
	ToChamber string `json:"to_chamber"`
}

func (rt Routes) handBack(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req handBackRequest
	if !httpserver.ReadJSON(w, r, maxBody, &req) {
		return
	}
	c, err := rt.Do.Back.Do(r.Context(), p, r.PathValue("id"), app.HandBackInput{Reason: req.Reason, Comment: req.Comment, ToChamber: req.ToChamber})
	rt.answerAs(w, r, p, "hand case back", c, err)
}

func (rt Routes) reassign(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req struct {
		AdvisorID string `json:"advisor_id"`
	}
	if !httpserver.ReadJSON(w, r, maxBody, &req) {
		return
	}
	switch {
	case req.AdvisorID == "":
		invalid(w, r, []httpserver.FieldError{{Field: "advisor_id", Code: "required", Message: "Identifiant du conseiller requis."}})
		return
	case len(req.AdvisorID) > maxAdvisorID:
		invalid(w, r, []httpserver.FieldError{{Field: "advisor_id", Code: "too_long", Message: fmt.Sprintf("%d caractères au plus.", maxAdvisorID)}})
		return
	}
	c, err := rt.Do.Reassign.Do(r.Context(), p, r.PathValue("id"), req.AdvisorID)
	rt.answerAs(w, r, p, "reassign case", c, err)
}

// answerAs writes the case a use case returned, as p may read it, or its
// error.
func (rt Routes) answerAs(w http.ResponseWriter, r *http.Request, p auth.Principal, what string, c creation.Case, err error) {
	if err != nil {
		rt.fail(w, r, what, err)
		return
	}
	httpserver.WriteJSON(w, http.StatusOK, viewOf(c, p, true))
}

// fail maps a use case's error to the response: the errors are mapped
// here, and only here.
func (rt Routes) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	var in *creation.InvalidInput
	switch {
	case errors.As(err, &in):
		bad := make([]httpserver.FieldError, len(in.Fields))
		for i, f := range in.Fields {
			bad[i] = httpserver.FieldError{Field: f.Field, Code: f.Code, Message: f.Message}
		}
		invalid(w, r, bad)
	case errors.Is(err, creation.ErrCaseNotFound):
		notFound(w, r)
	case errors.Is(err, access.ErrNoScope):
		auth.Forbid(w, r, "Seuls les conseillers et les responsables consultent les dossiers de création.")
	case errors.Is(err, access.ErrNotVisible):
		auth.Forbid(w, r, "Ce dossier ne relève pas de votre chambre.")
	case errors.Is(err, access.ErrNotAssignee):
		auth.Forbid(w, r, "Seul le conseiller à qui le dossier est attribué peut le faire.")
	case errors.Is(err, access.ErrNotManager):
		auth.Forbid(w, r, "Seul un responsable de la chambre du dossier peut le réattribuer.")
	case errors.Is(err, access.ErrNotFollower):
		auth.Forbid(w, r, "Seuls le conseiller du dossier et les responsables de sa chambre le font avancer.")
	case errors.Is(err, creation.ErrTakenInCharge):
		conflict(w, r, "Le dossier est déjà pris en charge ; un responsable peut le réattribuer.")
	case errors.Is(err, creation.ErrClosed):
		conflict(w, r, "Le dossier est clos.")
	case errors.Is(err, creation.ErrNotReassigned):
		conflict(w, r, "Le dossier est déjà attribué à ce conseiller.")
	default:
		rt.failJourney(w, r, what, err)
	}
}

// failJourney maps the journey's state errors (409, or 404 for a
// checkpoint the case does not have); anything else is the service's
// failure (503), logged here.
func (rt Routes) failJourney(w http.ResponseWriter, r *http.Request, what string, err error) {
	var unmet *creation.UnmetCriteria
	switch {
	case errors.As(err, &unmet):
		conflict(w, r, "Avant de passer à l'étape suivante, il manque : "+strings.Join(unmet.Missing, " ; ")+
			". Sinon, passez l'étape avec un motif.")
	case errors.Is(err, creation.ErrNotTakenInCharge):
		conflict(w, r, "Le dossier doit d'abord être pris en charge.")
	case errors.Is(err, creation.ErrSameStage):
		conflict(w, r, "Le dossier est déjà à cette étape.")
	case errors.Is(err, creation.ErrNotAtFormalities):
		conflict(w, r, "L'immatriculation s'enregistre à l'étape des formalités.")
	case errors.Is(err, creation.ErrRegistered):
		conflict(w, r, "L'entreprise est immatriculée : son suivi post-création dira ce qu'elle devient.")
	case errors.Is(err, creation.ErrCheckpointNotDue):
		conflict(w, r, "Ce point de suivi n'est pas encore échu.")
	case errors.Is(err, creation.ErrCheckpointWritten):
		conflict(w, r, "Ce point de suivi est déjà enregistré.")
	case errors.Is(err, creation.ErrNotInFollowUp):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Dossier hors suivi post-création",
			Detail: "Une inquiétude se signale pendant le suivi post-création, une fois l'entreprise immatriculée."})
	case errors.Is(err, creation.ErrNoSuchCheckpoint):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Point de suivi inconnu",
			Detail: "Les points de suivi existent une fois l'entreprise immatriculée."})
	default:
		rt.Log.ErrorContext(r.Context(), what, "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
	}
}

func notFound(w http.ResponseWriter, r *http.Request) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Dossier inconnu"})
}

func conflict(w http.ResponseWriter, r *http.Request, detail string) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Action impossible dans l'état du dossier", Detail: detail})
}

func invalid(w http.ResponseWriter, r *http.Request, bad []httpserver.FieldError) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Demande invalide", Errors: bad})
}

// listPage is a page of cases; NextAfter, when set, asks for the next.
type listPage struct {
	Cases     []caseView `json:"cases"`
	NextAfter string     `json:"next_after,omitempty"`
}
