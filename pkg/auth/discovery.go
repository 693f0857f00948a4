package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// ErrDiscoveryMismatch reports a discovery document that does not belong to
// the configured issuer (or names no usable jwks_uri): a misconfiguration,
// not an outage, so it is never retried.
var ErrDiscoveryMismatch = errors.New("OIDC discovery document does not match the issuer")

// errKeysNotDiscovered refuses tokens while the provider's discovery
// document has not been read yet.
var errKeysNotDiscovered = errors.New("the OIDC provider's signing keys are not known yet")

// maxDiscoveryDocument bounds the discovery document read (real ones are a
// few kilobytes).
const maxDiscoveryDocument = 1 << 20

// ProviderMetadata is the part of an OpenID Provider's discovery document
// (OpenID Connect Discovery 1.0 §3) the platform uses.
type ProviderMetadata struct {
	Issuer                string `json:"issuer"`
	JWKSURI               string `json:"jwks_uri"`
	AuthorizationEndpoint string `json:"authorization_endpoint,omitempty"`
	TokenEndpoint         string `json:"token_endpoint,omitempty"`
	EndSessionEndpoint    string `json:"end_session_endpoint,omitempty"`
}

// DiscoveryURL is where the issuer publishes its discovery document: the
// issuer without a trailing slash, then /.well-known/openid-configuration
// (Discovery §4.1).
func DiscoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// Discover fetches and checks the discovery document of issuer: its issuer
// member must equal issuer exactly (Discovery §4.3, which stops a document
// served elsewhere from redirecting the keys), and both must be https
// (plain http on the loopback interface only). Those failures wrap ErrDiscoveryMismatch; others (network,
// status, unreadable body) may pass. client may be nil.
func Discover(ctx context.Context, client *http.Client, issuer string) (ProviderMetadata, error) {
	var m ProviderMetadata
	if err := checkDiscoveryURL(issuer); err != nil {
		return m, fmt.Errorf("auth: OIDC_ISSUER %q: %w: %w", issuer, ErrDiscoveryMismatch, err)
	}
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, DiscoveryURL(issuer), nil)
	if err != nil {
		return m, fmt.Errorf("auth: OIDC discovery: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return m, fmt.Errorf("auth: OIDC discovery: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return m, fmt.Errorf("auth: OIDC discovery at %s answered %s", DiscoveryURL(issuer), resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscoveryDocument+1))
	if err != nil {
		return m, fmt.Errorf("auth: OIDC discovery: read: %w", err)
	}
	if len(body) > maxDiscoveryDocument {
		return m, fmt.Errorf("auth: OIDC discovery document larger than %d bytes", maxDiscoveryDocument)
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return m, fmt.Errorf("auth: OIDC discovery document: %w", err)
	}
	if m.Issuer != issuer {
		return m, fmt.Errorf("auth: %w: it names issuer %q, want %q", ErrDiscoveryMismatch, m.Issuer, issuer)
	}
	if err := checkDiscoveryURL(m.JWKSURI); err != nil {
		return m, fmt.Errorf("auth: %w: jwks_uri %q: %w", ErrDiscoveryMismatch, m.JWKSURI, err)
	}
	return m, nil
}

// checkDiscoveryURL accepts what OIDC Discovery requires, https, and
// plain http on the loopback interface only (a provider on the developer's
// machine): over a network, whoever answers a plain http request could
// serve their own signing keys. A fixed AUTH_JWKS_URL is the operator's
// explicit choice and only needs to be http(s) (checkHTTPURL).
func checkDiscoveryURL(s string) error {
	if err := checkHTTPURL(s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if u.Scheme == "https" {
		return nil
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || ip != nil && ip.IsLoopback() {
		return nil
	}
	return errors.New("not https (plain http is accepted on the loopback interface only)")
}

func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("not an http(s) URL")
	}
	return nil
}

// keySource yields the key function of a token (keyfunc.Keyfunc, or keys
// still being discovered).
type keySource interface {
	KeyfuncCtx(ctx context.Context) jwt.Keyfunc
}

// discoveredKeys are the keys at the jwks_uri of an OIDC provider, once its
// discovery document has been read. Until then every token is refused,
// like a token whose key the provider does not publish (yet).
type discoveredKeys struct {
	keys atomic.Pointer[keyfunc.Keyfunc]
}

func (d *discoveredKeys) KeyfuncCtx(ctx context.Context) jwt.Keyfunc {
	if k := d.keys.Load(); k != nil {
		return (*k).KeyfuncCtx(ctx)
	}
	return func(*jwt.Token) (any, error) { return nil, errKeysNotDiscovered }
}

// discoverKeys reads the discovery document of cfg.OIDCIssuer and then
// verifies against its jwks_uri. A mismatching document fails at once. A
// provider that does not answer is asked again in the background, with a
// backoff from JWKSMinRefresh to JWKSRefresh, until it does or ctx ends: a
// service may start before its provider, as with AUTH_JWKS_URL.
func discoverKeys(ctx context.Context, cfg Config, client *http.Client, log *slog.Logger) (keySource, error) {
	d := &discoveredKeys{}
	attempt := func() error {
		fetchCtx, cancel := context.WithTimeout(ctx, cfg.JWKSTimeout)
		defer cancel()
		m, err := Discover(fetchCtx, client, cfg.OIDCIssuer)
		if err != nil {
			return err
		}
		kf, err := remoteKeys(ctx, cfg, m.JWKSURI, client, log)
		if err != nil {
			return err
		}
		d.keys.Store(&kf)
		log.InfoContext(ctx, "OIDC provider discovered", "issuer", cfg.OIDCIssuer, "jwks_uri", m.JWKSURI)
		return nil
	}
	err := attempt()
	switch {
	case err == nil:
		return d, nil
	case errors.Is(err, ErrDiscoveryMismatch):
		return nil, err
	}
	log.WarnContext(ctx, "OIDC discovery failed; retrying in the background", "issuer", cfg.OIDCIssuer, "err", err)
	go retryDiscovery(ctx, cfg, attempt, log)
	return d, nil
}

func retryDiscovery(ctx context.Context, cfg Config, attempt func() error, log *slog.Logger) {
	wait := cfg.JWKSMinRefresh
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		err := attempt()
		switch {
		case err == nil:
			return
		case errors.Is(err, ErrDiscoveryMismatch):
			// The provider answers with a document that is not its own:
			// retrying will not help; tokens stay refused until an
			// operator looks.
			log.ErrorContext(ctx, "OIDC discovery refused; advisors' tokens will be refused", "issuer", cfg.OIDCIssuer, "err", err)
			return
		}
		wait = min(2*wait, cfg.JWKSRefresh)
		log.WarnContext(ctx, "OIDC discovery failed", "issuer", cfg.OIDCIssuer, "err", err, "retry_in", wait)
	}
}
