package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
)

// BusinessScores reads the businesses' scores, audited (app.ReadScores).
type BusinessScores interface {
	List(ctx context.Context, p auth.Principal, q app.ScorePage) ([]app.BusinessScore, error)
	Get(ctx context.Context, p auth.Principal, siren string) (app.BusinessScore, error)
	GetByNumber(ctx context.Context, p auth.Principal, id string) (app.BusinessView, error)
}

// Page sizes of the cell's list of businesses.
const (
	defaultBusinessLimit = 50
	maxBusinessLimit     = 200
)

const forbiddenScores = "Les scores des entreprises ne sont ouverts qu'à la cellule de prévention."

// listBusinesses serves the cell's list: the businesses at a level (all
// when none is asked), highest scores first, with their trend, court
// state and open case.
func (rt Routes) listBusinesses(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	q := r.URL.Query()
	var errs []httpserver.FieldError
	page := app.ScorePage{Level: scoring.Level(q.Get("level"))}
	if page.Level != "" && !page.Level.Valid() {
		errs = append(errs, httpserver.FieldError{Field: "level", Code: "invalid", Message: "Niveau attendu : none, moderate ou high."})
	}
	if after := q.Get("after"); after != "" {
		score, siren, ok := parseCursor(after)
		if !ok {
			errs = append(errs, httpserver.FieldError{Field: "after", Code: "invalid",
				Message: "Curseur attendu : la valeur next_after de la page précédente."})
		}
		page.AfterScore = &score
		if len(siren) == 9 {
			page.AfterSIREN = siren
		} else {
			page.AfterBusinessID = siren
		}
	}
	limit, fe := intParam(q.Get("limit"), "limit", defaultBusinessLimit, 1, maxBusinessLimit)
	page.Limit = limit
	errs = append(errs, fe...)
	if len(errs) > 0 {
		badRequest(w, r, errs)
		return
	}
	bs, err := rt.Scores.List(r.Context(), p, page)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenScores)
		return
	}
	out := businessPage{Businesses: make([]businessSummaryJSON, len(bs))}
	for i, b := range bs {
		out.Businesses[i] = summaryJSONOf(b)
	}
	if len(bs) == limit {
		last := bs[len(bs)-1]
		out.NextAfter = fmt.Sprintf("%d:%s", last.Points, last.SIREN)
	}
	writeConfidential(w, out)
}

// parseCursor reads "score:siren", or "score:business_id" (the last
// business named by its number, for clients that never handle a SIREN).
func parseCursor(s string) (int, string, bool) {
	score, last, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(score)
	if !ok || err != nil || n < 0 {
		return 0, "", false
	}
	if id, err := uuid.Parse(last); err == nil && len(last) == 36 {
		return n, id.String(), true
	}
	if len(last) != 9 || strings.Trim(last, "0123456789") != "" {
		return 0, "", false
	}
	return n, last, true
}

func (rt Routes) businessScore(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	siren, ok := sirenOf(w, r)
	if !ok {
		return
	}
	b, err := rt.Scores.Get(r.Context(), p, siren)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenScores)
		return
	}
	writeConfidential(w, scoreJSONOf(b))
}

type businessPage struct {
	Businesses []businessSummaryJSON `json:"businesses"`
	NextAfter  string                `json:"next_after,omitempty"`
}

type businessSummaryJSON struct {
	BusinessID string     `json:"business_id"`
	SIREN      string     `json:"siren"`
	Score      int        `json:"score"`
	Level      string     `json:"level"`
	LevelLabel string     `json:"level_label"`
	Trend      int        `json:"trend"`
	Court      *courtJSON `json:"court_state,omitempty"`
	OpenCaseID string     `json:"open_case_id,omitempty"`
	ScoredAt   time.Time  `json:"scored_at"`
}

func summaryJSONOf(b app.BusinessScore) businessSummaryJSON {
	return businessSummaryJSON{BusinessID: b.ID, SIREN: b.SIREN, Score: b.Points, Level: string(b.Level), LevelLabel: b.Level.Label(),
		Trend: b.Trend, Court: courtJSONOf(b.Court), OpenCaseID: b.OpenCaseID, ScoredAt: b.ScoredAt}
}

func courtJSONOf(c *app.CourtState) *courtJSON {
	if c == nil {
		return nil
	}
	return &courtJSON{Procedure: string(c.Procedure), ProcedureLabel: c.Procedure.Label(), Since: c.Since, SignalID: c.SignalID}
}

type scoreJSON struct {
	BusinessID    string             `json:"business_id,omitempty"`
	SIREN         string             `json:"siren"`
	Score         int                `json:"score"`
	Level         string             `json:"level"`
	LevelLabel    string             `json:"level_label"`
	Trend         int                `json:"trend"`
	Contributions []contributionJSON `json:"contributions"`
	Explanation   string             `json:"explanation"`
	RulesVersion  string             `json:"rules_version,omitempty"`
	ScoredAt      *time.Time         `json:"scored_at,omitempty"`
	LevelSince    *time.Time         `json:"level_since,omitempty"`
	Court         *courtJSON         `json:"court_state,omitempty"`
	OpenCaseID    string             `json:"open_case_id,omitempty"`
}

type contributionJSON struct {
	Theme      string `json:"theme"`
	ThemeLabel string `json:"theme_label"`
	Points     int    `json:"points"`
	Uncapped   int    `json:"uncapped"`
	Capped     bool   `json:"capped"`
	Signals    int    `json:"signals"`
	Latest     string `json:"latest"`
}

func scoreJSONOf(b app.BusinessScore) scoreJSON {
	out := scoreJSON{BusinessID: b.ID, SIREN: b.SIREN, Score: b.Points, Level: string(b.Level), LevelLabel: b.Level.Label(),
		Trend: b.Trend, Contributions: make([]contributionJSON, len(b.Contributions)), Explanation: b.Explanation,
		RulesVersion: b.RulesVersion, Court: courtJSONOf(b.Court), OpenCaseID: b.OpenCaseID}
	if !b.ScoredAt.IsZero() {
		out.ScoredAt = &b.ScoredAt
	}
	if !b.LevelSince.IsZero() {
		out.LevelSince = &b.LevelSince
	}
	for i, c := range b.Contributions {
		out.Contributions[i] = contributionJSON{Theme: string(c.Theme), ThemeLabel: scoring.ThemeLabel(c.Theme), Points: c.Points,
			Uncapped: c.Uncapped, Capped: c.Capped, Signals: c.Signals, Latest: c.Latest.Format(time.DateOnly)}
	}
	return out
}
