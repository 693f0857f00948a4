package partner_test

import (
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

const secret = "u6Yf2v9QpXk1Lr0TzB8sW3nJc5Hd7Ga4Me6Ri1Oy0Kq="

func hash(s string) string {
	h := partner.Hash(s)
	return hex.EncodeToString(h[:])
}

// TestParseClients: a good file gives its clients (active by default,
// scopes sorted once each); any doubt fails the whole file.
func TestParseClients(t *testing.T) {
	cs, err := partner.ParseClients([]byte(`{"clients": [
		{"client_id": "urssaf-idf", "name": " URSSAF ", "secret_sha256": "` + hash(secret) + `", "scopes": ["signals:payments", "signals:social_tax_debts", "signals:payments"]},
		{"client_id": "old.partner", "name": "Old", "secret_sha256": "` + hash("x") + `", "scopes": ["signals:accounts"], "active": false}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ID != "urssaf-idf" || cs[0].Name != "URSSAF" || !cs[0].Active || cs[1].Active ||
		!slices.Equal(cs[0].Scopes, []string{"signals:payments", "signals:social_tax_debts"}) {
		t.Errorf("%+v", cs)
	}
	if !cs[0].SecretMatches(secret) || cs[0].SecretMatches(secret+"x") || cs[1].SecretMatches("x") {
		t.Error("secrets: the right one must match, another or a short one not")
	}
	good := `{"client_id": "c-1", "name": "C", "secret_sha256": "` + hash(secret) + `", "scopes": ["signals:accounts"]}`
	for name, file := range map[string]string{
		"not JSON":       `{`,
		"unknown member": `{"clients": [` + strings.Replace(good, `"name"`, `"secret": "x", "name"`, 1) + `]}`,
		"twice":          `{"clients": [` + good + `,` + good + `]}`,
		"bad id":         `{"clients": [` + strings.Replace(good, `"c-1"`, `"C 1"`, 1) + `]}`,
		"no name":        `{"clients": [` + strings.Replace(good, `"C"`, `" "`, 1) + `]}`,
		"bad hash":       `{"clients": [` + strings.Replace(good, hash(secret), "abc", 1) + `]}`,
		"unknown scope":  `{"clients": [` + strings.Replace(good, "signals:accounts", "admin", 1) + `]}`,
		"no scope":       `{"clients": [` + strings.Replace(good, `"signals:accounts"`, ``, 1) + `]}`,
	} {
		if _, err := partner.ParseClients([]byte(file)); !errors.Is(err, partner.ErrClients) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestGrant: no scope asked is all the client's; scopes asked must all be
// the client's.
func TestGrant(t *testing.T) {
	c := partner.Client{Scopes: []string{signal.ScopePayments, signal.ScopeSocialTaxDebts}}
	if g, r := c.Grant(nil); !slices.Equal(g, c.Scopes) || r != nil {
		t.Errorf("none asked: %q %q", g, r)
	}
	if g, r := c.Grant([]string{signal.ScopeSocialTaxDebts, signal.ScopeSocialTaxDebts}); !slices.Equal(g, []string{signal.ScopeSocialTaxDebts}) || r != nil {
		t.Errorf("one asked: %q %q", g, r)
	}
	if g, r := c.Grant([]string{signal.ScopePayments, signal.ScopeAccounts, "admin"}); g != nil || !slices.Equal(r, []string{signal.ScopeAccounts, "admin"}) {
		t.Errorf("beyond: %q %q", g, r)
	}
	caller := partner.Caller{Scopes: []string{signal.ScopePayments}}
	pay, _ := signal.PartnerKindOf(signal.KindPaymentIncident)
	debt, _ := signal.PartnerKindOf(signal.KindTaxDebt)
	if !caller.May(pay) || caller.May(debt) {
		t.Error("a caller may push the kinds of its scopes only")
	}
}
