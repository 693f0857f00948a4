package service_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/service"
)

const partnerSecret = "p4Rt3nA1r3-s3cr3t-dr4wn-4t-r4nd0m-f0r-th3-t3st"

func clientsFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clients.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPartnerPushThroughTheService: end to end, a partner client of the
// clients file gets a token with its secret and pushes a signal, stored
// with source partner; a client the file marks inactive gets none.
func TestPartnerPushThroughTheService(t *testing.T) {
	h := &harness{Harness: testkit.NewHarness(t, service.Name, service.Schema), t: t}
	cfg := testkit.Load(h.Harness, service.LoadConfig)
	h.idp = h.Trust(t, &cfg.AuthConfig, issuerName)
	sum := sha256.Sum256([]byte(partnerSecret))
	cfg.PartnerClientsFile = clientsFile(t, `{"clients": [
		{"client_id": "urssaf-idf", "name": "URSSAF", "secret_sha256": "`+hex.EncodeToString(sum[:])+`", "scopes": ["signals:social_tax_debts"]},
		{"client_id": "ancien", "name": "Ancien", "secret_sha256": "`+hex.EncodeToString(sum[:])+`", "scopes": ["signals:payments"], "active": false}]}`)
	h.Serve(service.New(h.Ctx, cfg, testkit.Quiet()))

	form := "application/x-www-form-urlencoded"
	grant := url.Values{"grant_type": {"client_credentials"}, "client_id": {"urssaf-idf"}, "client_secret": {partnerSecret}}
	got := h.Call(t, "POST", "/oauth/token", "", grant.Encode(), "Content-Type", form)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(got.Body), &tok); got.Status != 200 || err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", got.Status, got.Body)
	}
	inactive := url.Values{"grant_type": {"client_credentials"}, "client_id": {"ancien"}, "client_secret": {partnerSecret}}
	if got := h.Call(t, "POST", "/oauth/token", "", inactive.Encode(), "Content-Type", form); got.Status != 401 {
		t.Errorf("an inactive client's token: %d %s", got.Status, got.Body)
	}
	body := `{"reference": "U-1", "kind": "social_debt", "siren": "732829320", "occurred_on": "2026-01-15", "amount": 900}`
	got = h.Call(t, "POST", "/api/v1/partner-signals", tok.AccessToken, body, "Idempotency-Key", "service-test-0001")
	if got.Status != 200 || !strings.Contains(got.Body, `"created":1`) {
		t.Fatalf("push: %d %s", got.Status, got.Body)
	}
	h.DB.WaitCount(t, "partner signal stored", 1,
		`SELECT count(*) FROM difficulty_alert.signals WHERE source = 'partner' AND theme = 'social_tax_debts' AND source_ref = 'urssaf-idf:U-1'`)
	h.DB.WaitCount(t, "calls audited", 3, `SELECT count(*) FROM difficulty_alert.partner_calls`)
}

// TestBadPartnerClientsFileStopsTheStart: a clients file that cannot be
// read or trusted stops the service before anything opens, rather than
// open or close the partners' API by a typo.
func TestBadPartnerClientsFileStopsTheStart(t *testing.T) {
	t.Parallel()
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"missing":       filepath.Join(t.TempDir(), "none.json"),
		"unknown scope": clientsFile(t, `{"clients": [{"client_id": "c-1", "name": "C", "secret_sha256": "`+strings.Repeat("ab", 32)+`", "scopes": ["admin"]}]}`),
	} {
		cfg.PartnerClientsFile = path
		if _, err := service.New(t.Context(), cfg, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), "partner clients") {
			t.Errorf("%s: New = %v, want an error about the partner clients", name, err)
		}
	}
}
