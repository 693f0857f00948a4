package dsfr

import (
	"bytes"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in Paris time wherever the server runs
)

// Render executes a page's layout.html with data and writes it with status,
// never cached (pages hold what an applicant typed or an advisor's inbox).
// The page is rendered in full before anything is written, so a template
// error gives a plain 500, logged, instead of half a page.
func Render(w http.ResponseWriter, r *http.Request, log *slog.Logger, page *template.Template, status int, data any) {
	var b bytes.Buffer
	if err := page.ExecuteTemplate(&b, "layout.html", data); err != nil {
		log.ErrorContext(r.Context(), "render page", "page", page.Name(), "err", err)
		http.Error(w, "Erreur interne", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// Pages parses each named page (templates/<name>.html in fsys) over the
// shared templates (layout.html first), with funcs and the ones every page
// may use: static (a static file's versioned URL, when static is not nil),
// date (a time in Paris, in French words) and dsfrVersion. The templates
// are embedded, so a parse error is a build bug, caught by every test: it
// panics.
func Pages(fsys fs.FS, shared, names []string, funcs template.FuncMap) map[string]*template.Template {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.UTC
	}
	all := template.FuncMap{
		"date":        func(t time.Time) string { return FrenchDate(t.In(paris)) },
		"dsfrVersion": func() string { return Version },
	}
	maps.Copy(all, funcs)
	base := template.Must(template.New(path.Base(shared[0])).Funcs(all).ParseFS(fsys, shared...))
	pages := make(map[string]*template.Template, len(names))
	for _, name := range names {
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(fsys, "templates/"+name+".html"))
	}
	return pages
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// FrenchDate writes t as "3 mars 2027 à 14 h 05" ("1er" for the first day).
func FrenchDate(t time.Time) string {
	var b strings.Builder
	if t.Day() == 1 {
		b.WriteString("1er")
	} else {
		b.WriteString(strconv.Itoa(t.Day()))
	}
	b.WriteString(" " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year()) + " à " + strconv.Itoa(t.Hour()) + " h ")
	if t.Minute() < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.Itoa(t.Minute()))
	return b.String()
}
