package dsfr

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
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
