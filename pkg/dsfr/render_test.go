package dsfr_test

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ccicma/platform/pkg/dsfr"
)

func TestRender(t *testing.T) {
	page := template.Must(template.New("layout.html").Parse(`<main>{{.Text}}</main>`))
	cases := []struct {
		name     string
		data     any
		status   int
		wantBody string
	}{
		{"a page, escaped, with its status", struct{ Text string }{"<b>Évry</b>"}, http.StatusUnprocessableEntity, "<main>&lt;b&gt;Évry&lt;/b&gt;</main>"},
		// A field the data lacks fails the template: nothing of the page
		// goes out, only a 500.
		{"a template error", struct{ Other string }{}, http.StatusInternalServerError, "Erreur interne\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			status := c.status
			if status == http.StatusInternalServerError {
				status = http.StatusOK // what the caller asked for
			}
			dsfr.Render(w, httptest.NewRequest(http.MethodGet, "/", nil), slog.New(slog.DiscardHandler), page, status, c.data)
			if w.Code != c.status || w.Body.String() != c.wantBody {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), c.status, c.wantBody)
			}
			if c.status != http.StatusInternalServerError && w.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("Cache-Control %q, want no-store", w.Header().Get("Cache-Control"))
			}
		})
	}
}
