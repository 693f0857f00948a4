package peers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// PreventionBusiness is a business as difficulty-alert shows it to the
// desk, by its opaque number: its score, trend, contributions, French
// explanation, court state (apart from the score) and active signals.
// Never its SIREN: the desk neither receives nor sends one here.
type PreventionBusiness struct {
	BusinessID    string              `json:"business_id"`
	Score         int                 `json:"score"`
	Level         string              `json:"level"`
	LevelLabel    string              `json:"level_label"`
	Trend         int                 `json:"trend"`
	TrendDays     int                 `json:"trend_days"`
	Contributions []ScoreContribution `json:"contributions"`
	Explanation   string              `json:"explanation"`
	ScoredAt      *time.Time          `json:"scored_at"`
	Court         *CourtState         `json:"court_state"`
	OpenCaseID    string              `json:"open_case_id"`
	Signals       []PreventionSignal  `json:"signals"`
}

// ScoreContribution is what one theme adds to a score.
type ScoreContribution struct {
	Theme      string `json:"theme"`
	ThemeLabel string `json:"theme_label"`
	Points     int    `json:"points"`
	Uncapped   int    `json:"uncapped"`
	Capped     bool   `json:"capped"`
	Signals    int    `json:"signals"`
	Latest     string `json:"latest"`
}

// CourtState is a business's court procedure in force, with its French
// name and the date of its judgment (YYYY-MM-DD).
type CourtState struct {
	Procedure      string `json:"procedure"`
	ProcedureLabel string `json:"procedure_label"`
	Since          string `json:"since"`
	SignalID       string `json:"signal_id"`
}

// PreventionSignal is an active signal, with French labels.
type PreventionSignal struct {
	Source         string `json:"source"`
	SourceLabel    string `json:"source_label"`
	Kind           string `json:"kind"`
	KindLabel      string `json:"kind_label"`
	Theme          string `json:"theme"`
	ThemeLabel     string `json:"theme_label"`
	OccurredOn     string `json:"occurred_on"`
	Strength       int    `json:"strength"`
	ExpiresOn      string `json:"expires_on"`
	ProcedureLabel string `json:"procedure_label"`
}

// BusinessSummary is a business in the cell's list. SIREN is decoded
// because the owner sends it to the cell, but the desk never shows it in
// a URL nor logs it: its pages name a business by BusinessID.
type BusinessSummary struct {
	BusinessID string      `json:"business_id"`
	SIREN      string      `json:"siren"`
	Score      int         `json:"score"`
	Level      string      `json:"level"`
	LevelLabel string      `json:"level_label"`
	Trend      int         `json:"trend"`
	Court      *CourtState `json:"court_state"`
	OpenCaseID string      `json:"open_case_id"`
	ScoredAt   time.Time   `json:"scored_at"`
}

// BusinessPage is a page of the cell's list. The desk pages with
// AfterOf (score and number of the last business), never with the owner's
// next_after, which holds a SIREN.
type BusinessPage struct {
	Businesses []BusinessSummary `json:"businesses"`
	NextAfter  string            `json:"next_after"`
}

// AfterOf is the cursor after b, by its number.
func AfterOf(b BusinessSummary) string { return strconv.Itoa(b.Score) + ":" + b.BusinessID }

// PreventionBusinesses reads a page of the prevention cell's list: the
// businesses at level (all when empty), highest scores first, after the
// cursor (AfterOf), at most limit (the owner's default when 0).
func (c *Client) PreventionBusinesses(ctx context.Context, token, level, after string, limit int) (BusinessPage, error) {
	q := url.Values{}
	if level != "" {
		q.Set("level", level)
	}
	if after != "" {
		q.Set("after", after)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	path := "/api/v1/businesses"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var v BusinessPage
	err := c.do(ctx, DifficultyAlert, http.MethodGet, path, token, nil, &v)
	return v, err
}

// PreventionBusiness reads a business by its number (the cell only;
// difficulty-alert audits it).
func (c *Client) PreventionBusiness(ctx context.Context, token, id string) (PreventionBusiness, error) {
	var v PreventionBusiness
	err := c.do(ctx, DifficultyAlert, http.MethodGet, "/api/v1/business-views/"+url.PathEscape(id), token, nil, &v)
	return v, err
}
