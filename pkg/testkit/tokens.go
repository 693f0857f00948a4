package testkit

import (
	"testing"

	"github.com/ccicma/platform/pkg/auth"
)

// Forge issues p a token from an issuer with the options o changed by
// change (none if nil): a token that differs from a genuine one, issued
// with o, only where the test says (expired, another audience, another
// key under the same kid, ...).
func Forge(t testing.TB, o auth.IssuerOptions, p auth.Principal, change func(*auth.IssuerOptions)) string {
	t.Helper()
	if change != nil {
		change(&o)
	}
	iss, err := auth.NewIssuer(o)
	if err != nil {
		t.Fatalf("forge an issuer: %v", err)
	}
	tok, err := iss.Issue(p)
	if err != nil {
		t.Fatalf("forge a token: %v", err)
	}
	return tok.AccessToken
}
