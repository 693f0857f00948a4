package dsfr_test

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

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

func TestFrenchDate(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2027, 3, 3, 14, 5, 0, 0, time.UTC), "3 mars 2027 à 14 h 05"},
		{time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC), "1er décembre 2026 à 9 h 30"},
		{time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC), "15 août 2026 à 0 h 00"},
	} {
		if got := dsfr.FrenchDate(c.at); got != c.want {
			t.Errorf("FrenchDate(%v) = %q, want %q", c.at, got, c.want)
		}
	}
}

func TestPagesShareTheLayoutAndFuncs(t *testing.T) {
	fsys := fstest.MapFS{
		"templates/layout.html": {Data: []byte(`<title>{{block "title" .}}{{end}}</title>{{template "content" .}}`)},
		"templates/home.html":   {Data: []byte(`{{define "title"}}Accueil{{end}}{{define "content"}}{{date .}} {{shout "ok"}} {{dsfrVersion}}{{end}}`)},
		"templates/error.html":  {Data: []byte(`{{define "title"}}Erreur{{end}}{{define "content"}}!{{end}}`)},
	}
	pages := dsfr.Pages(fsys, []string{"templates/layout.html"}, []string{"home", "error"},
		template.FuncMap{"shout": strings.ToUpper})
	var b strings.Builder
	// 13:05 UTC is 15:05 in Paris in summer.
	if err := pages["home"].ExecuteTemplate(&b, "layout.html", time.Date(2027, 7, 1, 13, 5, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if want := "<title>Accueil</title>1er juillet 2027 à 15 h 05 OK " + dsfr.Version; b.String() != want {
		t.Fatalf("home = %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := pages["error"].ExecuteTemplate(&b, "layout.html", nil); err != nil || b.String() != "<title>Erreur</title>!" {
		t.Fatalf("error = %q, %v: each page keeps its own blocks", b.String(), err)
	}
}
