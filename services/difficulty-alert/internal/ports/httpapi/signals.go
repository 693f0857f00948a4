package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/bodaccfile"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// BodaccImports imports BODACC export files (app.ImportBodacc).
type BodaccImports interface {
	Import(ctx context.Context, p auth.Principal, entries []signal.BodaccEntry) (app.ImportReport, error)
}

// BusinessSignals reads a business's signals, audited (app.ReadSignals).
type BusinessSignals interface {
	Get(ctx context.Context, p auth.Principal, siren string) (app.BusinessSignals, error)
}

// MaxImportBytes bounds an import's body by default (Routes.ImportLimit):
// a month of bulletin A for the whole of France is a few megabytes.
const MaxImportBytes = 32 << 20

const forbiddenSignals = "Les signaux des entreprises ne sont ouverts qu'à la cellule de prévention."

// importBodacc reads the body as a JSON or CSV export (by Content-Type)
// and answers the import's report. The access rule is applied before the
// body is read, so a refused caller costs no parsing.
func (rt Routes) importBodacc(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	if !access.ImportSignals(p) {
		rt.fail(w, r, p, app.ErrForbidden, forbiddenSignals)
		return
	}
	read, problem := readerOf(r.Header.Get("Content-Type"))
	if problem != nil {
		httpserver.WriteProblem(w, r, *problem)
		return
	}
	limit := rt.ImportLimit
	if limit <= 0 {
		limit = MaxImportBytes
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusRequestEntityTooLarge, Title: "Fichier trop volumineux",
			Detail: fmt.Sprintf("Un import ne dépasse pas %d octets : découpez l'export par période.", limit)})
		return
	case err != nil:
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Fichier illisible", Detail: "Le corps n'a pas pu être lu."})
		return
	}
	entries, err := read(body)
	if err != nil {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Fichier illisible",
			Detail: "Le fichier n'est pas un export BODACC lisible : " + err.Error()})
		return
	}
	rep, err := rt.Imports.Import(r.Context(), p, entries)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenSignals)
		return
	}
	rt.Log.InfoContext(r.Context(), "bodacc import", "advisor_id", p.Subject, "records", rep.Records, "imported", rep.Imported,
		"replaced", rep.Replaced, "withdrawn", rep.Withdrawn, "duplicates", rep.Duplicates, "rejected", len(rep.Rejected))
	writeConfidential(w, reportJSONOf(rep))
}

// readerOf chooses the export's reader by its media type.
func readerOf(contentType string) (func([]byte) ([]signal.BodaccEntry, error), *httpserver.Problem) {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/json":
		return bodaccfile.ReadJSON, nil
	case "text/csv":
		return bodaccfile.ReadCSV, nil
	}
	return nil, &httpserver.Problem{Status: http.StatusUnsupportedMediaType, Title: "Type de contenu non pris en charge",
		Detail: "Envoyez l'export BODACC en application/json ou en text/csv (séparateur « ; »)."}
}

func (rt Routes) businessSignals(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	siren, ok := sirenOf(w, r)
	if !ok {
		return
	}
	bs, err := rt.Signals.Get(r.Context(), p, siren)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenSignals)
		return
	}
	writeConfidential(w, businessJSONOf(bs))
}

type reportJSON struct {
	Records    int             `json:"records"`
	Imported   int             `json:"imported"`
	Replaced   int             `json:"replaced"`
	Withdrawn  int             `json:"withdrawn"`
	Duplicates int             `json:"duplicates"`
	Ignored    int             `json:"ignored"`
	Rejected   []rejectionJSON `json:"rejected"`
}

type rejectionJSON struct {
	Record int    `json:"record"`
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

func reportJSONOf(rep app.ImportReport) reportJSON {
	out := reportJSON{Records: rep.Records, Imported: rep.Imported, Replaced: rep.Replaced, Withdrawn: rep.Withdrawn,
		Duplicates: rep.Duplicates, Ignored: rep.Ignored, Rejected: make([]rejectionJSON, len(rep.Rejected))}
	for i, rj := range rep.Rejected {
		out.Rejected[i] = rejectionJSON{Record: rj.Index, Line: rj.Line, Reason: rj.Reason, Detail: rj.Detail}
	}
	return out
}

type businessJSON struct {
	SIREN   string       `json:"siren"`
	Court   *courtJSON   `json:"court_state,omitempty"`
	Signals []signalJSON `json:"signals"`
}

type courtJSON struct {
	Procedure      string `json:"procedure"`
	ProcedureLabel string `json:"procedure_label"`
	Since          string `json:"since"`
	SignalID       string `json:"signal_id"`
}

type signalJSON struct {
	SignalID       string `json:"signal_id"`
	Source         string `json:"source"`
	Kind           string `json:"kind"`
	Theme          string `json:"theme"`
	SIRET          string `json:"siret,omitempty"`
	OccurredOn     string `json:"occurred_on"`
	Strength       int    `json:"strength"`
	ExpiresOn      string `json:"expires_on"`
	SourceRef      string `json:"source_ref"`
	Procedure      string `json:"procedure,omitempty"`
	ProcedureLabel string `json:"procedure_label,omitempty"`
	Court          string `json:"court,omitempty"`
	Status         string `json:"status"`
}

func businessJSONOf(bs app.BusinessSignals) businessJSON {
	out := businessJSON{SIREN: bs.SIREN, Signals: make([]signalJSON, len(bs.Signals))}
	if c := bs.Court; c != nil {
		out.Court = &courtJSON{Procedure: string(c.Procedure), ProcedureLabel: c.Procedure.Label(), Since: c.Since, SignalID: c.SignalID}
	}
	for i, s := range bs.Signals {
		js := signalJSON{SignalID: s.ID, Source: string(s.Source), Kind: string(s.Kind), Theme: string(s.Theme), SIRET: s.SIRET,
			OccurredOn: s.On.Format(time.DateOnly), Strength: s.Strength, ExpiresOn: s.Expires.Format(time.DateOnly),
			SourceRef: s.Ref, Court: s.Court, Status: string(s.Status)}
		if s.Procedure != "" {
			js.Procedure, js.ProcedureLabel = string(s.Procedure), s.Procedure.Label()
		}
		out.Signals[i] = js
	}
	return out
}

// sirenOf reads the SIREN of the path: 9 digits, no space, a valid key;
// anything else names no business (404, answered here).
func sirenOf(w http.ResponseWriter, r *http.Request) (string, bool) {
	siren, err := signal.NormalizeSIREN(r.PathValue("siren"))
	if err != nil || siren != r.PathValue("siren") {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Entreprise inconnue",
			Detail: "Un SIREN s'écrit en 9 chiffres sans espace, clé de Luhn comprise."})
		return "", false
	}
	return siren, true
}
