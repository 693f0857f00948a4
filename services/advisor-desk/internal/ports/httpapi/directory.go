package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/access"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// The directory admin API:
//
//	GET    /api/v1/directory/advisors              every entry (admin)
//	GET    /api/v1/directory/advisors/{id}         one entry, ETag "revision" (admin)
//	PUT    /api/v1/directory/advisors/{id}         create or replace; If-Match: "revision" -> 412 when stale (admin)
//	POST   /api/v1/directory/advisors/{id}/absence {"until": RFC 3339} (admin, or the advisor themself)
//	DELETE /api/v1/directory/advisors/{id}/absence back from absence (admin, or the advisor themself)
//	POST   /api/v1/directory/import                text/csv, all or nothing (admin; format: directory.CSVHeader)
//
// Every change that alters an entry stores a new revision and emits
// advisor.directory.updated; a request that changes nothing emits nothing.

// Bounds of the directory API's bodies.
const (
	maxAdvisorBody = 64 << 10
	maxAbsenceBody = 1 << 10
	// MaxImportBody bounds a CSV import (about 5,000 rows).
	MaxImportBody = 2 << 20
)

// DirectoryReader reads the directory (app.ReadDirectory).
type DirectoryReader interface {
	List(ctx context.Context) ([]directory.Advisor, error)
	Get(ctx context.Context, id string) (directory.Advisor, error)
}

// AdvisorPutter creates or replaces an entry (app.PutAdvisor).
type AdvisorPutter interface {
	Put(ctx context.Context, a directory.Advisor, ifMatch *int64) (app.PutResult, error)
}

// AbsenceSetter records or (until nil) ends an absence (app.SetAbsence).
type AbsenceSetter interface {
	Set(ctx context.Context, advisorID string, until *time.Time, ifMatch *int64) (directory.Advisor, bool, error)
}

// DirectoryImporter imports a CSV file (app.ImportDirectory).
type DirectoryImporter interface {
	Import(ctx context.Context, csv []byte) (app.ImportResult, error)
}

// DirectoryRoutes serves the directory admin API.
type DirectoryRoutes struct {
	Read    DirectoryReader
	Put     AdvisorPutter
	Absence AbsenceSetter
	Import  DirectoryImporter
	Auth    Authenticator
	Log     *slog.Logger
}

func (d DirectoryRoutes) register(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/directory/advisors", d.admin(d.list))
	mux.Handle("GET /api/v1/directory/advisors/{id}", d.admin(d.get))
	mux.Handle("PUT /api/v1/directory/advisors/{id}", d.admin(d.put))
	mux.Handle("POST /api/v1/directory/advisors/{id}/absence", d.Auth.Require(http.HandlerFunc(d.setAbsence)))
	mux.Handle("DELETE /api/v1/directory/advisors/{id}/absence", d.Auth.Require(http.HandlerFunc(d.clearAbsence)))
	mux.Handle("POST /api/v1/directory/import", d.admin(d.importCSV))
}

// admin guards a route: a token (401 without), and the admin role (403).
func (d DirectoryRoutes) admin(next http.HandlerFunc) http.Handler {
	return d.Auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.PrincipalOf(w, r, d.Log)
		if !ok {
			return
		}
		if !access.ManageDirectory(p) {
			auth.Forbid(w, r, "L'annuaire des conseillers est réservé à ses administrateurs.")
			return
		}
		next(w, r)
	}))
}

// advisorView is an entry as the API shows it, with its revision.
type advisorView struct {
	directory.Advisor
	Communes []string `json:"communes"`
	EPCIs    []string `json:"epcis"`
	Revision int64    `json:"revision"`
}

func view(a directory.Advisor) advisorView {
	a = a.Normalized()
	return advisorView{Advisor: a, Communes: a.Communes, EPCIs: a.EPCIs, Revision: a.Revision}
}

func etag(a directory.Advisor) string { return `"` + strconv.FormatInt(a.Revision, 10) + `"` }

func (d DirectoryRoutes) list(w http.ResponseWriter, r *http.Request) {
	list, err := d.Read.List(r.Context())
	if err != nil {
		d.unavailable(w, r, "list advisors", err)
		return
	}
	out := make([]advisorView, len(list))
	for i, a := range list {
		out[i] = view(a)
	}
	w.Header().Set("Cache-Control", "no-store")
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{"advisors": out})
}

func (d DirectoryRoutes) get(w http.ResponseWriter, r *http.Request) {
	a, err := d.Read.Get(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, directory.ErrUnknown):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Conseiller inconnu"})
	case err != nil:
		d.unavailable(w, r, "load advisor", err)
	default:
		d.writeAdvisor(w, http.StatusOK, a)
	}
}

func (d DirectoryRoutes) writeAdvisor(w http.ResponseWriter, status int, a directory.Advisor) {
	w.Header().Set("ETag", etag(a))
	w.Header().Set("Cache-Control", "no-store")
	httpserver.WriteJSON(w, status, view(a))
}

// advisorInput is the body of a PUT: the whole entry. advisor_id may be
// left out (the path names it); active is required, so that a forgotten
// member never disables an advisor.
type advisorInput struct {
	AdvisorID    string     `json:"advisor_id"`
	Chamber      string     `json:"chamber"`
	FullName     string     `json:"full_name"`
	Email        string     `json:"email"`
	Departements []string   `json:"departements"`
	Communes     []string   `json:"communes"`
	EPCIs        []string   `json:"epcis"`
	Specialities []string   `json:"specialities"`
	Capacity     int        `json:"capacity"`
	Active       *bool      `json:"active"`
	AbsentUntil  *time.Time `json:"absent_until"`
	Roles        []string   `json:"roles"`
}

func (in advisorInput) advisor(id string) (directory.Advisor, []httpserver.FieldError) {
	var errs []httpserver.FieldError
	if in.AdvisorID != "" && in.AdvisorID != id {
		errs = append(errs, httpserver.FieldError{Field: "advisor_id", Code: "mismatch",
			Message: "L'identifiant du corps diffère de celui du chemin."})
	}
	if in.Active == nil {
		errs = append(errs, httpserver.FieldError{Field: "active", Code: "required", Message: "true ou false requis."})
	}
	return directory.Advisor{AdvisorID: id, Chamber: in.Chamber, FullName: in.FullName, Email: in.Email,
		Departements: in.Departements, Communes: in.Communes, EPCIs: in.EPCIs, Specialities: in.Specialities,
		Capacity: in.Capacity, Active: in.Active != nil && *in.Active, AbsentUntil: in.AbsentUntil, Roles: in.Roles}, errs
}

func (d DirectoryRoutes) put(w http.ResponseWriter, r *http.Request) {
	want, ok := ifMatch(w, r)
	if !ok {
		return
	}
	var in advisorInput
	if !httpserver.ReadJSON(w, r, maxAdvisorBody, &in) {
		return
	}
	a, errs := in.advisor(r.PathValue("id"))
	if len(errs) > 0 {
		invalid(w, r, errs)
		return
	}
	res, err := d.Put.Put(r.Context(), a, want)
	if d.changeFailed(w, r, "put advisor", err) {
		return
	}
	if res.Changed {
		d.changed(r, res.Advisor)
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/directory/advisors/"+res.Advisor.AdvisorID)
	}
	d.writeAdvisor(w, status, res.Advisor)
}

func (d DirectoryRoutes) setAbsence(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Until *time.Time `json:"until"`
	}
	if !d.mayAbsent(w, r) {
		return
	}
	want, ok := ifMatch(w, r)
	if !ok {
		return
	}
	if !httpserver.ReadJSON(w, r, maxAbsenceBody, &in) {
		return
	}
	if in.Until == nil {
		invalid(w, r, []httpserver.FieldError{{Field: "until", Code: "required",
			Message: "Date et heure de fin d'absence requises (RFC 3339)."}})
		return
	}
	d.absence(w, r, in.Until, want)
}

func (d DirectoryRoutes) clearAbsence(w http.ResponseWriter, r *http.Request) {
	if !d.mayAbsent(w, r) {
		return
	}
	if want, ok := ifMatch(w, r); ok {
		d.absence(w, r, nil, want)
	}
}

// mayAbsent applies the self-service rule before anything is looked up.
func (d DirectoryRoutes) mayAbsent(w http.ResponseWriter, r *http.Request) bool {
	p, ok := auth.PrincipalOf(w, r, d.Log)
	if !ok {
		return false
	}
	if !access.SetAbsence(p, r.PathValue("id")) {
		auth.Forbid(w, r, "Seuls le conseiller lui-même et les administrateurs déclarent ses absences.")
		return false
	}
	return true
}

func (d DirectoryRoutes) absence(w http.ResponseWriter, r *http.Request, until *time.Time, want *int64) {
	a, changed, err := d.Absence.Set(r.Context(), r.PathValue("id"), until, want)
	if d.changeFailed(w, r, "set absence", err) {
		return
	}
	if changed {
		d.changed(r, a)
	}
	d.writeAdvisor(w, http.StatusOK, a)
}

// importCSV imports a CSV file (see directory.CSVHeader), all or nothing.
func (d DirectoryRoutes) importCSV(w http.ResponseWriter, r *http.Request) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/csv" {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnsupportedMediaType,
			Title: "Type de contenu non pris en charge", Detail: "Envoyez le fichier en text/csv (UTF-8)."})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxImportBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusRequestEntityTooLarge,
			Title: "Fichier trop volumineux", Detail: fmt.Sprintf("Le fichier dépasse %d octets.", MaxImportBody)})
		return
	case err != nil:
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Fichier illisible"})
		return
	}
	res, err := d.Import.Import(r.Context(), body)
	var bad *directory.ImportError
	if errors.As(err, &bad) {
		writeImportProblem(w, r, bad)
		return
	}
	if errors.Is(err, directory.ErrStale) {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Import concurrent",
			Detail: "Un conseiller du fichier a été créé pendant l'import ; rien n'a été importé, recommencez."})
		return
	}
	if err != nil {
		d.unavailable(w, r, "import directory", err)
		return
	}
	p, _ := auth.FromContext(r.Context())
	d.Log.InfoContext(r.Context(), "advisor directory imported", "created", res.Created, "updated", res.Updated,
		"unchanged", res.Unchanged, "by", p.Subject)
	httpserver.WriteJSON(w, http.StatusOK, res)
}

// changed records who changed an entry (ids only: no name, no e-mail).
func (d DirectoryRoutes) changed(r *http.Request, a directory.Advisor) {
	p, _ := auth.FromContext(r.Context())
	d.Log.InfoContext(r.Context(), "advisor directory entry changed", "advisor_id", a.AdvisorID, "revision", a.Revision,
		"by", p.Subject)
}

// importProblem is a 422 problem whose errors name the row of each bad
// field (RFC 9457 allows such extension members).
type importProblem struct {
	httpserver.Problem
	Errors []directory.RowError `json:"errors"`
}

func writeImportProblem(w http.ResponseWriter, r *http.Request, bad *directory.ImportError) {
	p := importProblem{Problem: httpserver.Problem{Type: "about:blank", Status: http.StatusUnprocessableEntity,
		Title: "Fichier refusé", Instance: r.URL.Path,
		Detail: "Aucun conseiller n'a été importé : corrigez les lignes signalées (la ligne 1 est l'en-tête)."},
		Errors: bad.Rows}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// ifMatch reads an If-Match precondition: none (nil), * (any existing
// revision) or one "revision". Anything else cannot match: 412.
func ifMatch(w http.ResponseWriter, r *http.Request) (*int64, bool) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return nil, true
	}
	if h == "*" {
		v := directory.AnyRevision
		return &v, true
	}
	n, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || n < 1 || !strings.HasPrefix(h, `"`) || !strings.HasSuffix(h, `"`) {
		precondition(w, r)
		return nil, false
	}
	return &n, true
}

func precondition(w http.ResponseWriter, r *http.Request) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusPreconditionFailed, Title: "Version périmée",
		Detail: "L'entrée a changé depuis votre lecture (If-Match) : relisez-la, puis recommencez."})
}

// changeFailed answers a failed change: 422 naming the bad fields, 412 for
// a stale revision, 404 for an unknown advisor, else 503. It returns false
// when err is nil.
func (d DirectoryRoutes) changeFailed(w http.ResponseWriter, r *http.Request, what string, err error) bool {
	var ve *directory.ValidationError
	switch {
	case err == nil:
		return false
	case errors.As(err, &ve):
		errs := make([]httpserver.FieldError, len(ve.Fields))
		for i, f := range ve.Fields {
			errs[i] = httpserver.FieldError(f)
		}
		invalid(w, r, errs)
	case errors.Is(err, directory.ErrStale):
		precondition(w, r)
	case errors.Is(err, directory.ErrUnknown):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Conseiller inconnu"})
	default:
		d.unavailable(w, r, what, err)
	}
	return true
}

func invalid(w http.ResponseWriter, r *http.Request, errs []httpserver.FieldError) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusUnprocessableEntity, Title: "Entrée invalide", Errors: errs})
}

func (d DirectoryRoutes) unavailable(w http.ResponseWriter, r *http.Request, what string, err error) {
	d.Log.ErrorContext(r.Context(), what, "err", err)
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
}
