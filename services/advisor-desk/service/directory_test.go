package service_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

// directoryEvents counts an advisor's advisor.directory.updated events in
// the outbox, and those the relay has published (JetStream acknowledged).
func (d *desk) directoryEvents(t *testing.T, advisor string) (written, published int, payloads []string) {
	t.Helper()
	rows, err := d.DB.Query(d.Ctx, `SELECT convert_from(payload, 'UTF8'), sent_at IS NOT NULL FROM advisor_desk.outbox
		WHERE topic LIKE 'advisor.directory.updated.%' AND convert_from(payload, 'UTF8')::jsonb->>'advisor_id' = $1 ORDER BY id`, advisor)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var sent bool
		if err := rows.Scan(&p, &sent); err != nil {
			t.Fatal(err)
		}
		written++
		if sent {
			published++
		}
		payloads = append(payloads, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return written, published, payloads
}

// TestDirectoryAdmin runs the directory API in the assembled service: an
// admin's change is stored and published once, an unchanged one not at
// all, and the desk's own advisors are refused.
func TestDirectoryAdmin(t *testing.T) {
	t.Parallel()
	d := startDesk(t)
	admin := d.forge(t, auth.Principal{Subject: "admin-1", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdmin}}, nil)
	const id = "cci-91-020"
	body := `{"chamber":"CCI","full_name":"Hugo Lambert","email":"hugo.lambert@cci-essonne.example","departements":["91"],
		"specialities":["takeover"],"capacity":25,"active":true,"roles":["advisor"]}`

	if a := d.Call(t, "PUT", "/api/v1/directory/advisors/"+id, d.token(t, "cma-91-006"), body); a.Status != 403 {
		t.Fatalf("a manager's put answered %d: %s", a.Status, a.Body)
	}
	if a := d.Call(t, "PUT", "/api/v1/directory/advisors/"+id, admin, body); a.Status != 201 {
		t.Fatalf("the admin's put answered %d: %s", a.Status, a.Body)
	}
	if a := d.Call(t, "PUT", "/api/v1/directory/advisors/"+id, admin, body); a.Status != 200 {
		t.Fatalf("the admin's second put answered %d: %s", a.Status, a.Body)
	}
	csv := "advisor_id,chamber,full_name,email,departements,specialities,capacity,roles,active,absent_until\n" +
		id + ",CCI,Hugo Lambert,hugo.lambert@cci-essonne.example,91,takeover,25,advisor,true,2026-12-01T00:00:00+01:00\n"
	if a := d.Call(t, "POST", "/api/v1/directory/import", admin, csv, "Content-Type", "text/csv"); a.Status != 200 || !strings.Contains(a.Body, `"updated":1`) {
		t.Fatalf("import answered %d: %s", a.Status, a.Body)
	}
	if a := d.Call(t, "POST", "/api/v1/directory/import", admin, csv, "Content-Type", "text/csv"); a.Status != 200 {
		t.Fatalf("re-import answered %d", a.Status)
	}

	// Two real changes (creation, absence): two events, both published.
	testkit.Eventually(t, testkit.Wait, "the directory events published", func() (bool, error) {
		_, published, _ := d.directoryEvents(t, id)
		return published == 2, nil
	})
	written, _, payloads := d.directoryEvents(t, id)
	if written != 2 {
		t.Fatalf("%d events written, want 2", written)
	}
	var last struct {
		Revision    int64  `json:"revision"`
		AbsentUntil string `json:"absent_until"`
	}
	if err := json.Unmarshal([]byte(payloads[1]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Revision != 2 || last.AbsentUntil != "2026-11-30T23:00:00Z" {
		t.Errorf("second event %s", payloads[1])
	}
	for _, p := range payloads {
		if strings.Contains(p, "Hugo") || strings.Contains(p, "@") {
			t.Errorf("an event carries the name or the e-mail: %s", p)
		}
	}
	// The advisor may now sign in (dev) with the directory's entry.
	if tok := d.token(t, id); tok == "" {
		t.Error("no token for the new advisor")
	}
}

// TestOIDCDiscoveryIssuer runs advisor-desk as with a real OIDC provider
// configured by OIDC_ISSUER alone: the keys are found through the
// provider's discovery document.
func TestOIDCDiscoveryIssuer(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	issuer := srv.URL + "/realms/ccicma"
	idp, err := auth.NewIssuer(auth.IssuerOptions{Issuer: issuer, Audience: "ccicma"})
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("GET /realms/ccicma/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/certs"})
	})
	mux.Handle("GET /realms/ccicma/certs", idp.JWKSHandler())
	d := startDesk(t, func(c *service.Config) {
		c.DevSignin, c.JWKSURL, c.Issuer, c.OIDCIssuer = false, "", "", issuer
	})

	tok, err := idp.Issue(auth.Principal{Subject: "cci-91-002", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	if a := d.open(t, tok.AccessToken, "cci-91-002", false, false); a.status != 200 {
		t.Errorf("the provider's token answered %d: %s", a.status, a.body)
	}
	admin, err := idp.Issue(auth.Principal{Subject: "admin-1", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	if a := d.Call(t, "GET", "/api/v1/directory/advisors", admin.AccessToken, ""); a.Status != 200 || !strings.Contains(a.Body, "cci-91-002") {
		t.Errorf("the provider's admin token on the directory answered %d: %s", a.Status, a.Body)
	}
	if a := d.open(t, d.forge(t, auth.Principal{Subject: "cci-91-002", Chamber: "CCI"}, nil), "cci-91-002", false, false); a.status != 401 {
		t.Errorf("a development token answered %d, want 401", a.status)
	}
}
