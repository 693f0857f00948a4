package config_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/config"
)

// The auth settings keep their documented names though auth.Config is
// embedded beside platform.Config, bare or prefixed with ADVISOR_DESK_.
func TestAuthKeys(t *testing.T) {
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DevSignin || cfg.Audience != "ccicma" || cfg.TokenTTL != time.Hour || cfg.JWKSURL != "" {
		t.Errorf("defaults: dev sign-in %v, audience %q, TTL %v, JWKS URL %q", cfg.DevSignin, cfg.Audience, cfg.TokenTTL, cfg.JWKSURL)
	}

	t.Setenv("ADVISOR_DESK_DEV_SIGNIN", "true")
	t.Setenv("AUTH_JWKS_URL", "https://idp.example/certs")
	t.Setenv("OIDC_ISSUER", "https://idp.example")
	t.Setenv("ADVISOR_DESK_AUTH_AUDIENCE", "desk")
	t.Setenv("AUTH_AUDIENCE", "everyone")
	t.Setenv("AUTH_SIGNING_KEY_FILE", "/run/secrets/key.pem")
	t.Setenv("AUTH_TOKEN_TTL", "15m")
	cfg, err = config.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.DevSignin || cfg.JWKSURL != "https://idp.example/certs" || cfg.IssuerName() != "https://idp.example" ||
		cfg.Audience != "desk" || cfg.SigningKeyFile != "/run/secrets/key.pem" || cfg.TokenTTL != 15*time.Minute {
		t.Errorf("read %+v", cfg.AuthConfig)
	}
	t.Setenv("AUTH_ISSUER", "https://other.example")
	if cfg, _ = config.Load(); cfg.IssuerName() != "https://other.example" {
		t.Errorf("AUTH_ISSUER does not take precedence over OIDC_ISSUER: %q", cfg.IssuerName())
	}
}
