package auth_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
)

// echo answers 200 with the principal and the query the handler sees.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		http.Error(w, "no principal", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"sub": p.Subject, "chamber": p.Chamber, "roles": p.Roles,
		"query": r.URL.RawQuery, "request_uri": r.RequestURI, "id": r.PathValue("id")})
})

type answer struct {
	status    int
	challenge string
	referrer  string
	problem   struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	echo struct {
		Sub        string   `json:"sub"`
		Chamber    string   `json:"chamber"`
		Roles      []string `json:"roles"`
		Query      string   `json:"query"`
		RequestURI string   `json:"request_uri"`
		ID         string   `json:"id"`
	}
}

func call(t *testing.T, h http.Handler, target, authorization string) answer {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /api/{id}", h)
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	res := w.Result()
	a := answer{status: res.StatusCode, challenge: res.Header.Get("WWW-Authenticate"), referrer: res.Header.Get("Referrer-Policy")}
	var err error
	switch ct := res.Header.Get("Content-Type"); {
	case res.StatusCode == http.StatusOK:
		err = json.NewDecoder(res.Body).Decode(&a.echo)
	case ct == "application/problem+json":
		err = json.NewDecoder(res.Body).Decode(&a.problem)
	default:
		t.Fatalf("GET %s answered %d with Content-Type %q", target, res.StatusCode, ct)
	}
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss := newIssuer(t, func(o *auth.IssuerOptions) { o.Key = key })
	v, err := auth.NewStaticVerifier(cfg, iss.JWKS(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	token := issue(t, iss, lea)
	expired := issue(t, newIssuer(t, func(o *auth.IssuerOptions) {
		o.Key = key
		o.Now = func() time.Time { return time.Now().Add(-3 * time.Hour) }
	}), lea)
	// Signed by a key the verifier does not know.
	forged := issue(t, newIssuer(t, nil), lea)
	const noError = `Bearer realm="ccicma"`
	const invalid = `Bearer realm="ccicma", error="invalid_token", error_description="The access token is invalid"`

	tests := []struct {
		name          string
		stream        bool
		target        string
		authorization string
		status        int
		challenge     string // exact, or a prefix ending in a comma
		detail        string
	}{
		{name: "valid token", target: "/api/cma-91-001?after=3", authorization: "Bearer " + token, status: 200},
		{name: "scheme is case-insensitive", target: "/api/x", authorization: "bearer " + token, status: 200},
		{name: "no token", target: "/api/x", status: 401, challenge: noError, detail: "requis"},
		{name: "another scheme", target: "/api/x", authorization: "Basic Y21hOnB3", status: 401, challenge: noError},
		{name: "empty bearer", target: "/api/x", authorization: "Bearer ", status: 401, challenge: noError},
		{name: "garbage", target: "/api/x", authorization: "Bearer abc.def.ghi", status: 401, challenge: invalid, detail: "invalide"},
		{name: "unknown key", target: "/api/x", authorization: "Bearer " + forged, status: 401, challenge: invalid},
		{name: "expired", target: "/api/x", authorization: "Bearer " + expired, status: 401,
			challenge: `Bearer realm="ccicma", error="invalid_token", error_description="The access token expired"`, detail: "expiré"},
		{name: "query token refused off streams", target: "/api/x?access_token=" + token, status: 401, challenge: noError},
		{name: "stream: header", stream: true, target: "/api/x", authorization: "Bearer " + token, status: 200},
		{name: "stream: query token", stream: true, target: "/api/cma-91-001?after=7&access_token=" + token, status: 200},
		{name: "stream: invalid query token", stream: true, target: "/api/x?access_token=" + forged, status: 401, challenge: invalid},
		{name: "stream: both header and query", stream: true, target: "/api/x?access_token=" + token,
			authorization: "Bearer " + token, status: 400, challenge: `Bearer realm="ccicma", error="invalid_request",`},
		{name: "stream: query token twice", stream: true, target: "/api/x?access_token=" + token + "&access_token=" + token,
			status: 400, challenge: `Bearer realm="ccicma", error="invalid_request",`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := v.Require(echo)
			if tt.stream {
				h = v.RequireStream(echo)
			}
			a := call(t, h, tt.target, tt.authorization)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d (%+v)", a.status, tt.status, a.problem)
			}
			if tt.status == 200 {
				if a.echo.Sub != lea.Subject || a.echo.Chamber != "CMA" || strings.Join(a.echo.Roles, ",") != "advisor,manager" {
					t.Errorf("the handler saw principal %+v", a.echo)
				}
				if strings.Contains(a.echo.Query, "access_token") || strings.Contains(a.echo.RequestURI, "access_token") {
					t.Errorf("the handler saw the query token: %q %q", a.echo.Query, a.echo.RequestURI)
				}
				if strings.Contains(tt.target, "after=") && !strings.Contains(a.echo.Query, "after=") {
					t.Errorf("the other parameters were lost: %q", a.echo.Query)
				}
				if strings.HasPrefix(tt.target, "/api/cma") && a.echo.ID != "cma-91-001" {
					t.Errorf("path value %q lost", a.echo.ID)
				}
				if fromQuery := strings.Contains(tt.target, "access_token"); fromQuery != (a.referrer == "no-referrer") {
					t.Errorf("Referrer-Policy %q with the token in the query: %v", a.referrer, fromQuery)
				}
				return
			}
			if strings.HasSuffix(tt.challenge, ",") && !strings.HasPrefix(a.challenge, tt.challenge) ||
				!strings.HasSuffix(tt.challenge, ",") && a.challenge != tt.challenge {
				t.Errorf("WWW-Authenticate %q, want %q", a.challenge, tt.challenge)
			}
			if a.problem.Status != tt.status || a.problem.Title == "" || !strings.Contains(a.problem.Detail, tt.detail) {
				t.Errorf("problem %+v, want status %d and a detail mentioning %q", a.problem, tt.status, tt.detail)
			}
		})
	}
	for _, secret := range []string{token, expired, forged} {
		if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), strings.Split(secret, ".")[2]) {
			t.Fatalf("a token was logged:\n%s", logs.String())
		}
	}
	if !strings.Contains(logs.String(), "bearer token refused") {
		t.Errorf("refusals are not logged at debug level:\n%s", logs.String())
	}
}

func TestForbid(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	auth.Forbid(w, httptest.NewRequest(http.MethodGet, "/api/v1/advisors/cci-91-001/notifications", nil), "Ce ne sont pas vos notifications.")
	res := w.Result()
	var p struct {
		Status   int    `json:"status"`
		Title    string `json:"title"`
		Detail   string `json:"detail"`
		Instance string `json:"instance"`
	}
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 403 || res.Header.Get("Content-Type") != "application/problem+json" || p.Status != 403 ||
		p.Detail != "Ce ne sont pas vos notifications." || p.Instance != "/api/v1/advisors/cci-91-001/notifications" {
		t.Errorf("Forbid = %d %s %+v", res.StatusCode, res.Header.Get("Content-Type"), p)
	}
	if res.Header.Get("WWW-Authenticate") != "" {
		t.Error("a 403 challenges for credentials: the advisor is authenticated")
	}
}
