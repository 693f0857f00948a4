// Package httpapi is intake's HTTP port: the JSON API applicants (and the
// forms, later) submit requests through, and the status of a request. The
// API is described by an OpenAPI 3.1 document, openapi.json, served at
// /openapi.json.
package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// MaxBody bounds a request body.
const MaxBody = 64 << 10

// idempotencyKey accepts the keys clients commonly send (UUIDs, ULIDs...).
var idempotencyKey = regexp.MustCompile(`^[A-Za-z0-9_.:-]{8,128}$`)

// Submitter accepts creation requests.
type Submitter interface {
	Submit(ctx context.Context, in request.CreationInput, idem *app.Idempotency) (app.Submitted, error)
}

// OfferSubmitter accepts takeover offers.
type OfferSubmitter interface {
	Submit(ctx context.Context, in request.TakeoverOfferInput, idem *app.Idempotency) (app.Submitted, error)
}

// SearchSubmitter accepts buyer searches.
type SearchSubmitter interface {
	Submit(ctx context.Context, in request.BuyerSearchInput, idem *app.Idempotency) (app.Submitted, error)
}

// DifficultySubmitter accepts difficulty reports.
type DifficultySubmitter interface {
	Submit(ctx context.Context, in request.DifficultyInput, idem *app.Idempotency) (app.Submitted, error)
}

// StatusReader reads the status of a request.
type StatusReader interface {
	Get(ctx context.Context, requestID string) (app.StatusView, error)
}

// Paths of the collections; a request's status is at <path>/{id}.
const (
	CreationPath      = "/api/v1/creation-requests"
	TakeoverOfferPath = "/api/v1/takeover-offers"
	BuyerSearchPath   = "/api/v1/buyer-searches"
	DifficultyPath    = "/api/v1/difficulty-reports"
)

// Routes serves the intake API. A kind whose submitter is nil is not
// served.
type Routes struct {
	Creation      Submitter
	TakeoverOffer OfferSubmitter
	BuyerSearch   SearchSubmitter
	Difficulty    DifficultySubmitter
	Status        StatusReader
	// Auth authenticates advisors (auth.NewGuard); with Requests and
	// AuditLog it serves the advisor routes (advisor.go).
	Auth     auth.Guard
	Requests RequestReader
	AuditLog AuditReader
	Log      *slog.Logger
}

// Handler returns the mux.
func (rt Routes) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range rt.routes() {
		mux.HandleFunc(r.pattern, r.handler)
	}
	return mux
}

// route is one endpoint: a ServeMux pattern and its handler.
type route struct {
	pattern string
	handler http.HandlerFunc
}

// routes lists the endpoints served. Each is described in openapi.json; a
// test checks that the document's operations are exactly these.
func (rt Routes) routes() []route {
	rs := []route{
		{"GET /openapi.json", httpserver.Document(openAPIDoc)},
		{"POST " + CreationPath, rt.submitCreation},
		{"GET " + CreationPath + "/{id}", rt.status(request.KindCreation)},
	}
	if rt.TakeoverOffer != nil {
		rs = append(rs,
			route{"POST " + TakeoverOfferPath, rt.submitTakeoverOffer},
			route{"GET " + TakeoverOfferPath + "/{id}", rt.status(request.KindTakeoverOffer)})
	}
	if rt.BuyerSearch != nil {
		rs = append(rs,
			route{"POST " + BuyerSearchPath, rt.submitBuyerSearch},
			route{"GET " + BuyerSearchPath + "/{id}", rt.status(request.KindBuyerSearch)})
	}
	if rt.Difficulty != nil {
		rs = append(rs,
			route{"POST " + DifficultyPath, rt.submitDifficulty},
			route{"GET " + DifficultyPath + "/questionnaire", rt.questionnaire},
			route{"GET " + DifficultyPath + "/{id}", rt.status(request.KindDifficulty)})
	}
	return append(rs, rt.advisorRoutes()...)
}

// applicantBody is the applicant block every kind of request starts with.
type applicantBody struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
}

func (a applicantBody) input() request.ContactInput {
	return request.ContactInput{FirstName: a.FirstName, LastName: a.LastName, Email: a.Email, Phone: a.Phone}
}

// creationBody is the JSON shape of a creation request.
type creationBody struct {
	Applicant applicantBody `json:"applicant"`
	Project   struct {
		Description      string `json:"description"`
		NAFCode          string `json:"naf_code"`
		LegalForm        string `json:"legal_form"`
		Postcode         string `json:"postcode"`
		CommuneCode      string `json:"commune_code"`
		PlannedStart     string `json:"planned_start"`
		PlannedHeadcount int    `json:"planned_headcount"`
		SIRET            string `json:"siret"`
	} `json:"project"`
}

func (b creationBody) input() request.CreationInput {
	return request.CreationInput{
		FirstName: b.Applicant.FirstName, LastName: b.Applicant.LastName, Email: b.Applicant.Email, Phone: b.Applicant.Phone,
		Description: b.Project.Description, NAFCode: b.Project.NAFCode, LegalForm: b.Project.LegalForm,
		Postcode: b.Project.Postcode, CommuneCode: b.Project.CommuneCode, PlannedStart: b.Project.PlannedStart,
		PlannedHeadcount: b.Project.PlannedHeadcount, SIRET: b.Project.SIRET,
	}
}

// accepted is the 202 answer.
type accepted struct {
	RequestID string         `json:"request_id"`
	Status    request.Status `json:"status"`
	StatusURL string         `json:"status_url"`
	Routing   events.Routing `json:"routing"`
}

func (rt Routes) submitCreation(w http.ResponseWriter, r *http.Request) {
	var body creationBody
	rt.accept(w, r, CreationPath, &body, func(ctx context.Context, idem *app.Idempotency) (app.Submitted, error) {
		return rt.Creation.Submit(ctx, body.input(), idem)
	})
}

// accept decodes a submission into body, reads its Idempotency-Key, runs
// submit and answers 202 with the status link, or the problem.
func (rt Routes) accept(w http.ResponseWriter, r *http.Request, path string, body any,
	submit func(context.Context, *app.Idempotency) (app.Submitted, error)) {
	if p := httpserver.DecodeJSON(w, r, MaxBody, body); p != nil {
		httpserver.WriteProblem(w, r, *p)
		return
	}
	idem, bad := idempotency(r, body)
	if bad != nil {
		httpserver.WriteProblem(w, r, *bad)
		return
	}
	out, err := submit(r.Context(), idem)
	if err != nil {
		rt.fail(w, r, err)
		return
	}
	statusURL := path + "/" + out.RequestID
	w.Header().Set("Location", statusURL)
	httpserver.WriteJSON(w, http.StatusAccepted, accepted{RequestID: out.RequestID, Status: request.StatusReceived, StatusURL: statusURL, Routing: out.Routing})
}

// idempotency reads the Idempotency-Key header; the fingerprint is the
// hash of the decoded body, so formatting differences do not matter.
func idempotency(r *http.Request, body any) (*app.Idempotency, *httpserver.Problem) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return nil, nil
	}
	if !idempotencyKey.MatchString(key) {
		return nil, &httpserver.Problem{Status: http.StatusBadRequest, Title: "En-tête Idempotency-Key invalide",
			Errors: []httpserver.FieldError{{Field: "Idempotency-Key", Code: "format", Message: "8 à 128 caractères parmi lettres, chiffres, « _ . : - »."}}}
	}
	canonical, err := json.Marshal(body)
	if err != nil {
		return nil, &httpserver.Problem{Status: http.StatusBadRequest, Title: "Requête illisible"}
	}
	fp := sha256.Sum256(canonical)
	return &app.Idempotency{Key: key, Fingerprint: fp[:]}, nil
}

// status serves the status of the requests of one kind; the id of a
// request of another kind is not found there, so that a link never tells
// what kind of request an id is (a difficulty report is confidential).
func (rt Routes) status(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := rt.Status.Get(r.Context(), r.PathValue("id"))
		if err == nil && v.Kind != kind {
			err = app.ErrNotFound
		}
		if err != nil {
			rt.fail(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		httpserver.WriteJSON(w, http.StatusOK, v)
	}
}

// fail maps use case errors to problems, in one place.
func (rt Routes) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ps request.Problems
	switch {
	case errors.As(err, &ps):
		fe := make([]httpserver.FieldError, len(ps))
		for i, p := range ps {
			fe[i] = httpserver.FieldError{Field: p.Field, Code: p.Code, Message: p.Message}
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity,
			Title: "La demande contient des erreurs", Detail: "Corrigez les champs signalés puis renvoyez la demande.", Errors: fe})
	case errors.Is(err, app.ErrIdempotencyConflict):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity,
			Title: "Clé d'idempotence déjà utilisée", Detail: "Cette clé Idempotency-Key a déjà servi pour une autre demande."})
	case errors.Is(err, app.ErrForbidden):
		auth.Forbid(w, r, "Vos droits ne permettent pas de consulter ceci.")
	case errors.Is(err, app.ErrNotFound):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Demande introuvable"})
	default:
		rt.Log.ErrorContext(r.Context(), "request failed", "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable,
			Title: "Service momentanément indisponible", Detail: "Réessayez dans un instant."})
	}
}
