package stack_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// TestTakeoverConcernReachesPrevention: the CMA's takeover advisor
// following a confidential bakery for sale sees it in difficulty and
// raises a concern from the offer's page in the desk. takeover-matching,
// which holds no SIRET of a confidential offer, announces it with codes
// only; intake names the business to difficulty-alert alone; difficulty-
// alert opens one call-back case for the CMA's prevention advisor, linked
// to the offer and to the business, which it scores. The prevention
// advisor is told it comes from the takeover follow-up, never which
// business; the case page shows what was seen and the business's signal.
// A second concern the same day changes nothing, and the seller's status
// page says nothing of it.
func TestTakeoverConcernReachesPrevention(t *testing.T) {
	r := startStack(t)
	desk, intake := r.st.URL("advisor-desk"), r.st.URL("intake")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM takeover_matching.advisors`)
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM difficulty_alert.advisors`)
	confidential := strings.Replace(bakeryForSale, `"confidential": false`, `"confidential": true`, 1)
	code, out := post(t, intake+"/api/v1/takeover-offers", confidential, "e2e-concern-0001")
	if code != http.StatusAccepted {
		t.Fatalf("offer answered %d: %v", code, out)
	}
	requestID := fmt.Sprint(out["request_id"])
	var offerID string
	testkit.Eventually(t, 10*time.Second, "offer registered", func() (bool, error) {
		offerID = r.db.Text(t, `SELECT offer_id::text FROM takeover_matching.takeover_offers WHERE request_id = $1 AND advisor_id = 'cma-91-001'`, requestID)
		return offerID != "", nil
	})
	if siret := r.db.Text(t, `SELECT coalesce(siret, '') FROM takeover_matching.takeover_offers WHERE offer_id = $1`, offerID); siret != "" {
		t.Fatalf("takeover-matching holds the confidential offer's SIRET %q", siret)
	}

	offer := "/dossiers/reprise/offres/" + offerID
	b := signInDesk(t, desk, "cma-91-001")
	p := b.do(http.MethodGet, offer, nil)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Aucune difficulté signalée") || !strings.Contains(p.body, `action="`+offer+`/difficulte"`) {
		t.Fatalf("offer page: %d\n%s", p.status, p.body)
	}
	if bad := b.do(http.MethodPost, offer+"/difficulte", url.Values{"jeton": {b.formToken(p)}}); bad.status != http.StatusUnprocessableEntity ||
		!strings.Contains(bad.body, "Cochez au moins une des difficultés proposées") {
		t.Fatalf("a concern without a difficulty: %d\n%s", bad.status, bad.body)
	}
	// The same-day repeat below runs on the services' own clocks.
	testkit.AwayFromMidnight(t, 2*time.Minute)
	raise := func() page {
		return b.do(http.MethodPost, offer+"/difficulte", url.Values{"jeton": {b.formToken(p)},
			"preoccupations": {"cash_flow", "supplier_delays"}})
	}
	done := raise()
	if done.status != http.StatusSeeOther || done.header.Get("Location") != offer+"?fait=difficulte-signalee#difficultes" {
		t.Fatalf("concern: %d %q\n%s", done.status, done.header.Get("Location"), done.body)
	}
	after := b.do(http.MethodGet, done.header.Get("Location"), nil)
	for _, want := range []string{"transmis à la cellule de prévention", "Trésorerie tendue", "Retards de paiement aux fournisseurs"} {
		if !strings.Contains(after.body, want) {
			t.Errorf("offer page after the concern lacks %q", want)
		}
	}

	var caseID string
	testkit.Eventually(t, 10*time.Second, "prevention case opened for the CMA's prevention advisor, linked to the business", func() (bool, error) {
		caseID = r.db.Text(t, `SELECT case_id::text FROM difficulty_alert.difficulty_cases WHERE request_id = $1
			AND source = 'advisor_observation' AND takeover_offer_id = $2 AND level = 'call_back' AND chamber = 'CMA'
			AND advisor_ids = '{cma-91-002}' AND kinds = '{cash_flow,supplier_delays}'`, requestID, offerID)
		return caseID != "" && r.db.Count(t, `SELECT count(*) FROM difficulty_alert.signals WHERE siren = '443061841'
			AND source = 'advisor_observation' AND kind = 'advisor_concern'`) == 1 &&
			r.db.Count(t, `SELECT count(*) FROM difficulty_alert.businesses WHERE siren = '443061841' AND scored_at IS NOT NULL`) == 1, nil
	})
	if n := r.db.Count(t, `SELECT count(*) FROM difficulty_alert.difficulty_cases WHERE status <> 'closed'`); n != 1 {
		t.Errorf("%d open prevention cases, want the one of the concern (the business's score opens no second)", n)
	}
	var body string
	testkit.Eventually(t, 10*time.Second, "prevention advisor notified", func() (bool, error) {
		body = r.db.Text(t, `SELECT body FROM advisor_desk.notifications WHERE kind = 'difficulty.case.opened' AND advisor_id = 'cma-91-002'`)
		return body != "", nil
	})
	if !strings.Contains(body, "transmission-reprise") || strings.Contains(body, "post-création") || strings.Contains(body, "443061841") {
		t.Errorf("notification %q: want the takeover follow-up named, never the business", body)
	}

	page := signInDesk(t, desk, "cma-91-002").do(http.MethodGet, "/dossiers/prevention/"+caseID, nil)
	if page.status != http.StatusOK {
		t.Fatalf("prevention page: %d\n%s", page.status, page.body)
	}
	for _, want := range []string{"Signalé par le conseiller transmission-reprise", "Trésorerie tendue (découvert, fins de mois difficiles) ; Retards de paiement aux fournisseurs",
		`href="` + offer + `"`, "Score et signaux", "marc.lefevre@example.fr"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("prevention page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "443061841") {
		t.Error("the prevention page shows the SIREN")
	}

	// The same day again: nothing new, anywhere.
	if again := raise(); again.status != http.StatusSeeOther {
		t.Fatalf("second concern: %d\n%s", again.status, again.body)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM takeover_matching.offer_difficulty_concerns WHERE offer_id = $1`, offerID); n != 1 {
		t.Errorf("%d concerns stored, want 1 a day", n)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM takeover_matching.outbox WHERE topic LIKE 'takeover.offer.difficulty_seen.%'`); n != 1 {
		t.Errorf("%d concern events, want 1", n)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM difficulty_alert.signals WHERE siren = '443061841'`); n != 1 {
		t.Errorf("%d signals, want 1", n)
	}
	// The seller hears nothing of it.
	if _, v := call(t, http.MethodGet, intake+"/api/v1/takeover-offers/"+requestID, "", ""); strings.Contains(fmt.Sprint(v), "prévention") {
		t.Errorf("the seller's status page: %v", v)
	}
	// The SIREN is in difficulty-alert only.
	for _, q := range []string{`SELECT count(*) FROM advisor_desk.notifications WHERE body LIKE '%443061841%' OR title LIKE '%443061841%'`,
		`SELECT count(*) FROM takeover_matching.offer_difficulty_concerns WHERE concerns::text LIKE '%443061841%'`} {
		if n := r.db.Count(t, q); n != 0 {
			t.Errorf("%s: %d", q, n)
		}
	}
}
