package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
)

// caseViewJSON is a case with its business, when known.
type caseViewJSON struct {
	caseJSON
	Business *businessViewJSON `json:"business,omitempty"`
}

// businessViewJSON is a business as the advisors' desk shows it: its
// opaque number, score, trend, contributions, explanation, court state and
// active signals, with French labels. Never its SIREN nor a SIRET: the
// desk is another service, and the SIREN stays in difficulty-alert.
type businessViewJSON struct {
	BusinessID    string             `json:"business_id"`
	Score         int                `json:"score"`
	Level         string             `json:"level"`
	LevelLabel    string             `json:"level_label"`
	Trend         int                `json:"trend"`
	TrendDays     int                `json:"trend_days"`
	Contributions []contributionJSON `json:"contributions"`
	Explanation   string             `json:"explanation"`
	ScoredAt      *time.Time         `json:"scored_at,omitempty"`
	LevelSince    *time.Time         `json:"level_since,omitempty"`
	Court         *courtJSON         `json:"court_state,omitempty"`
	OpenCaseID    string             `json:"open_case_id,omitempty"`
	Signals       []viewSignalJSON   `json:"signals"`
}

// viewSignalJSON is an active signal in a view: no SIRET, no source
// reference (a request id or a BODACC number would lead back to the
// business).
type viewSignalJSON struct {
	Source         string `json:"source"`
	SourceLabel    string `json:"source_label"`
	Kind           string `json:"kind"`
	KindLabel      string `json:"kind_label"`
	Theme          string `json:"theme"`
	ThemeLabel     string `json:"theme_label"`
	OccurredOn     string `json:"occurred_on"`
	Strength       int    `json:"strength"`
	ExpiresOn      string `json:"expires_on"`
	ProcedureLabel string `json:"procedure_label,omitempty"`
}

func businessViewJSONOf(v app.BusinessView) businessViewJSON {
	s := scoreJSONOf(v.BusinessScore)
	out := businessViewJSON{BusinessID: v.ID, Score: s.Score, Level: s.Level, LevelLabel: s.LevelLabel, Trend: s.Trend,
		TrendDays: app.TrendDays, Contributions: s.Contributions, Explanation: s.Explanation, ScoredAt: s.ScoredAt,
		LevelSince: s.LevelSince, Court: s.Court, OpenCaseID: s.OpenCaseID, Signals: make([]viewSignalJSON, len(v.Signals))}
	for i, sg := range v.Signals {
		js := viewSignalJSON{Source: string(sg.Source), SourceLabel: sg.Source.Label(), Kind: string(sg.Kind), KindLabel: sg.Kind.Label(),
			Theme: string(sg.Theme), ThemeLabel: scoring.ThemeLabel(sg.Theme), OccurredOn: sg.On.Format(time.DateOnly),
			Strength: sg.Strength, ExpiresOn: sg.Expires.Format(time.DateOnly)}
		if sg.Procedure != "" {
			js.ProcedureLabel = sg.Procedure.Label()
		}
		out.Signals[i] = js
	}
	return out
}

// businessByNumber serves a business to the cell by its opaque number,
// so that the desk never puts a SIREN in a URL.
func (rt Routes) businessByNumber(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	id := r.PathValue("business_id")
	if _, err := uuid.Parse(id); err != nil {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Entreprise inconnue",
			Detail: "Le numéro d'une entreprise est un UUID."})
		return
	}
	v, err := rt.Scores.GetByNumber(r.Context(), p, id)
	if errors.Is(err, app.ErrUnknownBusiness) {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Entreprise inconnue",
			Detail: "Aucune entreprise n'a ce numéro."})
		return
	}
	if err != nil {
		rt.fail(w, r, p, err, forbiddenScores)
		return
	}
	writeConfidential(w, businessViewJSONOf(v))
}
