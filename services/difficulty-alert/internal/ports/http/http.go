// Package http is difficulty-alert's HTTP port: the prevention cases an
// advisor may read, and the audit log of those reads for managers, as JSON
// for bearers of a valid token (401 otherwise, from pkg/auth):
//
//	GET /api/v1/difficulty-cases?before=&limit=   the cases the caller may read, newest first
//	GET /api/v1/difficulty-cases/{id}             one case
//	GET /api/v1/audit-log?case_id=&advisor_id=&since=&after=&limit=
//	                                              who read which case when (managers, their chamber)
//
// Answers when the access rules say no: 403. A case id that names no case
// also gets 403, with the same body as a case the caller may not read, so
// that nobody learns whether a case they may not see exists; 404 is kept
// for ids that cannot name a case at all (not a UUID), which reveals
// nothing. Every case sent (listed or read) is in the audit log before the
// response is written; if the log cannot be written, the answer is 503 and
// no case is sent.
package http

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// Cases reads cases under the access rules, auditing each read
// (app.ReadCases).
type Cases interface {
	Get(ctx context.Context, p auth.Principal, id string) (prevention.Case, error)
	List(ctx context.Context, p auth.Principal, before string, limit int) ([]prevention.Case, error)
}

// AuditLog answers managers' queries of the audit log (app.QueryAudit).
type AuditLog interface {
	Query(ctx context.Context, p auth.Principal, q app.AuditQuery) ([]audit.Entry, error)
}

// Authenticator guards routes with bearer tokens (auth.Verifier).
type Authenticator interface {
	Require(next http.Handler) http.Handler
}

// Routes serves the API.
type Routes struct {
	Cases Cases
	Audit AuditLog
	Auth  Authenticator
	Log   *slog.Logger
}

// Page sizes.
const (
	defaultCaseLimit  = 50
	maxCaseLimit      = 100
	defaultAuditLimit = 100
	maxAuditLimit     = 500
	maxAdvisorIDLen   = 100
)

// Handler returns the mux.
func (rt Routes) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/difficulty-cases", rt.Auth.Require(http.HandlerFunc(rt.list)))
	mux.Handle("GET /api/v1/difficulty-cases/{id}", rt.Auth.Require(http.HandlerFunc(rt.get)))
	mux.Handle("GET /api/v1/audit-log", rt.Auth.Require(http.HandlerFunc(rt.auditLog)))
	return mux
}

// principal returns the caller; every route is guarded, so its absence is
// a wiring bug.
func (rt Routes) principal(w http.ResponseWriter, r *http.Request) (auth.Principal, bool) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		rt.Log.ErrorContext(r.Context(), "unguarded route", "route", r.Pattern)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusInternalServerError, Title: "Erreur interne"})
	}
	return p, ok
}

const forbiddenAudit = "Le journal des consultations n'est ouvert qu'aux responsables, pour leur chambre."

const forbiddenCase = "Ce dossier n'existe pas ou vous n'y avez pas accès : un dossier de difficulté n'est lu que par " +
	"les conseillers qui en sont chargés et par la cellule de prévention des chambres concernées."

// fail answers an error of a use case.
// forbidden says why, in French, for a 403.
func (rt Routes) fail(w http.ResponseWriter, r *http.Request, p auth.Principal, err error, forbidden string) {
	switch {
	case errors.Is(err, app.ErrForbidden):
		// Who was refused what is worth a line for ops; ids only.
		rt.Log.InfoContext(r.Context(), "access refused", "route", r.Pattern, "advisor_id", p.Subject)
		auth.Forbid(w, r, forbidden)
	case errors.Is(err, app.ErrNotAudited):
		rt.Log.ErrorContext(r.Context(), "read refused: audit log unavailable", "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible",
			Detail: "La consultation n'a pas pu être enregistrée au journal ; réessayez plus tard."})
	default:
		rt.Log.ErrorContext(r.Context(), "difficulty-alert request", "route", r.Pattern, "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
	}
}

func (rt Routes) get(w http.ResponseWriter, r *http.Request) {
	p, ok := rt.principal(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if _, err := uuid.Parse(id); err != nil {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Dossier inconnu",
			Detail: "L'identifiant d'un dossier est un UUID."})
		return
	}
	c, err := rt.Cases.Get(r.Context(), p, id)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenCase)
		return
	}
	writeConfidential(w, caseJSONOf(c))
}

func (rt Routes) list(w http.ResponseWriter, r *http.Request) {
	p, ok := rt.principal(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var errs []httpserver.FieldError
	before := q.Get("before")
	if before != "" {
		if _, err := uuid.Parse(before); err != nil {
			errs = append(errs, httpserver.FieldError{Field: "before", Code: "invalid", Message: "Identifiant de dossier (UUID) attendu."})
		}
	}
	limit, fe := intParam(q.Get("limit"), "limit", defaultCaseLimit, 1, maxCaseLimit)
	errs = append(errs, fe...)
	if len(errs) > 0 {
		badRequest(w, r, errs)
		return
	}
	cs, err := rt.Cases.List(r.Context(), p, before, limit)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenCase)
		return
	}
	out := caseList{Cases: make([]caseJSON, len(cs))}
	for i, c := range cs {
		out.Cases[i] = caseJSONOf(c)
	}
	if len(cs) == limit {
		out.NextBefore = cs[len(cs)-1].ID
	}
	writeConfidential(w, out)
}

func (rt Routes) auditLog(w http.ResponseWriter, r *http.Request) {
	p, ok := rt.principal(w, r)
	if !ok {
		return
	}
	aq, limit, errs := auditParams(r)
	if len(errs) > 0 {
		badRequest(w, r, errs)
		return
	}
	es, err := rt.Audit.Query(r.Context(), p, aq)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenAudit)
		return
	}
	out := auditList{Entries: make([]auditJSON, len(es))}
	for i, e := range es {
		out.Entries[i] = auditJSON{ID: e.ID, At: e.At, AdvisorID: e.ActorID, AdvisorChamber: e.ActorChamber, Action: e.Action,
			CaseID: e.ResourceID, Chambers: e.Chambers, TraceID: e.TraceID}
	}
	if len(es) == limit {
		out.NextAfter = es[len(es)-1].ID
	}
	writeConfidential(w, out)
}

func auditParams(r *http.Request) (app.AuditQuery, int, []httpserver.FieldError) {
	q := r.URL.Query()
	var aq app.AuditQuery
	var errs []httpserver.FieldError
	if aq.CaseID = q.Get("case_id"); aq.CaseID != "" {
		if _, err := uuid.Parse(aq.CaseID); err != nil {
			errs = append(errs, httpserver.FieldError{Field: "case_id", Code: "invalid", Message: "Identifiant de dossier (UUID) attendu."})
		}
	}
	if aq.AdvisorID = q.Get("advisor_id"); aq.AdvisorID != "" && !validAdvisorID(aq.AdvisorID) {
		errs = append(errs, httpserver.FieldError{Field: "advisor_id", Code: "invalid",
			Message: "Identifiant de conseiller attendu (au plus 100 caractères, sans espace)."})
	}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, httpserver.FieldError{Field: "since", Code: "invalid", Message: "Date et heure RFC 3339 attendues, par exemple 2026-11-26T09:00:00Z."})
		}
		aq.Since = t
	}
	after, fe := intParam(q.Get("after"), "after", 0, 0, 1<<62)
	errs = append(errs, fe...)
	aq.After = int64(after)
	aq.Limit, fe = intParam(q.Get("limit"), "limit", defaultAuditLimit, 1, maxAuditLimit)
	errs = append(errs, fe...)
	return aq, aq.Limit, errs
}

func validAdvisorID(s string) bool {
	if len(s) > maxAdvisorIDLen {
		return false
	}
	for _, c := range s {
		if unicode.IsSpace(c) || !unicode.IsPrint(c) {
			return false
		}
	}
	return true
}

// intParam reads an optional integer parameter within [lo, hi].
func intParam(v, field string, def, lo, hi int) (int, []httpserver.FieldError) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return def, []httpserver.FieldError{{Field: field, Code: "invalid", Message: "Entier entre " + strconv.Itoa(lo) + " et " + strconv.Itoa(hi) + " attendu."}}
	}
	return n, nil
}

func badRequest(w http.ResponseWriter, r *http.Request, errs []httpserver.FieldError) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides", Errors: errs})
}

// writeConfidential sends a confidential document: no cache may keep it.
func writeConfidential(w http.ResponseWriter, v any) {
	w.Header().Set("Cache-Control", "no-store")
	httpserver.WriteJSON(w, http.StatusOK, v)
}
