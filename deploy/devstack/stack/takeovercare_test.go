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

// TestTakeoverCareThroughTheDesk: a business for sale and a buyer's search
// registered to the CMA's takeover advisor start the desk's reminders.
// Another advisor of the chamber sees the offer wait but no form, and is
// refused on the page; the assigned advisor takes the offer in charge
// through the page's form (the reminders stop, a second time is refused
// on the page) and hands the search back, "pas pour moi", with a reason
// (without one the form says so): nobody else of the chamber can take it,
// so it goes to the chamber's takeover advisors, its reminders start
// again, and the advisor who handed it back may no longer take it.
func TestTakeoverCareThroughTheDesk(t *testing.T) {
	r := startStack(t)
	desk, intake := r.st.URL("advisor-desk"), r.st.URL("intake")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM takeover_matching.advisors`)
	for i, x := range []struct{ path, body string }{{"/api/v1/takeover-offers", bakeryForSale}, {"/api/v1/buyer-searches", bakeryBuyer}} {
		if code, out := post(t, intake+x.path, x.body, fmt.Sprintf("e2e-takeovercare-000%d", i)); code != http.StatusAccepted {
			t.Fatalf("POST %s answered %d: %v", x.path, code, out)
		}
	}
	var offerID, searchID, advisor string
	testkit.Eventually(t, 10*time.Second, "offer and search registered, their reminders planned", func() (bool, error) {
		offerID = r.db.Text(t, `SELECT coalesce(min(offer_id::text), '') FROM takeover_matching.takeover_offers WHERE advisor_id IS NOT NULL`)
		searchID = r.db.Text(t, `SELECT coalesce(min(search_id::text), '') FROM takeover_matching.buyer_searches WHERE advisor_id IS NOT NULL`)
		advisor = r.db.Text(t, `SELECT coalesce(min(advisor_id), '') FROM takeover_matching.takeover_offers`)
		return offerID != "" && searchID != "" && r.db.Count(t, `SELECT count(*) FROM advisor_desk.reminder_timers
			WHERE case_id IN ($1, $2) AND status = 'pending'`, offerID, searchID) == 6, nil
	})
	if advisor != "cma-91-001" {
		t.Fatalf("the bakery went to %q, want the CMA's takeover advisor", advisor)
	}
	offer, search := "/dossiers/reprise/offres/"+offerID, "/dossiers/reprise/recherches/"+searchID

	// Another advisor of the chamber: the offer waits, no form, and a
	// post is refused by takeover-matching, on the page.
	other := signInDesk(t, desk, "cma-91-002")
	p := other.do(http.MethodGet, offer, nil)
	if p.status != http.StatusOK || !strings.Contains(p.body, "En attente de prise en charge") || strings.Contains(p.body, "Prendre en charge</button>") {
		t.Fatalf("another advisor's offer page: %d\n%s", p.status, p.body)
	}
	refused := other.do(http.MethodPost, offer+"/prise-en-charge", url.Values{"jeton": {other.formToken(p)}})
	if refused.status != http.StatusForbidden || !strings.Contains(refused.body, "Seul le conseiller à qui le dossier est attribué") ||
		!strings.Contains(refused.body, "Entreprise à céder") {
		t.Fatalf("another advisor takes it in charge: %d\n%s", refused.status, refused.body)
	}

	// The assigned advisor: both forms, the takeover reasons only.
	b := signInDesk(t, desk, advisor)
	p = b.do(http.MethodGet, offer, nil)
	for _, want := range []string{"Prise en charge", "Prendre en charge</button>", "Pas pour moi", `value="no_capacity"`, "Rendre le dossier"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("offer page lacks %q", want)
		}
	}
	if strings.Contains(p.body, `value="wrong_chamber"`) {
		t.Error("the offer's hand-back offers the other chamber")
	}
	if forged := b.do(http.MethodPost, offer+"/prise-en-charge", url.Values{"jeton": {"forged"}}); forged.status != http.StatusForbidden ||
		!strings.Contains(forged.body, "Demande refusée") {
		t.Fatalf("forged form: %d\n%s", forged.status, forged.body)
	}
	taken := b.do(http.MethodPost, offer+"/prise-en-charge", url.Values{"jeton": {b.formToken(p)}})
	if taken.status != http.StatusSeeOther || taken.header.Get("Location") != offer+"?fait=prise-en-charge" {
		t.Fatalf("take in charge: %d %q\n%s", taken.status, taken.header.Get("Location"), taken.body)
	}
	confirmed := b.do(http.MethodGet, taken.header.Get("Location"), nil)
	if !strings.Contains(confirmed.body, "Vous avez pris ce dossier en charge") || !strings.Contains(confirmed.body, "Pris en charge le") ||
		!strings.Contains(confirmed.body, "par le conseiller cma-91-001") || strings.Contains(confirmed.body, "Prendre en charge</button>") {
		t.Errorf("offer page after taking it in charge:\n%s", confirmed.body)
	}
	r.db.WaitCount(t, "the offer's reminders cancelled", 0, `SELECT count(*) FROM advisor_desk.reminder_timers WHERE case_id = $1 AND status = 'pending'`, offerID)
	again := b.do(http.MethodPost, offer+"/prise-en-charge", url.Values{"jeton": {b.formToken(confirmed)}})
	if again.status != http.StatusConflict || !strings.Contains(again.body, "Dossier déjà pris en charge") {
		t.Errorf("take it in charge again: %d\n%s", again.status, again.body)
	}

	// "Pas pour moi" on the search: a reason is required.
	p = b.do(http.MethodGet, search, nil)
	if bad := b.do(http.MethodPost, search+"/pas-pour-moi", url.Values{"motif": {""}, "jeton": {b.formToken(p)}}); bad.status != http.StatusUnprocessableEntity ||
		!strings.Contains(bad.body, "Le formulaire contient des erreurs") || !strings.Contains(bad.body, `href="#motif"`) {
		t.Errorf("hand-back without a reason: %d\n%s", bad.status, bad.body)
	}
	done := b.do(http.MethodPost, search+"/pas-pour-moi", url.Values{"motif": {"no_capacity"},
		"commentaire": {"Trop de reprises en cours."}, "jeton": {b.formToken(p)}})
	if done.status != http.StatusSeeOther || done.header.Get("Location") != search+"?fait=rendu" {
		t.Fatalf("hand-back: %d %q\n%s", done.status, done.header.Get("Location"), done.body)
	}
	after := b.do(http.MethodGet, done.header.Get("Location"), nil)
	if !strings.Contains(after.body, "Le dossier a été rendu") || strings.Contains(after.body, "Rendre le dossier") {
		t.Errorf("search page after the hand-back:\n%s", after.body)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM takeover_matching.buyer_searches WHERE search_id = $1 AND advisor_id IS NULL`, searchID); n != 1 {
		t.Fatal("the search handed back still has an advisor, though nobody else of the chamber takes over files")
	}
	testkit.Eventually(t, 10*time.Second, "the chamber told, the search's reminders restarted", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications WHERE kind = 'takeover.search.reassigned' AND link = $1`, search) > 0 &&
			r.db.Count(t, `SELECT count(*) FROM advisor_desk.reminder_timers WHERE case_id = $1 AND status = 'pending'
				AND generation = 2 AND stage = 'escalation'`, searchID) == 1, nil
	})
	late := b.do(http.MethodPost, search+"/prise-en-charge", url.Values{"jeton": {b.formToken(after)}})
	if late.status != http.StatusForbidden || !strings.Contains(late.body, "Seul le conseiller à qui le dossier est attribué") {
		t.Errorf("take in charge after handing it back: %d\n%s", late.status, late.body)
	}
}
