package service_test

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

// closedURL is the URL of a port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// TestCasePagesWithoutTheOwningServices: the case pages need the owning
// services (tested with them in deploy/devstack/stack); without them a
// page is a French 503, never a crash. What the desk decides alone is
// tested here: sign-in first, ids that name nothing, forged forms.
func TestCasePagesWithoutTheOwningServices(t *testing.T) {
	t.Parallel()
	down := closedURL(t)
	d := startDesk(t, func(c *service.Config) {
		c.IntakeURL, c.CreationSupportURL, c.TakeoverMatchingURL, c.DifficultyAlertURL = down, down, down, down
	})
	const id = "0190b3c4-0000-7000-8000-000000000000"

	anon := d.browser(t).get("/dossiers/creation/" + id)
	if anon.status != http.StatusSeeOther || anon.header.Get("Location") != "/connexion" {
		t.Errorf("without a session: %d %q", anon.status, anon.header.Get("Location"))
	}
	b := d.browser(t)
	if got := b.signIn("cma-91-001", service.DemoPassword); got.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", got.status)
	}
	for _, path := range []string{"/dossiers/creation/", "/dossiers/reprise/offres/", "/dossiers/reprise/recherches/",
		"/dossiers/reprise/mises-en-relation/", "/dossiers/prevention/"} {
		p := b.get(path + id)
		if p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "Service momentanément indisponible") ||
			!strings.Contains(p.body, "Se déconnecter") {
			t.Errorf("%s with the owning service down: %d\n%s", path, p.status, p.body)
		}
		if nf := b.get(path + "pas-un-identifiant"); nf.status != http.StatusNotFound || !strings.Contains(nf.body, "Dossier introuvable") {
			t.Errorf("%s with a bad id: %d\n%s", path, nf.status, nf.body)
		}
	}
	for _, path := range []string{"/dossiers/creation", "/dossiers/creation?etape=diagnosis&tri=attente"} {
		if p := b.get(path); p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "Service momentanément indisponible") {
			t.Errorf("%s with creation-support down: %d\n%s", path, p.status, p.body)
		}
	}
	// cma-91-001 is no manager in these tests' directory.
	if p := b.get("/dossiers/creation/pilotage"); p.status != http.StatusForbidden || !strings.Contains(p.body, "réservé aux responsables") {
		t.Errorf("pipeline for an advisor: %d\n%s", p.status, p.body)
	}
	if anon := d.browser(t).get("/dossiers/creation"); anon.status != http.StatusSeeOther || anon.header.Get("Location") != "/connexion" {
		t.Errorf("Mes dossiers without a session: %d %q", anon.status, anon.header.Get("Location"))
	}
	for _, action := range []string{"/prise-en-charge", "/pas-pour-moi", "/etape", "/prochaine-action", "/notes", "/faits",
		"/immatriculation", "/abandon", "/reprise", "/points-de-suivi/1"} {
		p := b.post("/dossiers/creation/"+id+action, url.Values{"motif": {"other"}, "jeton": {"forged"}})
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "Le formulaire a expiré") {
			t.Errorf("%s with a forged form token: %d\n%s", action, p.status, p.body)
		}
	}
}
