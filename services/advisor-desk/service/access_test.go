package service_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

// forge signs a token with the desk's own key, changed by change: the
// token differs from a genuine one only where the test says.
func (d *desk) forge(t *testing.T, p auth.Principal, change func(*auth.IssuerOptions)) string {
	t.Helper()
	key, err := auth.LoadKey(d.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return testkit.Forge(t, auth.IssuerOptions{Issuer: service.DevIssuer, Audience: "ccicma", Key: key}, p, change)
}

// answer is what a guarded route answered.
type answer struct {
	status      int
	contentType string
	challenge   string
	body        string
}

// open requests an advisor's notifications (or, stream, their live
// stream) with the token in the Authorization header or, inQuery, in
// ?access_token=, and returns the start of the answer.
func (d *desk) open(t *testing.T, token, owner string, stream, inQuery bool) answer {
	t.Helper()
	path := "/api/v1/advisors/" + owner + "/notifications"
	if stream {
		path += "/stream"
	}
	if inQuery {
		path += "?access_token=" + url.QueryEscape(token)
	}
	ctx, cancel := context.WithCancel(d.Ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" && !inQuery {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), challenge: resp.Header.Get("WWW-Authenticate")}
	if a.contentType == "text/event-stream" {
		return a // it would stream until cancelled
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a.body = string(b)
	return a
}

// TestAccessRules proves who may read whose notifications, both ways, on
// the list and on the live stream, with 401 for a missing or bad token and
// 403 for a good token that the rules refuse.
func TestAccessRules(t *testing.T) {
	t.Parallel()
	d := startDesk(t)
	// One notification in Léa's inbox, so that a 200 shows content.
	ev := caseOpened(t, events.ChamberCMA, "cma-91-001", "91")
	d.CaughtUp(t, d.Publish(t, ev))

	lea := auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	tok := map[string]string{
		"none":    "",
		"garbage": "not.a.token",
		"expired": d.forge(t, lea, func(o *auth.IssuerOptions) {
			o.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
		}),
		"not yet valid": d.forge(t, lea, func(o *auth.IssuerOptions) {
			o.Now = func() time.Time { return time.Now().Add(time.Hour) }
		}),
		"wrong audience": d.forge(t, lea, func(o *auth.IssuerOptions) { o.Audience = "another-platform" }),
		"wrong issuer":   d.forge(t, lea, func(o *auth.IssuerOptions) { o.Issuer = "https://evil.test" }),
		// Same issuer name, same kid, another key.
		"another key": d.forge(t, lea, func(o *auth.IssuerOptions) {
			o.Key = nil
			o.KeyID = d.forgeKeyID(t)
		}),
		// A forged manager role is only as good as its signature: this
		// one is signed by the desk's key, as an OIDC provider's would be,
		// for an advisor the directory does not hold.
		"manager of the CMA outside the directory": d.forge(t, auth.Principal{Subject: "cma-91-099", Chamber: "CMA",
			Roles: []auth.Role{auth.RoleManager}}, nil),
	}
	for _, id := range []string{"cma-91-001", "cma-91-002", "cma-91-006", "cci-91-001", "cci-91-002", "cma-75-003"} {
		tok[id] = d.token(t, id)
	}

	tests := []struct {
		name   string
		as     string // a key of tok
		owner  string
		status int
	}{
		// Allowed.
		{"an advisor reads their own", "cma-91-001", "cma-91-001", 200},
		{"a manager reads an advisor of their chamber", "cma-91-006", "cma-91-001", 200},
		{"a manager reads another advisor of their chamber", "cma-91-006", "cma-75-003", 200},
		{"a manager reads their own", "cma-91-006", "cma-91-006", 200},
		{"the CCI manager reads a CCI advisor", "cci-91-001", "cci-91-002", 200},
		{"a signed manager token needs no directory entry", "manager of the CMA outside the directory", "cma-91-001", 200},
		// Refused: authenticated, not allowed (403).
		{"an advisor reads a colleague of their chamber", "cma-91-002", "cma-91-001", 403},
		{"an advisor reads an advisor of the other chamber", "cci-91-002", "cma-91-001", 403},
		{"an advisor asks for an unknown advisor (no existence leak)", "cma-91-001", "cma-91-nobody", 403},
		{"the prevention cell does not open inboxes", "cci-91-002", "cma-91-002", 403},
		{"a CMA manager reads a CCI advisor", "cma-91-006", "cci-91-002", 403},
		{"the CCI manager reads a CMA advisor", "cci-91-001", "cma-91-001", 403},
		{"a plain advisor reads the manager", "cma-75-003", "cma-91-006", 403},
		// Refused: not authenticated (401).
		{"no token", "none", "cma-91-001", 401},
		{"garbage", "garbage", "cma-91-001", 401},
		{"expired", "expired", "cma-91-001", 401},
		{"not yet valid", "not yet valid", "cma-91-001", 401},
		{"wrong audience", "wrong audience", "cma-91-001", 401},
		{"wrong issuer", "wrong issuer", "cma-91-001", 401},
		{"another key under the desk's kid", "another key", "cma-91-001", 401},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			name := tt.name
			if stream {
				name += " (stream)"
			}
			t.Run(name, func(t *testing.T) {
				// The stream takes the token as EventSource sends it, in
				// the query; the list in the header.
				a := d.open(t, tok[tt.as], tt.owner, stream, stream)
				if a.status != tt.status {
					t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
				}
				switch tt.status {
				case 200:
					if stream {
						if a.contentType != "text/event-stream" {
							t.Errorf("Content-Type %q", a.contentType)
						}
						return
					}
					var p page
					if err := json.Unmarshal([]byte(a.body), &p); err != nil {
						t.Fatal(err)
					}
					for _, n := range p.Notifications {
						if n.AdvisorID != tt.owner {
							t.Errorf("%s's list holds a notification of %s", tt.owner, n.AdvisorID)
						}
					}
					if tt.owner == "cma-91-001" && len(p.Notifications) != 1 {
						t.Errorf("%d notifications, want Léa's 1", len(p.Notifications))
					}
				case 401:
					want := `Bearer realm="ccicma", error="invalid_token"`
					if tt.as == "none" {
						want = `Bearer realm="ccicma"`
					}
					if !strings.HasPrefix(a.challenge, want) || a.contentType != "application/problem+json" || !strings.Contains(a.body, `"status":401`) {
						t.Errorf("401 with WWW-Authenticate %q, %s %s; want a %q challenge and a problem", a.challenge, a.contentType, a.body, want)
					}
				case 403:
					if a.challenge != "" || a.contentType != "application/problem+json" || !strings.Contains(a.body, `"status":403`) {
						t.Errorf("403 with WWW-Authenticate %q, %s %s; want a problem and no challenge", a.challenge, a.contentType, a.body)
					}
				}
			})
		}
	}

	t.Run("the query token is refused on the list", func(t *testing.T) {
		if a := d.open(t, tok["cma-91-001"], "cma-91-001", false, true); a.status != 401 {
			t.Errorf("list with ?access_token= answered %d, want 401", a.status)
		}
	})
	t.Run("the stream also takes the header", func(t *testing.T) {
		if a := d.open(t, tok["cma-91-006"], "cma-91-001", true, false); a.status != 200 || a.contentType != "text/event-stream" {
			t.Errorf("stream with Authorization answered %d %s", a.status, a.contentType)
		}
	})

	t.Run("the stream ends when its token expires", func(t *testing.T) {
		short := d.forge(t, lea, func(o *auth.IssuerOptions) { o.TTL = 2 * time.Second })
		ctx, cancel := context.WithTimeout(d.Ctx, testkit.Wait)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			d.URL+"/api/v1/advisors/cma-91-001/notifications/stream?access_token="+short, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("stream answered %d", resp.StatusCode)
		}
		// The body ends (EOF) when the server closes the stream; a stream
		// outliving the token would run until the guard's deadline.
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			t.Fatalf("the stream did not end with its token: %v", err)
		}
	})
}

// forgeKeyID is the kid of the desk's key (from its JWKS).
func (d *desk) forgeKeyID(t *testing.T) string {
	t.Helper()
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if status, _ := d.get(t, "", "/.well-known/jwks.json", &set); status != 200 || len(set.Keys) != 1 {
		t.Fatalf("JWKS answered %d with %d keys", status, len(set.Keys))
	}
	return set.Keys[0].Kid
}

func TestDevSignIn(t *testing.T) {
	t.Parallel()
	d := startDesk(t)

	var out struct {
		AccessToken string   `json:"access_token"`
		TokenType   string   `json:"token_type"`
		ExpiresIn   int      `json:"expires_in"`
		AdvisorID   string   `json:"advisor_id"`
		Chamber     string   `json:"chamber"`
		Roles       []string `json:"roles"`
	}
	status, h := d.post(t, "/api/v1/dev/tokens", `{"advisor_id":"cma-91-006"}`, &out)
	if status != 200 || out.TokenType != "Bearer" || out.ExpiresIn != 3600 || out.AdvisorID != "cma-91-006" || out.Chamber != "CMA" ||
		!slices.Equal(out.Roles, []string{"advisor", "manager"}) || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("sign-in = %d %+v (Cache-Control %q)", status, out, h.Get("Cache-Control"))
	}
	// The token carries the directory's chamber and roles, under the kid
	// the JWKS publishes, and opens the advisor's inbox.
	claims := jwtPart(t, out.AccessToken, 1)
	if claims["sub"] != "cma-91-006" || claims["chamber"] != "CMA" || claims["iss"] != service.DevIssuer {
		t.Errorf("claims %v", claims)
	}
	if kid := jwtPart(t, out.AccessToken, 0)["kid"]; kid != d.forgeKeyID(t) {
		t.Errorf("token kid %v is not the published one", kid)
	}
	var p page
	if status, _ := d.get(t, out.AccessToken, "/api/v1/advisors/cma-91-006/notifications", &p); status != 200 {
		t.Errorf("reading with the issued token answered %d", status)
	}

	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"unknown advisor", `{"advisor_id":"cma-91-nobody"}`, 404, ""},
		{"inactive advisor", `{"advisor_id":"cma-91-005"}`, 403, ""},
		{"no advisor id", `{}`, 422, "advisor_id"},
		{"unknown field", `{"advisor_id":"cma-91-001","password":"x"}`, 400, "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p struct {
				Status      int    `json:"status"`
				AccessToken string `json:"access_token"`
				Errors      []struct{ Field string }
			}
			status, h := d.post(t, "/api/v1/dev/tokens", tt.body, &p)
			if status != tt.status || p.Status != tt.status || p.AccessToken != "" || h.Get("Content-Type") != "application/problem+json" {
				t.Errorf("answered %d %+v, want a %d problem", status, p, tt.status)
			}
			if tt.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tt.field) {
				t.Errorf("errors %+v, want one naming %s", p.Errors, tt.field)
			}
		})
	}
}

func jwtPart(t *testing.T, token string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestExternalIssuer runs advisor-desk as in production: tokens come from
// an OIDC provider whose JWKS it fetches, and the dev sign-in is off.
func TestExternalIssuer(t *testing.T) {
	t.Parallel()
	const issuer = "https://idp.test/realms/ccicma"
	idp, jwks := testkit.IDP(t, issuer)
	d := startDesk(t, func(c *service.Config) {
		c.DevSignin = false
		c.JWKSURL = jwks
		c.Issuer = ""
		c.OIDCIssuer = issuer
	})

	tok, err := idp.Issue(auth.Principal{Subject: "cci-91-002", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	if a := d.open(t, tok.AccessToken, "cci-91-002", false, false); a.status != 200 {
		t.Errorf("the provider's token answered %d: %s", a.status, a.body)
	}
	if a := d.open(t, tok.AccessToken, "cci-91-001", false, false); a.status != 403 {
		t.Errorf("the provider's token on another inbox answered %d, want 403", a.status)
	}
	// A token the desk would have issued in development is worthless here.
	if a := d.open(t, d.forge(t, auth.Principal{Subject: "cci-91-002", Chamber: "CCI"}, nil), "cci-91-002", false, false); a.status != 401 {
		t.Errorf("a development token answered %d, want 401", a.status)
	}
	for _, r := range []struct{ method, path string }{{"POST", "/api/v1/dev/tokens"}, {"GET", "/.well-known/jwks.json"}} {
		req, _ := http.NewRequestWithContext(d.Ctx, r.method, d.URL+r.path, strings.NewReader(`{"advisor_id":"cci-91-002"}`))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s with the dev sign-in off answered %d, want 404", r.method, r.path, resp.StatusCode)
		}
	}
}

func TestNoWayToVerifyTokens(t *testing.T) {
	t.Parallel()
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.DevSignin, cfg.JWKSURL = false, ""
	if _, err := service.New(context.Background(), cfg, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), "AUTH_JWKS_URL") {
		t.Fatalf("New without a JWKS URL nor the dev sign-in = %v, want an error naming AUTH_JWKS_URL", err)
	}
}
