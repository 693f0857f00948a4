package httpserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/httpserver"
	"github.com/ccicma/platform/pkg/telemetry"
)

type form struct {
	Name    string `json:"name"`
	Count   int    `json:"count"`
	Routing struct {
		Chamber string `json:"chamber"`
		Staff   int    `json:"staff"`
	} `json:"routing"`
}

func TestDecodeJSONIsStrict(t *testing.T) {
	t.Parallel()
	const limit = 64
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int    // 0: accepted
		field       string // the field the problem names
		code        string
		detail      string // part of the problem's detail
	}{
		{name: "valid", contentType: "application/json", body: `{"name":"Boulangerie","count":2}`},
		{name: "charset and trailing newline", contentType: "application/json; charset=utf-8", body: "{\"name\":\"x\"}\n"},
		{name: "no content type", body: `{"name":"x"}`},
		{name: "unknown field", contentType: "application/json", body: `{"name":"x","nom":"y"}`, status: 400, field: "nom", code: "unknown"},
		{name: "unknown nested field", contentType: "application/json", body: `{"routing":{"chambre":"CMA"}}`, status: 400, field: "chambre", code: "unknown"},
		{name: "type error", contentType: "application/json", body: `{"count":"three"}`, status: 400, field: "count", code: "type"},
		{name: "nested type error", contentType: "application/json", body: `{"routing":{"staff":"many"}}`, status: 400, field: "routing.staff", code: "type"},
		{name: "too big", contentType: "application/json", body: `{"name":"` + strings.Repeat("a", limit) + `"}`, status: 413, detail: "64 octets"},
		{name: "trailing object", contentType: "application/json", body: `{"name":"x"}{"name":"y"}`, status: 400},
		{name: "trailing garbage", contentType: "application/json", body: `{"name":"x"} ok`, status: 400},
		{name: "syntax error", contentType: "application/json", body: `{"name":}`, status: 400, detail: "octet"},
		{name: "empty body", contentType: "application/json", body: ``, status: 400, detail: "vide"},
		{name: "form encoded", contentType: "application/x-www-form-urlencoded", body: `name=x`, status: 415},
		{name: "plain text", contentType: "text/plain", body: `{"name":"x"}`, status: 415},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/creations", strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			w := httptest.NewRecorder()
			var dst form
			p := httpserver.DecodeJSON(w, r, limit, &dst)
			if tc.status == 0 {
				if p != nil {
					t.Fatalf("rejected a valid body: %+v", p)
				}
				if dst.Name == "" {
					t.Errorf("decoded %+v, want the name filled", dst)
				}
				return
			}
			if p == nil {
				t.Fatalf("accepted %q, want %d", tc.body, tc.status)
			}
			if p.Status != tc.status {
				t.Errorf("status %d, want %d (%+v)", p.Status, tc.status, p)
			}
			if p.Title == "" {
				t.Error("problem without a title")
			}
			if tc.field != "" {
				if len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Code != tc.code || p.Errors[0].Message == "" {
					t.Errorf("errors %+v, want one %s error naming %q", p.Errors, tc.code, tc.field)
				}
			}
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not mention %q", p.Detail, tc.detail)
			}
		})
	}
}

func TestWriteProblem(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/creations?debug=1", nil)
	w := httptest.NewRecorder()
	httpserver.WriteProblem(w, r, httpserver.Problem{
		Status: http.StatusUnprocessableEntity, Title: "Demande invalide",
		Errors: []httpserver.FieldError{{Field: "commune_code", Code: "unknown", Message: "Commune inconnue."}},
	})
	res := w.Result()
	if res.StatusCode != 422 {
		t.Errorf("status %d, want 422", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body["type"] != "about:blank" || body["title"] != "Demande invalide" || body["status"] != float64(422) || body["instance"] != "/creations" {
		t.Errorf("problem body %v", body)
	}
	errs, _ := body["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["field"] != "commune_code" {
		t.Errorf("errors %v, want one naming commune_code", body["errors"])
	}
}

// server starts a real server on a free port with the given checks.
func server(t *testing.T, routes http.Handler, checks []httpserver.Check) string {
	t.Helper()
	srv := newServer(t, routes, checks)
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve after shutdown = %v, want nil", err)
		}
	})
	return "http://" + srv.Addr()
}

func newServer(t *testing.T, routes http.Handler, checks []httpserver.Check) *httpserver.Server {
	t.Helper()
	tel, err := telemetry.New(context.Background(), "intake", telemetry.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := httpserver.New("127.0.0.1:0", routes, tel, checks)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

// readyz is /readyz's body.
type readyz struct {
	Status string `json:"status"`
	Checks map[string]struct {
		OK       bool   `json:"ok"`
		Required bool   `json:"required"`
		Error    string `json:"error"`
		Detail   string `json:"detail"`
	} `json:"checks"`
}

func getReadyz(t *testing.T, base string) (int, readyz) {
	t.Helper()
	code, h, body := get(t, base+"/readyz")
	var r readyz
	if ct := h.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("/readyz Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("/readyz body %q: %v", body, err)
	}
	return code, r
}

// TestHealthAndReadiness: /readyz is 200 "ready" when every dependency
// answers, 200 "degraded" naming the one down when only a degraded-only
// dependency fails (with its detail), 503 "unavailable" when a required
// one fails; /healthz stays 200 throughout.
func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	var pgDown, natsDown atomic.Bool
	failing := func(down *atomic.Bool, msg string) func(context.Context) error {
		return func(context.Context) error {
			if down.Load() {
				return errors.New(msg)
			}
			return nil
		}
	}
	var detailAsked atomic.Int32
	base := server(t, http.NotFoundHandler(), []httpserver.Check{
		{Name: "postgres", Probe: failing(&pgDown, "connection refused")},
		{Name: "nats", Probe: failing(&natsDown, "nats connection RECONNECTING"), Degraded: true,
			Detail: func(context.Context) string { detailAsked.Add(1); return "3 events held in the outbox" }},
	})

	if code, _, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}
	code, r := getReadyz(t, base)
	if code != 200 || r.Status != "ready" || !r.Checks["postgres"].OK || !r.Checks["nats"].OK ||
		!r.Checks["postgres"].Required || r.Checks["nats"].Required {
		t.Errorf("/readyz with every check passing = %d %+v, want 200 ready, postgres required, nats not", code, r)
	}
	if detailAsked.Load() != 0 {
		t.Error("a passing check's detail was asked for")
	}

	natsDown.Store(true)
	code, r = getReadyz(t, base)
	nats := r.Checks["nats"]
	if code != 200 || r.Status != "degraded" || nats.OK || nats.Error != "nats connection RECONNECTING" ||
		nats.Detail != "3 events held in the outbox" || !r.Checks["postgres"].OK {
		t.Errorf("/readyz with nats down = %d %+v, want 200 degraded naming nats and its detail", code, r)
	}

	pgDown.Store(true)
	code, r = getReadyz(t, base)
	if code != 503 || r.Status != "unavailable" || r.Checks["postgres"].Error != "connection refused" || r.Checks["nats"].OK {
		t.Errorf("/readyz with both down = %d %+v, want 503 unavailable", code, r)
	}
	natsDown.Store(false)
	code, r = getReadyz(t, base)
	if code != 503 || r.Status != "unavailable" || r.Checks["postgres"].OK || !r.Checks["nats"].OK {
		t.Errorf("/readyz with postgres down = %d %+v, want 503 unavailable", code, r)
	}
	// Liveness does not depend on dependencies.
	if code, _, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz with postgres down = %d, want 200", code)
	}
	pgDown.Store(false)
	if code, r := getReadyz(t, base); code != 200 || r.Status != "ready" {
		t.Errorf("/readyz after recovery = %d %+v, want 200 ready", code, r)
	}
	if code, _, body := get(t, base+"/metrics"); code != 200 || !strings.Contains(body, "outbox_published_total") {
		t.Errorf("/metrics = %d, want 200 with the platform metrics", code)
	}
}

func TestRoutesAndPanics(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /creations/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpserver.WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("bug") })
	base := server(t, mux, nil)

	code, h, body := get(t, base+"/creations/42")
	if code != 200 || h.Get("Content-Type") != "application/json" || strings.TrimSpace(body) != `{"id":"42"}` {
		t.Errorf("route = %d %q %q", code, h.Get("Content-Type"), body)
	}
	code, h, body = get(t, base+"/boom")
	if code != 500 || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":500`) {
		t.Errorf("panicking handler = %d %q %q, want a 500 problem", code, h.Get("Content-Type"), body)
	}
	// The server survives the panic.
	if code, _, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz after a panic = %d", code)
	}
}
