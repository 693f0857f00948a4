package web

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in Paris time wherever the server runs

	"github.com/ccicma/platform/pkg/dsfr"
)

//go:embed templates
var templatesFS embed.FS

// dsfrVersion is the DSFR release pkg/dsfr embeds.
const dsfrVersion = dsfr.Version

// pageTemplate is one page: the layout with that page's "content".
type pageTemplate = template.Template

// pageNames are the files under templates/ that are pages; layout.html
// and fields.html hold the shared parts.
var pageNames = []string{"home", "creation", "takeover", "search", "difficulty", "status", "sent", "error"}

// parsePages parses every page with the layout. The templates are embedded,
// so a parse error is a build bug, caught by every test: it panics.
func parsePages(static *staticFiles) map[string]*pageTemplate {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.UTC
	}
	funcs := template.FuncMap{
		"static":      static.URL,
		"date":        func(t time.Time) string { return frenchDate(t.In(paris)) },
		"dsfrVersion": func() string { return dsfrVersion },
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templatesFS, "templates/layout.html", "templates/fields.html"))
	pages := make(map[string]*pageTemplate, len(pageNames))
	for _, name := range pageNames {
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(templatesFS, "templates/"+name+".html"))
	}
	return pages
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

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// frenchDate writes "3 mars 2027 à 14 h 05".
func frenchDate(t time.Time) string {
	var b strings.Builder
	day := t.Day()
	if day == 1 {
		b.WriteString("1er")
	} else {
		b.WriteString(strconv.Itoa(day))
	}
	b.WriteString(" " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year()) + " à " + strconv.Itoa(t.Hour()) + " h ")
	if t.Minute() < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.Itoa(t.Minute()))
	return b.String()
}
