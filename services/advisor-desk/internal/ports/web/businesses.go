package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// The prevention cell's businesses: its list by level, with score, trend,
// court state and open case, and each business's page with its
// explanation, contributions and active signals. difficulty-alert decides
// who may read them (the cell only: anyone else gets its 403) and audits
// every business sent. A business is named by its opaque number, never by
// its SIREN: no SIREN goes in the desk's URLs, forms or logs.

// PreventionBusinesses reads the cell's businesses in difficulty-alert.
type PreventionBusinesses interface {
	PreventionBusinesses(ctx context.Context, token, level, after string, limit int) (peers.BusinessPage, error)
	PreventionBusiness(ctx context.Context, token, id string) (peers.PreventionBusiness, error)
}

// businessPageSize is the length of a page of the list.
const businessPageSize = 50

// listTrendDays is difficulty-alert's trend span (its list does not send
// it; the business view does).
const listTrendDays = 30

// The levels of the list's "niveau" parameter, in French, and their codes.
var businessLevels = []struct{ Param, Code, Label string }{
	{"fort", "high", "Risque fort"},
	{"modere", "moderate", "Risque modéré"},
	{"aucun", "none", "Aucune alerte"},
}

// businessCursor is the list's "apres" parameter: score and number of
// the last business of the page before.
var businessCursor = regexp.MustCompile(`^[0-9]{1,9}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (s *site) businessRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /prevention/entreprises", s.businessesPage)
	mux.HandleFunc("GET /prevention/entreprises/{id}", s.businessPage)
}

// levelTab is a filter of the list.
type levelTab struct {
	Label, URL string
	Current    bool
}

// businessLine is a business in the list.
type businessLine struct {
	URL, CaseURL      string
	Score             int
	LevelLabel, Trend string
	Court             string
	ScoredAt          time.Time
}

// businessesView is the data of businesses.html.
type businessesView struct {
	Tabs       []levelTab
	LevelLabel string
	Lines      []businessLine
	NextURL    string
}

func (s *site) businessesPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	param, after := q.Get("niveau"), q.Get("apres")
	level, label := "", "Toutes les entreprises suivies"
	for _, l := range businessLevels {
		if l.Param == param {
			level, label = l.Code, l.Label
		}
	}
	if (param != "" && level == "") || (after != "" && !businessCursor.MatchString(after)) {
		s.renderCase(w, r, c, http.StatusBadRequest, "error", "Demande invalide",
			errorPage{Heading: "Demande invalide", Text: "Ce niveau ou cette page de la liste n'existe pas."})
		return
	}
	page, err := s.Cases.PreventionBusinesses(r.Context(), c.bearer, level, after, businessPageSize)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v := businessesView{LevelLabel: label, Tabs: []levelTab{{Label: "Toutes", URL: "/prevention/entreprises", Current: param == ""}}}
	for _, l := range businessLevels {
		v.Tabs = append(v.Tabs, levelTab{Label: l.Label, URL: "/prevention/entreprises?niveau=" + l.Param, Current: l.Param == param})
	}
	for _, b := range page.Businesses {
		line := businessLine{URL: "/prevention/entreprises/" + url.PathEscape(b.BusinessID), Score: b.Score, LevelLabel: levelLabel(b.Level),
			Trend: trendText(b.Trend, listTrendDays), Court: courtText(b.Court), ScoredAt: b.ScoredAt}
		if b.OpenCaseID != "" {
			line.CaseURL = "/dossiers/prevention/" + url.PathEscape(b.OpenCaseID)
		}
		v.Lines = append(v.Lines, line)
	}
	if n := len(page.Businesses); n == businessPageSize {
		next := url.Values{"apres": {peers.AfterOf(page.Businesses[n-1])}}
		if param != "" {
			next.Set("niveau", param)
		}
		v.NextURL = "/prevention/entreprises?" + next.Encode()
	}
	s.renderCase(w, r, c, http.StatusOK, "businesses", "Entreprises suivies par la cellule de prévention", v)
}

// businessView is the data of business.html.
type businessView struct {
	Business peers.PreventionBusiness
	CaseURL  string
}

func (s *site) businessPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caseStart(w, r)
	if !ok {
		return
	}
	b, err := s.Cases.PreventionBusiness(r.Context(), c.bearer, c.id)
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v := businessView{Business: b}
	if b.OpenCaseID != "" {
		v.CaseURL = "/dossiers/prevention/" + url.PathEscape(b.OpenCaseID)
	}
	s.renderCase(w, r, c, http.StatusOK, "business", "Entreprise suivie", v)
}

// levelLabel is a score level as the early-warning programme names it.
func levelLabel(code string) string {
	for _, l := range businessLevels {
		if l.Code == code {
			return l.Label
		}
	}
	return code
}

// trendText is a score's change over days: "+12 points en 30 jours",
// "−3 points en 30 jours", or "stable".
func trendText(points, days int) string {
	if days <= 0 {
		days = listTrendDays
	}
	unit := "points"
	if points == 1 || points == -1 {
		unit = "point"
	}
	switch {
	case points > 0:
		return fmt.Sprintf("+%d %s en %d jours", points, unit, days)
	case points < 0:
		return fmt.Sprintf("−%d %s en %d jours", -points, unit, days)
	default:
		return "stable"
	}
}

// courtText is a court state: "Redressement judiciaire depuis le 14
// janvier 2026", empty when none is in force.
func courtText(c *peers.CourtState) string {
	if c == nil {
		return ""
	}
	d, err := time.Parse(time.DateOnly, c.Since)
	if err != nil {
		return c.ProcedureLabel
	}
	return c.ProcedureLabel + " depuis le " + frenchDay(d)
}

// cellMember tells whether the menu offers the cell's list.
func cellMember(p auth.Principal) bool { return p.Has(auth.RolePreventionCell) }

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// frenchDay writes a day as "14 janvier 2026" ("1er" for the first).
func frenchDay(d time.Time) string {
	day := strconv.Itoa(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

// isoDayText is a YYYY-MM-DD date as frenchDay writes it, or as sent.
func isoDayText(iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return frenchDay(d)
}
