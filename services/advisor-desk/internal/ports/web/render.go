package web

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"github.com/ccicma/platform/pkg/dsfr"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

//go:embed templates
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

func newStatic() *dsfr.Static {
	own, _ := fs.Sub(staticFS, "static") // a constant, valid path
	return dsfr.NewStatic(own)
}

type pageTemplate = template.Template

var pageNames = []string{"signin", "inbox", "error", "creation", "mycases", "pipeline", "offer", "search", "match", "prevention", "sessions", "marketplace",
	"businesses", "business"}

// parsePages parses every page with the layout. The templates are
// embedded, so a parse error is a build bug, caught by every test: it
// panics.
func parsePages(static *dsfr.Static) map[string]*pageTemplate {
	return dsfr.Pages(templatesFS, []string{"templates/layout.html", "templates/case_parts.html", "templates/journey.html", "templates/outcomes.html", "templates/sessions_parts.html", "templates/takeover_listing.html", "templates/takeover_care.html", "templates/prevention_lifecycle.html", "templates/prevention_score.html"}, pageNames, template.FuncMap{
		"static":  static.URL,
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"unread":  unreadText,
		"label":   casefile.Label,
		"day":     dayText,
		"longDay": isoDayText,
		"trend":   trendText,
		"court":   courtText,
		"planPart": func(id, label string, part peers.PlanPart) planPartField {
			return planPartField{ID: id, Label: label, Part: part}
		},
		"sessionInput": sessionInput,
		"listingInput": newListingInput,
	})
}

// planPartField is a part of the business plan in the facts form.
type planPartField struct {
	ID, Label string
	Part      peers.PlanPart
}

// dayText is a date the services send as YYYY-MM-DD, the French way
// (14/12/2026), or as sent when it is not one.
func dayText(iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return d.Format("02/01/2006")
}

// layout is what every page shows around its content.
type layout struct {
	Title string
	// Errors prefixes the title with "Erreur", so that screen reader users
	// learn on load that the form came back with an error.
	Errors bool
	// Signed shows the sign-out button, whose form carries Token.
	Signed bool
	Token  string
	Main   any
	// Cell shows the prevention cell's list in the menu (render sets it
	// from the session).
	Cell bool
}

// render writes a page, never cached: pages hold an advisor's inbox.
func (s *site) render(w http.ResponseWriter, r *http.Request, status int, page string, l layout) {
	if l.Signed && s.Verifier != nil {
		if p, _, ok := s.session(r); ok {
			l.Cell = cellMember(p)
		}
	}
	dsfr.Render(w, r, s.Log, s.pages[page], status, l)
}

// errorPage is the data of error.html.
type errorPage struct{ Heading, Text string }

func (s *site) renderError(w http.ResponseWriter, r *http.Request, status int, heading, text string) {
	s.render(w, r, status, "error", layout{Title: heading, Main: errorPage{Heading: heading, Text: text}})
}

// unreadText is "3 notifications non lues" (desk.js writes the same).
func unreadText(n int) string {
	switch n {
	case 0:
		return "Aucune notification non lue"
	case 1:
		return "1 notification non lue"
	default:
		return strconv.Itoa(n) + " notifications non lues"
	}
}
