package testkit_test

import (
	"context"
	"crypto/ed25519"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestForgeDiffersOnlyWhereTold: unchanged, a forged token is as good as
// a genuine one; with its audience changed, it is refused.
func TestForgeDiffersOnlyWhereTold(t *testing.T) {
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	o := auth.IssuerOptions{Issuer: "https://idp.test", Audience: "ccicma", Key: key}
	genuine, err := auth.NewIssuer(o)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewStaticVerifier(auth.Config{Issuer: o.Issuer}, genuine.JWKS(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lea := auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	if p, err := v.Verify(context.Background(), testkit.Forge(t, o, lea, nil)); err != nil || p.Subject != lea.Subject {
		t.Errorf("unchanged forgery: %+v, %v; want it verified as Léa", p, err)
	}
	other := testkit.Forge(t, o, lea, func(o *auth.IssuerOptions) { o.Audience = "another-platform" })
	if _, err := v.Verify(context.Background(), other); err == nil {
		t.Error("a token for another audience verified")
	}
	if o.Audience != "ccicma" {
		t.Errorf("Forge changed the caller's options: %+v", o)
	}
}
