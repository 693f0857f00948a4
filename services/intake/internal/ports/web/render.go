package web

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/ccicma/platform/pkg/dsfr"
)

//go:embed templates
var templatesFS embed.FS

// pageTemplate is one page: the layout with that page's "content".
type pageTemplate = template.Template

// pageNames are the files under templates/ that are pages; layout.html
// and fields.html hold the shared parts.
var pageNames = []string{"home", "creation", "takeover", "search", "difficulty", "status", "sent", "error"}

// parsePages parses every page with the layout. The templates are embedded,
// so a parse error is a build bug, caught by every test: it panics.
func parsePages(static *staticFiles) map[string]*pageTemplate {
	return dsfr.Pages(templatesFS, []string{"templates/layout.html", "templates/fields.html"}, pageNames,
		template.FuncMap{"static": static.URL})
}

// layout is what every page shows around its content.
type layout struct {
	Title string // the page's own title; the site name is appended
	Site  string // "Essonne", or empty
	// ErrorCount prefixes the title with "Erreur" so that screen reader
	// users learn on load that the form came back with errors.
	ErrorCount int
	Main       any // the page's own data
}

// render writes a page with status code, never cached: pages may hold what
// the applicant typed.
func (s *site) render(w http.ResponseWriter, r *http.Request, status int, page string, l layout) {
	l.Site = s.name
	dsfr.Render(w, r, s.Log, s.pages[page], status, l)
}

// errorPage is the data of error.html.
type errorPage struct {
	Heading, Text string
	Back          string // a link back, e.g. to the form
}

func (s *site) renderError(w http.ResponseWriter, r *http.Request, status int, p errorPage) {
	s.render(w, r, status, "error", layout{Title: p.Heading, Main: p})
}
