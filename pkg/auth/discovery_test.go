package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
)

// oidcProvider is an OpenID provider as a verifier sees it: a discovery
// document and a JWKS, both served by an httptest server, the keys being
// those of a development issuer named after the server's URL (plus path).
type oidcProvider struct {
	srv    *httptest.Server
	issuer string // the issuer URL
	iss    *auth.Issuer

	mu  sync.Mutex
	doc map[string]any // nil: 503
}

func newProvider(t *testing.T, path string) *oidcProvider {
	t.Helper()
	p := &oidcProvider{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+path+"/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.doc == nil {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(p.doc)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	p.issuer = p.srv.URL + path
	iss, err := auth.NewIssuer(auth.IssuerOptions{Issuer: p.issuer, Audience: audience})
	if err != nil {
		t.Fatal(err)
	}
	p.iss = iss
	mux.Handle("GET "+path+"/protocol/openid-connect/certs", iss.JWKSHandler())
	p.serve(nil)
	return p
}

// serve publishes the genuine document, changed by change; serve(nil)
// with p.doc set to nil afterwards makes the provider answer 503.
func (p *oidcProvider) serve(change func(map[string]any)) {
	doc := map[string]any{
		"issuer":                                p.issuer,
		"jwks_uri":                              p.issuer + "/protocol/openid-connect/certs",
		"authorization_endpoint":                p.issuer + "/protocol/openid-connect/auth",
		"token_endpoint":                        p.issuer + "/protocol/openid-connect/token",
		"id_token_signing_alg_values_supported": []string{"EdDSA"},
	}
	if change != nil {
		change(doc)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.doc = doc
}

func (p *oidcProvider) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.doc = nil
}

func oidcVerifier(t *testing.T, issuer string) (*auth.Verifier, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return auth.NewRemoteVerifier(ctx, auth.Config{OIDCIssuer: issuer, Audience: audience,
		JWKSMinRefresh: 20 * time.Millisecond, JWKSTimeout: 2 * time.Second}, nil, nil)
}

func TestOIDCDiscovery(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "/realms/ccicma")
	v, err := oidcVerifier(t, p.issuer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Verify(context.Background(), issue(t, p.iss, lea))
	if err != nil {
		t.Fatalf("the provider's token is refused: %v", err)
	}
	if got.Subject != lea.Subject || got.Chamber != lea.Chamber {
		t.Errorf("principal %+v", got)
	}
	// Keys are those of the document's jwks_uri, iss is the issuer's.
	other := newIssuer(t, func(o *auth.IssuerOptions) { o.Issuer = p.issuer })
	if _, err := v.Verify(context.Background(), issue(t, other, lea)); err == nil {
		t.Error("a token signed by a key the provider does not publish was accepted")
	}
	if _, err := v.Verify(context.Background(), issue(t, newIssuer(t, nil), lea)); err == nil {
		t.Error("a token of another issuer was accepted")
	}

	m, err := auth.Discover(context.Background(), nil, p.issuer+"/")
	if err == nil || !errors.Is(err, auth.ErrDiscoveryMismatch) {
		t.Errorf("discovery with a trailing slash the document does not have = %+v, %v; want a mismatch", m, err)
	}
	m, err = auth.Discover(context.Background(), nil, p.issuer)
	if err != nil || m.JWKSURI != p.issuer+"/protocol/openid-connect/certs" || m.TokenEndpoint == "" {
		t.Errorf("Discover = %+v, %v", m, err)
	}
}

func TestOIDCDiscoveryRefusesAForeignDocument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(map[string]any)
	}{
		{"another issuer", func(d map[string]any) { d["issuer"] = "https://evil.test/realms/ccicma" }},
		{"no issuer", func(d map[string]any) { delete(d, "issuer") }},
		{"no jwks_uri", func(d map[string]any) { delete(d, "jwks_uri") }},
		{"jwks_uri not http", func(d map[string]any) { d["jwks_uri"] = "file:///etc/keys" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newProvider(t, "")
			p.serve(tt.change)
			v, err := oidcVerifier(t, p.issuer)
			if err == nil || !errors.Is(err, auth.ErrDiscoveryMismatch) || v != nil {
				t.Fatalf("NewRemoteVerifier = %v, %v; want ErrDiscoveryMismatch", v, err)
			}
		})
	}
	if _, err := oidcVerifier(t, "idp.test/realms/x"); !errors.Is(err, auth.ErrDiscoveryMismatch) {
		t.Errorf("an issuer that is not a URL: %v", err)
	}
}

func TestOIDCProviderNotUpAtStart(t *testing.T) {
	t.Parallel()
	p := newProvider(t, "/realms/ccicma")
	p.down()
	v, err := oidcVerifier(t, p.issuer)
	if err != nil {
		t.Fatalf("the verifier does not start while the provider is down: %v", err)
	}
	token := issue(t, p.iss, lea)
	_, err = v.Verify(context.Background(), token)
	if err == nil || !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("before discovery Verify = %v, want an invalid token", err)
	}
	p.serve(nil)
	if got := eventually(t, v, token); got.Subject != lea.Subject {
		t.Errorf("principal %+v", got)
	}
}

func TestOIDCDiscoveryLimits(t *testing.T) {
	t.Parallel()
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"issuer":"` + strings.Repeat("x", 2<<20) + `"}`))
	}))
	t.Cleanup(big.Close)
	if _, err := auth.Discover(context.Background(), nil, big.URL); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("a 2 MiB document: %v", err)
	}
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`<html>proxy error</html>`))
	}))
	t.Cleanup(garbage.Close)
	if _, err := auth.Discover(context.Background(), nil, garbage.URL); err == nil || errors.Is(err, auth.ErrDiscoveryMismatch) {
		t.Errorf("an HTML page: %v, want a (retryable) error", err)
	}
}

func TestAlgorithmsCannotBeWidened(t *testing.T) {
	t.Parallel()
	a := auth.Algorithms()
	a[0] = "HS256"
	if auth.Algorithms()[0] != "EdDSA" {
		t.Fatal("changing the returned slice changed the accepted algorithms")
	}
	for _, alg := range auth.Algorithms() {
		if strings.HasPrefix(alg, "HS") || alg == "none" {
			t.Errorf("accepts %s", alg)
		}
	}
}

// TestDiscoveryRefusesPlainHTTPOverTheNetwork: an issuer (or a jwks_uri)
// in plain http is refused unless it is on the loopback interface, before
// anything is fetched.
func TestDiscoveryRefusesPlainHTTPOverTheNetwork(t *testing.T) {
	t.Parallel()
	for _, issuer := range []string{"http://idp.example", "http://10.0.0.7:8080/realms/ccicma"} {
		if _, err := auth.Discover(context.Background(), nil, issuer); !errors.Is(err, auth.ErrDiscoveryMismatch) {
			t.Errorf("Discover(%q) = %v, want ErrDiscoveryMismatch", issuer, err)
		}
	}
}
