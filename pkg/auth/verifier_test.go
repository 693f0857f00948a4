package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ccicma/platform/pkg/auth"
)

const (
	issuerName = "https://idp.test/realms/ccicma"
	audience   = "ccicma"
)

var cfg = auth.Config{Issuer: issuerName, Audience: audience}

var lea = auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RoleManager}}

// newIssuer returns an issuer with the test's issuer name and audience,
// changed by opts.
func newIssuer(t *testing.T, change func(*auth.IssuerOptions)) *auth.Issuer {
	t.Helper()
	o := auth.IssuerOptions{Issuer: issuerName, Audience: audience}
	if change != nil {
		change(&o)
	}
	iss, err := auth.NewIssuer(o)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

func issue(t *testing.T, iss *auth.Issuer, p auth.Principal) string {
	t.Helper()
	tok, err := iss.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func staticVerifier(t *testing.T, jwks []byte) *auth.Verifier {
	t.Helper()
	v, err := auth.NewStaticVerifier(cfg, jwks, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIssueAndVerify(t *testing.T) {
	t.Parallel()
	now := time.Now()
	iss := newIssuer(t, func(o *auth.IssuerOptions) {
		o.TTL = 10 * time.Minute
		o.Now = func() time.Time { return now }
	})
	tok, err := iss.Issue(auth.Principal{Subject: lea.Subject, Chamber: lea.Chamber,
		Roles: []auth.Role{auth.RoleAdvisor, "superuser", auth.RoleManager, auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || tok.ExpiresIn != 600 || !tok.ExpiresAt.Equal(now.Truncate(time.Second).Add(10*time.Minute)) {
		t.Errorf("token = %+v, want a Bearer token for 600 s", tok)
	}
	header := decodeSegment(t, tok.AccessToken, 0)
	if header["alg"] != "EdDSA" || header["kid"] != iss.KeyID() || iss.KeyID() == "" {
		t.Errorf("header %v, want EdDSA with kid %q", header, iss.KeyID())
	}
	body := decodeSegment(t, tok.AccessToken, 1)
	if body["sub"] != lea.Subject || body["chamber"] != "CMA" || body["iss"] != issuerName || body["jti"] == nil {
		t.Errorf("claims %v", body)
	}

	p, err := staticVerifier(t, iss.JWKS()).Verify(context.Background(), tok.AccessToken)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if p.Subject != lea.Subject || p.Chamber != "CMA" || !slices.Equal(p.Roles, []auth.Role{auth.RoleAdvisor, auth.RoleManager}) ||
		!p.ExpiresAt.Equal(tok.ExpiresAt) {
		t.Errorf("principal %+v: want %s, CMA, advisor and manager (unknown and repeated roles dropped), expiring %v",
			p, lea.Subject, tok.ExpiresAt)
	}
	if !p.Has(auth.RoleManager) || p.Has(auth.RolePreventionCell) {
		t.Errorf("Has: %+v", p)
	}

	if _, err := iss.Issue(auth.Principal{Subject: "x", Chamber: "CCIMA"}); err == nil {
		t.Error("issued a token for a chamber that does not exist")
	}
	if _, err := iss.Issue(auth.Principal{Chamber: "CCI"}); err == nil {
		t.Error("issued a token without a subject")
	}
}

func decodeSegment(t *testing.T, token string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
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

// sign signs arbitrary claims, with the kid given.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss := newIssuer(t, func(o *auth.IssuerOptions) { o.Key = key })
	v := staticVerifier(t, iss.JWKS())
	pub := key.Public().(ed25519.PublicKey)
	now := time.Now()
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": issuerName, "aud": audience, "sub": "cci-91-001", "chamber": "CCI",
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	with := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := valid()
		change(c)
		return c
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kid := iss.KeyID()

	// The control: the hand-made claims are accepted when nothing is wrong.
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodEdDSA, key, kid, valid())); err != nil {
		t.Fatalf("the valid hand-made token is refused: %v", err)
	}

	tests := []struct {
		name  string
		token string
		is    error // a more precise reason, when there is one
	}{
		{"expired", issue(t, newIssuer(t, func(o *auth.IssuerOptions) {
			o.Key = key
			o.Now = func() time.Time { return now.Add(-2 * time.Hour) }
		}), lea), jwt.ErrTokenExpired},
		{"not yet valid", issue(t, newIssuer(t, func(o *auth.IssuerOptions) {
			o.Key = key
			o.Now = func() time.Time { return now.Add(time.Hour) }
		}), lea), jwt.ErrTokenNotValidYet},
		{"issued in the future", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() })),
			jwt.ErrTokenUsedBeforeIssued},
		{"wrong issuer", issue(t, newIssuer(t, func(o *auth.IssuerOptions) {
			o.Key = key
			o.Issuer = "https://evil.test"
		}), lea), jwt.ErrTokenInvalidIssuer},
		{"wrong audience", issue(t, newIssuer(t, func(o *auth.IssuerOptions) {
			o.Key = key
			o.Audience = "another-platform"
		}), lea), jwt.ErrTokenInvalidAudience},
		{"no expiry", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c jwt.MapClaims) { delete(c, "exp") })),
			jwt.ErrTokenRequiredClaimMissing},
		{"another issuer's key", issue(t, newIssuer(t, nil), lea), nil},
		{"another key under our kid", issue(t, newIssuer(t, func(o *auth.IssuerOptions) { o.KeyID = kid }), lea),
			jwt.ErrTokenSignatureInvalid},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, valid()), nil},
		{"HS256 keyed with the public key", sign(t, jwt.SigningMethodHS256, []byte(pub), kid, valid()), nil},
		{"HS256 keyed with the public JWK's x", sign(t, jwt.SigningMethodHS256,
			[]byte(base64.RawURLEncoding.EncodeToString(pub)), kid, valid()), nil},
		{"RS256 with an unknown key", sign(t, jwt.SigningMethodRS256, rsaKey, "rsa-1", valid()), nil},
		{"ES256 under our kid", sign(t, jwt.SigningMethodES256, ecKey, kid, valid()), nil},
		{"no subject", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c jwt.MapClaims) { delete(c, "sub") })), nil},
		{"no chamber", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c jwt.MapClaims) { delete(c, "chamber") })), nil},
		{"unknown chamber", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c jwt.MapClaims) { c["chamber"] = "CCIMA" })), nil},
		{"tampered claims", tamper(t, issue(t, iss, lea)), jwt.ErrTokenSignatureInvalid},
		{"not a JWT", "not-a-token", jwt.ErrTokenMalformed},
		{"empty", "", jwt.ErrTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := v.Verify(context.Background(), tt.token)
			if err == nil {
				t.Fatalf("accepted, principal %+v", p)
			}
			if !errors.Is(err, auth.ErrInvalidToken) {
				t.Errorf("error %v does not wrap ErrInvalidToken", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
			if tt.token != "" && strings.Contains(err.Error(), tt.token) {
				t.Errorf("the error contains the token: %v", err)
			}
		})
	}
}

// tamper makes Léa a CCI advisor without re-signing.
func tamper(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	body := decodeSegment(t, token, 1)
	body["chamber"] = "CCI"
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

// jwksServer serves a JWKS that the test can switch off (503) and change.
type jwksServer struct {
	mu    sync.Mutex
	jwks  []byte
	up    bool
	calls atomic.Int64
}

func (s *jwksServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.calls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.up {
		http.Error(w, "starting", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.jwks)
}

func (s *jwksServer) set(up bool, jwks []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.up, s.jwks = up, jwks
}

func remoteVerifier(t *testing.T, url string, minRefresh time.Duration) *auth.Verifier {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := cfg
	c.JWKSURL = url
	c.JWKSRefresh = time.Hour // only the unknown-kid refresh matters here
	c.JWKSMinRefresh = minRefresh
	c.JWKSTimeout = 2 * time.Second
	v, err := auth.NewRemoteVerifier(ctx, c, nil, nil)
	if err != nil {
		t.Fatalf("NewRemoteVerifier with the issuer down: %v", err)
	}
	return v
}

// eventually retries Verify until it succeeds; the bound guards against a
// hang, it is not a performance assertion.
func eventually(t *testing.T, v *auth.Verifier, token string) auth.Principal {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := v.Verify(context.Background(), token)
		if err == nil {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("token still refused: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRemoteJWKSIssuerNotUpAtStart(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t, nil)
	token := issue(t, iss, lea)

	t.Run("answering 503", func(t *testing.T) {
		t.Parallel()
		s := &jwksServer{}
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		v := remoteVerifier(t, srv.URL, 50*time.Millisecond)
		if _, err := v.Verify(context.Background(), token); err == nil {
			t.Fatal("verified a token while the issuer publishes no keys")
		}
		s.set(true, iss.JWKS())
		if p := eventually(t, v, token); p.Subject != lea.Subject {
			t.Errorf("principal %+v", p)
		}
	})

	t.Run("not listening", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		if err := ln.Close(); err != nil {
			t.Fatal(err)
		}
		v := remoteVerifier(t, "http://"+addr+"/.well-known/jwks.json", 50*time.Millisecond)
		if _, err := v.Verify(context.Background(), token); err == nil {
			t.Fatal("verified a token while the issuer is down")
		}
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("port %s taken again meanwhile: %v", addr, err) // another test's server; the 503 case covers the rest
		}
		s := &jwksServer{up: true, jwks: iss.JWKS()}
		srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: s}}
		srv.Start()
		t.Cleanup(srv.Close)
		eventually(t, v, token)
	})
}

func TestRemoteJWKSKeyRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := newIssuer(t, nil), newIssuer(t, nil)
	if oldKey.KeyID() == newKey.KeyID() {
		t.Fatal("two keys share a kid")
	}
	s := &jwksServer{up: true, jwks: oldKey.JWKS()}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	v := remoteVerifier(t, srv.URL, 50*time.Millisecond)
	oldToken, newToken := issue(t, oldKey, lea), issue(t, newKey, lea)
	if _, err := v.Verify(context.Background(), oldToken); err != nil {
		t.Fatalf("token of the published key: %v", err)
	}

	// Rotation: the issuer publishes both keys, then signs with the new one.
	s.set(true, mergeJWKS(t, oldKey.JWKS(), newKey.JWKS()))
	eventually(t, v, newToken)
	if _, err := v.Verify(context.Background(), oldToken); err != nil {
		t.Errorf("token of the old key, still published: %v", err)
	}

	// The old key is withdrawn: once the keys are fetched again (a token
	// with another unknown kid triggers it), its tokens are refused.
	s.set(true, newKey.JWKS())
	stranger := issue(t, newIssuer(t, nil), lea)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, _ = v.Verify(context.Background(), stranger)
		if _, err := v.Verify(context.Background(), oldToken); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the withdrawn key still verifies tokens")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := v.Verify(context.Background(), newToken); err != nil {
		t.Errorf("token of the new key after the withdrawal: %v", err)
	}
}

func TestRemoteJWKSUnknownKidRefreshIsRateLimited(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t, nil)
	s := &jwksServer{up: true, jwks: iss.JWKS()}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	v := remoteVerifier(t, srv.URL, time.Hour)
	if _, err := v.Verify(context.Background(), issue(t, iss, lea)); err != nil {
		t.Fatal(err)
	}
	before := s.calls.Load()
	for range 20 {
		// Each forged token names a new kid.
		forged := issue(t, newIssuer(t, nil), lea)
		if _, err := v.Verify(context.Background(), forged); err == nil {
			t.Fatal("verified a token of an unpublished key")
		}
	}
	if n := s.calls.Load() - before; n > 1 {
		t.Errorf("20 unknown kids fetched the keys %d times, want at most once per JWKSMinRefresh", n)
	}
}

func mergeJWKS(t *testing.T, sets ...[]byte) []byte {
	t.Helper()
	var all struct {
		Keys []json.RawMessage `json:"keys"`
	}
	for _, raw := range sets {
		var s struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		all.Keys = append(all.Keys, s.Keys...)
	}
	out, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNewVerifierNeedsAnIssuer(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t, nil)
	if _, err := auth.NewStaticVerifier(auth.Config{Audience: audience}, iss.JWKS(), nil); err == nil {
		t.Error("a verifier without an expected issuer")
	}
	// OIDC_ISSUER stands in for AUTH_ISSUER.
	v, err := auth.NewStaticVerifier(auth.Config{OIDCIssuer: issuerName}, iss.JWKS(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), issue(t, iss, lea)); err != nil {
		t.Errorf("verifier configured by OIDC_ISSUER (and the default audience): %v", err)
	}
	if _, err := auth.NewRemoteVerifier(context.Background(), auth.Config{Issuer: issuerName, JWKSURL: "file:///etc/keys"}, nil, nil); err == nil {
		t.Error("a remote verifier on a non-HTTP URL")
	}
}
