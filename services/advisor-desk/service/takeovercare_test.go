package service_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ccicma/platform/services/advisor-desk/service"
)

// TestTakeoverCareFormsWithoutTheOwningService: the take-in-charge and
// "pas pour moi" forms of offers and searches need takeover-matching
// (tested with it in deploy/devstack/stack); what the desk decides alone
// is tested here: sign-in first, ids that name nothing, forged forms, a
// missing reason, and a French 503 when takeover-matching does not
// answer.
func TestTakeoverCareFormsWithoutTheOwningService(t *testing.T) {
	t.Parallel()
	down := closedURL(t)
	d := startDesk(t, func(c *service.Config) {
		c.IntakeURL, c.CreationSupportURL, c.TakeoverMatchingURL, c.DifficultyAlertURL = down, down, down, down
	})
	const id = "0190b3c4-0000-7000-8000-000000000000"
	b := d.browser(t)
	if got := b.signIn("cma-91-001", service.DemoPassword); got.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", got.status)
	}
	tok := b.formToken("/boite")
	for _, base := range []string{"/dossiers/reprise/offres/", "/dossiers/reprise/recherches/"} {
		for _, action := range []string{"/prise-en-charge", "/pas-pour-moi"} {
			if anon := d.browser(t).post(base+id+action, url.Values{"motif": {"other"}}); anon.status != http.StatusSeeOther ||
				anon.header.Get("Location") != "/connexion" {
				t.Errorf("%s%s without a session: %d %q", base, action, anon.status, anon.header.Get("Location"))
			}
			if p := b.post(base+id+action, url.Values{"motif": {"other"}, "jeton": {"forged"}}); p.status != http.StatusForbidden ||
				!strings.Contains(p.body, "Le formulaire a expiré") {
				t.Errorf("%s%s with a forged form token: %d\n%s", base, action, p.status, p.body)
			}
			if p := b.post(base+"pas-un-identifiant"+action, url.Values{"motif": {"other"}, "jeton": {tok}}); p.status != http.StatusNotFound {
				t.Errorf("%s%s with a bad id: %d", base, action, p.status)
			}
			if p := b.post(base+id+action, url.Values{"motif": {"other"}, "jeton": {tok}}); p.status != http.StatusServiceUnavailable ||
				!strings.Contains(p.body, "Service momentanément indisponible") {
				t.Errorf("%s%s with takeover-matching down: %d\n%s", base, action, p.status, p.body)
			}
		}
		// The desk checks the reason before it calls anyone; the page it
		// would show needs takeover-matching, which says it is down.
		if p := b.post(base+id+"/pas-pour-moi", url.Values{"motif": {"wrong_chamber"}, "jeton": {tok}}); p.status != http.StatusServiceUnavailable {
			t.Errorf("%s hand-back for the other chamber: %d", base, p.status)
		}
	}
}
