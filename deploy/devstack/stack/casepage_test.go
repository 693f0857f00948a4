package stack_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ccicma/platform/pkg/testkit"

	advisordesk "github.com/ccicma/platform/services/advisor-desk/service"
)

// deskBrowser is a browser session of the web desk: a cookie jar, and
// redirects shown rather than followed.
type deskBrowser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newDeskBrowser(t *testing.T, base string) *deskBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &deskBrowser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *deskBrowser) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: html.UnescapeString(string(raw))}
}

var formTokenField = regexp.MustCompile(`name="jeton" value="([^"]+)"`)

// formToken is the first form token of a page.
func (b *deskBrowser) formToken(p page) string {
	b.t.Helper()
	m := formTokenField.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no form token in the page (%d):\n%s", p.status, p.body)
	}
	return m[1]
}

// signInDesk signs an advisor in through the web desk's form, with the
// demo password.
func signInDesk(t *testing.T, desk, advisor string) *deskBrowser {
	t.Helper()
	b := newDeskBrowser(t, desk)
	form := b.do(http.MethodGet, "/connexion", nil)
	got := b.do(http.MethodPost, "/connexion", url.Values{"identifiant": {advisor}, "mot_de_passe": {advisordesk.DemoPassword},
		"jeton": {b.formToken(form)}})
	if got.status != http.StatusSeeOther || got.header.Get("Location") != "/boite" {
		t.Fatalf("sign-in of %s: %d %q\n%s", advisor, got.status, got.header.Get("Location"), got.body)
	}
	return b
}

// TestCreationCasePageEndToEnd: the CMA advisor a bakery project went to
// follows the notification's link to the case page of the web desk, which
// reads the case in creation-support and the applicant in intake with the
// advisor's own token (the trace continues there); they hand it back as
// "not for me: the CCI's" through the page's form and see the
// confirmation, and creation-support moved the case. A CCI advisor
// opening the case before that gets a French 403 page and no personal
// data; a forged form changes nothing.
func TestCreationCasePageEndToEnd(t *testing.T) {
	r := startStack(t)
	desk, intake := r.st.URL("advisor-desk"), r.st.URL("intake")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	code, out := post(t, intake+"/api/v1/creation-requests", bakery, "e2e-casepage-0001")
	if code != http.StatusAccepted {
		t.Fatalf("POST answered %d: %v", code, out)
	}
	requestID, _ := out["request_id"].(string)
	var caseID, first string
	testkit.Eventually(t, 10*time.Second, "case opened with an advisor, who is notified", func() (bool, error) {
		caseID = r.db.Text(t, `SELECT case_id::text FROM creation_support.creation_cases WHERE request_id = $1 AND advisor_id IS NOT NULL`, requestID)
		first = r.db.Text(t, `SELECT advisor_id FROM creation_support.creation_cases WHERE request_id = $1`, requestID)
		return caseID != "" && r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications WHERE advisor_id = $1 AND link = $2`,
			first, "/dossiers/creation/"+caseID) == 1, nil
	})
	if !strings.HasPrefix(first, "cma-") {
		t.Fatalf("the bakery's case went to %q, want a CMA advisor", first)
	}
	link := "/dossiers/creation/" + caseID

	// Another chamber's advisor: refused by creation-support, in French.
	other := signInDesk(t, desk, "cci-91-002")
	refused := other.do(http.MethodGet, link, nil)
	if refused.status != http.StatusForbidden || !strings.Contains(refused.body, "Accès refusé") ||
		!strings.Contains(refused.body, "Ce dossier ne relève pas de votre chambre.") || strings.Contains(refused.body, "ines.moreau") {
		t.Fatalf("CCI advisor opens the CMA case: %d\n%s", refused.status, refused.body)
	}

	// The assigned advisor sees the case and the applicant.
	b := signInDesk(t, desk, first)
	p := b.do(http.MethodGet, link, nil)
	for _, want := range []string{"Dossier de création", "En attente de prise en charge", "CMA", "10.71C", "ines.moreau@example.fr",
		"Inès Moreau", "Prendre en charge", "Ce n'est pas pour moi", `value="wrong_chamber"`, "Chronologie du dossier", "Dossier ouvert."} {
		if !strings.Contains(p.body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	if p.status != http.StatusOK || p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("case page: %d, Cache-Control %q", p.status, p.header.Get("Cache-Control"))
	}
	// intake logged the read of the contact details, in the page's trace.
	traceID := r.db.Text(t, `SELECT trace_id FROM intake.audit_log WHERE resource_id = $1 AND actor_id = $2`, requestID, first)
	if !deskSpanIn(r.spans, traceID) {
		t.Errorf("intake's audit entry is in trace %q, which has no advisor-desk span: the trace context was not propagated", traceID)
	}

	// A forged form token changes nothing.
	forged := b.do(http.MethodPost, link+"/pas-pour-moi", url.Values{"motif": {"wrong_chamber"}, "jeton": {"forged"}})
	if forged.status != http.StatusForbidden || !strings.Contains(forged.body, "Demande refusée") {
		t.Fatalf("forged hand-back: %d\n%s", forged.status, forged.body)
	}
	// The form's own checks: a reason is required, the comment bounded.
	for _, form := range []url.Values{{"motif": {""}}, {"motif": {"absence"}}, {"motif": {"other"}, "commentaire": {strings.Repeat("é", 501)}}} {
		form.Set("jeton", b.formToken(p))
		bad := b.do(http.MethodPost, link+"/pas-pour-moi", form)
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Le formulaire contient des erreurs") {
			t.Errorf("hand-back %v: %d\n%s", form, bad.status, bad.body)
		}
	}
	// "Ce n'est pas pour moi", with the page's form.
	done := b.do(http.MethodPost, link+"/pas-pour-moi", url.Values{"motif": {"wrong_chamber"},
		"commentaire": {"Terminal de cuisson : plutôt commerce."}, "jeton": {b.formToken(p)}})
	if done.status != http.StatusSeeOther || done.header.Get("Location") != link+"?fait=rendu" {
		t.Fatalf("hand-back: %d %q\n%s", done.status, done.header.Get("Location"), done.body)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE case_id = $1 AND chamber = 'CCI' AND secondary_chamber = 'CMA'`, caseID); n != 1 {
		t.Fatalf("the case did not move to the CCI")
	}
	after := b.do(http.MethodGet, done.header.Get("Location"), nil)
	for _, want := range []string{"Le dossier a été rendu", "relève de l'autre chambre, transmis à l'autre chambre",
		"Terminal de cuisson : plutôt commerce.", "(suivi partagé avec la CMA)"} {
		if !strings.Contains(after.body, want) {
			t.Errorf("page after the hand-back lacks %q:\n%s", want, after.body)
		}
	}
	// The case is no longer theirs: creation-support refuses to let them
	// take it in charge, and the page says why.
	again := b.do(http.MethodPost, link+"/prise-en-charge", url.Values{"jeton": {b.formToken(after)}})
	if again.status != http.StatusForbidden || !strings.Contains(again.body, "Seul le conseiller à qui le dossier est attribué peut le faire.") {
		t.Errorf("take in charge after the hand-back: %d\n%s", again.status, again.body)
	}
	// The CCI advisor it went to takes it in charge from the page; then
	// it can no longer be handed back (409, said on the page).
	next := r.db.Text(t, `SELECT advisor_id FROM creation_support.creation_cases WHERE case_id = $1`, caseID)
	nb := signInDesk(t, desk, next)
	taken := nb.do(http.MethodPost, link+"/prise-en-charge", url.Values{"jeton": {nb.formToken(nb.do(http.MethodGet, link, nil))}})
	if taken.status != http.StatusSeeOther || taken.header.Get("Location") != link+"?fait=prise-en-charge" {
		t.Fatalf("take in charge: %d %q\n%s", taken.status, taken.header.Get("Location"), taken.body)
	}
	confirmed := nb.do(http.MethodGet, taken.header.Get("Location"), nil)
	if !strings.Contains(confirmed.body, "Vous avez pris ce dossier en charge.") || !strings.Contains(confirmed.body, "Pris en charge le") {
		t.Errorf("page after taking in charge:\n%s", confirmed.body)
	}
	late := nb.do(http.MethodPost, link+"/pas-pour-moi", url.Values{"motif": {"no_capacity"}, "jeton": {nb.formToken(confirmed)}})
	if late.status != http.StatusConflict || !strings.Contains(late.body, "Action impossible dans l'état du dossier") ||
		!strings.Contains(late.body, "déjà pris en charge") {
		t.Errorf("hand-back after taking in charge: %d\n%s", late.status, late.body)
	}
	// An id that names nothing, a page without a session.
	if nf := b.do(http.MethodGet, "/dossiers/creation/0190b3c4-0000-7000-8000-000000000000", nil); nf.status != http.StatusNotFound ||
		!strings.Contains(nf.body, "Dossier introuvable") {
		t.Errorf("unknown case: %d\n%s", nf.status, nf.body)
	}
	if anon := newDeskBrowser(t, desk).do(http.MethodGet, link, nil); anon.status != http.StatusSeeOther || anon.header.Get("Location") != "/connexion" {
		t.Errorf("case page without a session: %d %q", anon.status, anon.header.Get("Location"))
	}
}

// deskSpanIn tells whether advisor-desk recorded a span in the trace.
func deskSpanIn(rec *tracetest.SpanRecorder, traceID string) bool {
	for _, s := range rec.Ended() {
		if s.SpanContext().TraceID().String() != traceID {
			continue
		}
		for _, kv := range s.Resource().Attributes() {
			if kv.Key == "service.name" && kv.Value.AsString() == advisordesk.Name {
				return true
			}
		}
	}
	return false
}

// TestPreventionCasePageEndToEnd: the CCI's prevention advisor follows
// the notification of a difficulty case to its page, which difficulty-alert
// and intake both log as reads; the page is never cached. The CCI's
// manager, whom the rules keep out, gets a French 403 page.
func TestPreventionCasePageEndToEnd(t *testing.T) {
	r := startStack(t)
	desk, intake := r.st.URL("advisor-desk"), r.st.URL("intake")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM difficulty_alert.advisors`)
	code, out := post(t, intake+"/api/v1/difficulty-reports", shopInDifficulty, "e2e-casepage-0002")
	if code != http.StatusAccepted {
		t.Fatalf("POST answered %d: %v", code, out)
	}
	requestID, _ := out["request_id"].(string)
	var caseID string
	testkit.Eventually(t, 10*time.Second, "prevention case opened, its advisor notified", func() (bool, error) {
		caseID = r.db.Text(t, `SELECT case_id::text FROM difficulty_alert.difficulty_cases WHERE request_id = $1`, requestID)
		return caseID != "" && r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications WHERE advisor_id = 'cci-91-002' AND link = $1`,
			"/dossiers/prevention/"+caseID) == 1, nil
	})
	testkit.Eventually(t, 10*time.Second, "intake knows the assigned advisor", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM intake.requests WHERE request_id = $1 AND advisor_ids = '{cci-91-002}'`, requestID) == 1, nil
	})
	link := "/dossiers/prevention/" + caseID

	p := signInDesk(t, desk, "cci-91-002").do(http.MethodGet, link, nil)
	if p.status != http.StatusOK || p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("prevention page: %d, Cache-Control %q\n%s", p.status, p.header.Get("Cache-Control"), p.body)
	}
	for _, want := range []string{"Dossier de prévention", "chaque consultation est enregistrée", "Tensions de trésorerie",
		"Dettes sociales impayées", "Karim Benali (cci-91-002)", "47.71Z", "marc.lefevre@example.fr", "Marc Lefèvre"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("prevention page lacks %q", want)
		}
	}
	for _, q := range []string{
		`SELECT count(*) FROM difficulty_alert.audit_log WHERE resource_id = $1 AND actor_id = 'cci-91-002'`,
		`SELECT count(*) FROM intake.audit_log WHERE resource_id = $1 AND actor_id = 'cci-91-002'`,
	} {
		id := caseID
		if strings.Contains(q, "intake.") {
			id = requestID
		}
		if n := r.db.Count(t, q, id); n != 1 {
			t.Errorf("%s: %d reads logged, want 1", q, n)
		}
	}

	// Once difficulty-alert has the self report's signal (intake names
	// the business with it), the page shows the business's score, its
	// explanation and the signal, never its SIREN.
	testkit.Eventually(t, 10*time.Second, "the self report's signal scored", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM difficulty_alert.signals s JOIN difficulty_alert.businesses b USING (siren)
			WHERE s.source = 'self_report' AND s.source_ref = $1 AND b.scored_at > '-infinity'`, requestID) == 1, nil
	})
	scored := signInDesk(t, desk, "cci-91-002").do(http.MethodGet, link, nil)
	for _, want := range []string{"Score et signaux", "Explication du score", "Autodiagnostic du dirigeant", "Total : "} {
		if !strings.Contains(scored.body, want) {
			t.Errorf("prevention page with its business's score lacks %q", want)
		}
	}
	if strings.Contains(scored.body, "552100554") {
		t.Error("the prevention page shows the SIREN")
	}
	// A BODACC judgment the cell imports: the page shows the court state
	// apart and the judgment among the signals; the cell follows the
	// link to the business's page (by number), and finds the business
	// in its list with a link to this case.
	judged := time.Now().UTC().AddDate(0, 0, -5)
	notice := fmt.Sprintf(`[{"id": "A202609909001", "publicationavis": "A", "parution": "20260990", "dateparution": %q, "numeroannonce": 9001,
		"typeavis": "annonce", "familleavis": "collective", "numerodepartement": "91", "tribunal": "TRIBUNAL DE COMMERCE D'EVRY",
		"registre": ["552 100 554", "552100554"], "jugement": "{\"type\": \"initial\", \"famille\": \"Jugement d'ouverture\", \"nature\": \"Jugement d'ouverture d'une procédure de redressement judiciaire\", \"date\": \"%s\"}"}]`,
		judged.Format(time.DateOnly), judged.Format(time.DateOnly))
	if imp := testkit.Call(t, http.MethodPost, r.st.URL("difficulty-alert")+"/api/v1/bodacc-imports", signIn(t, desk, "cci-91-002"), notice); imp.Status != http.StatusOK {
		t.Fatalf("BODACC import: %d %s", imp.Status, imp.Body)
	}
	cell := signInDesk(t, desk, "cci-91-002")
	judgedPage := cell.do(http.MethodGet, link, nil)
	for _, want := range []string{"Redressement judiciaire depuis le", "Jugement publié au BODACC", "Décisions de justice"} {
		if !strings.Contains(judgedPage.body, want) {
			t.Errorf("prevention page after the judgment lacks %q", want)
		}
	}
	businessLink := regexp.MustCompile(`href="(/prevention/entreprises/[0-9a-f-]{36})"`).FindStringSubmatch(judgedPage.body)
	if businessLink == nil {
		t.Fatalf("no link to the business's page:\n%s", judgedPage.body)
	}
	if bp := cell.do(http.MethodGet, businessLink[1], nil); bp.status != http.StatusOK || !strings.Contains(bp.body, "Redressement judiciaire depuis le") ||
		strings.Contains(bp.body, "552100554") {
		t.Errorf("the business's page: %d\n%s", bp.status, bp.body)
	}
	if list := cell.do(http.MethodGet, "/prevention/entreprises", nil); list.status != http.StatusOK ||
		!strings.Contains(list.body, `href="`+businessLink[1]+`"`) || strings.Contains(list.body, "552100554") {
		t.Errorf("the cell's list: %d\n%s", list.status, list.body)
	}
	if list := signInDesk(t, desk, "cci-91-001").do(http.MethodGet, "/prevention/entreprises", nil); list.status != http.StatusForbidden {
		t.Errorf("the manager reads the cell's list: %d", list.status)
	}

	refused := signInDesk(t, desk, "cci-91-001").do(http.MethodGet, link, nil)
	if refused.status != http.StatusForbidden || !strings.Contains(refused.body, "Accès refusé") ||
		!strings.Contains(refused.body, "vous n'y avez pas accès") || strings.Contains(refused.body, "marc.lefevre") {
		t.Errorf("the manager opens the prevention case: %d\n%s", refused.status, refused.body)
	}
	// The manager cannot act on it either, even with a valid form.
	mb := signInDesk(t, desk, "cci-91-001")
	if took := mb.do(http.MethodPost, link+"/prise-en-charge", url.Values{"jeton": {mb.formToken(mb.do(http.MethodGet, "/boite", nil))}}); took.status != http.StatusForbidden {
		t.Errorf("the manager takes the prevention case in charge: %d\n%s", took.status, took.body)
	}

	// The lifecycle through the page's forms: take in charge, an action
	// (refused before, with its errors on the fields), then close.
	b := signInDesk(t, desk, "cci-91-002")
	step := func(path string, form url.Values, status int, location string) page {
		t.Helper()
		form.Set("jeton", b.formToken(b.do(http.MethodGet, link, nil)))
		got := b.do(http.MethodPost, link+path, form)
		if got.status != status || (location != "" && got.header.Get("Location") != link+location) {
			t.Fatalf("%s %v: %d %q\n%s", path, form, got.status, got.header.Get("Location"), got.body)
		}
		return got
	}
	step("/prise-en-charge", url.Values{}, http.StatusSeeOther, "?fait=prise-en-charge")
	if taken := b.do(http.MethodGet, link+"?fait=prise-en-charge", nil); !strings.Contains(taken.body, "Le dossier est pris en charge.") ||
		!strings.Contains(taken.body, "Enregistrer une action") || strings.Contains(taken.body, "Prendre en charge</button>") {
		t.Errorf("page after taking in charge:\n%s", taken.body)
	}
	step("/prise-en-charge", url.Values{}, http.StatusConflict, "")
	bad := step("/actions", url.Values{"type-action": {"referral_ccsf"}, "date-action": {"2099-01-01"}, "resultat-action": {"follow_up"}},
		http.StatusUnprocessableEntity, "")
	if !strings.Contains(bad.body, `href="#date-action"`) || !strings.Contains(bad.body, `value="2099-01-01"`) {
		t.Errorf("an action in the future: the page does not say so on its field:\n%s", bad.body)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	step("/actions", url.Values{"type-action": {"referral_ccsf"}, "date-action": {today}, "resultat-action": {"follow_up"},
		"compte-rendu": {"Plan d'apurement demandé à l'URSSAF."}}, http.StatusSeeOther, "?fait=action")
	step("/cloture", url.Values{"motif-cloture": {"recovered"}}, http.StatusSeeOther, "?fait=cloture")
	closed := b.do(http.MethodGet, link+"?fait=cloture", nil)
	for _, want := range []string{"Le dossier est clos.", "Entreprise redressée", "Orientation vers la CCSF (dettes fiscales et sociales)",
		"Plan d'apurement demandé à l'URSSAF."} {
		if !strings.Contains(closed.body, want) {
			t.Errorf("the closed case's page lacks %q", want)
		}
	}
	step("/actions", url.Values{"type-action": {"call"}, "date-action": {today}, "resultat-action": {"done"}}, http.StatusConflict, "")
	if n := r.db.Count(t, `SELECT count(*) FROM difficulty_alert.audit_log WHERE resource_id = $1 AND action IN ('take_in_charge', 'record_action', 'close')`, caseID); n != 3 {
		t.Errorf("%d changes audited, want 3", n)
	}
}

// bakeryVetting is the file and teaser the bakery's advisor vets.
const bakeryVetting = `{"file":{"owner":"Gérant depuis 1998","business":"Boulangerie","customers":"Locale","equipment":"Four",
	"staff":"3 vendeuses","results":"Stables","reason_for_sale":"Départ","revenue":450000,"gross_operating_profit":100000,
	"headcount":4,"price":280000},"teaser":{"sector_level":"class","place_level":"departement","revenue_band":"300k_1m",
	"gross_operating_profit_band":"75k_150k","headcount_band":"3_5","price_band":"100k_300k","deal_types":["fonds","murs"],"timeline":"6m_12m"}}`

// TestTakeoverPagesEndToEnd: a bakery for sale, vetted by its advisor,
// and a buyer looking for one meet; the offer's advisor follows the match's notification to its
// page, and from there to the offer and the search, each read in
// takeover-matching with their own token.
func TestTakeoverPagesEndToEnd(t *testing.T) {
	r := startStack(t)
	desk, intake := r.st.URL("advisor-desk"), r.st.URL("intake")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM takeover_matching.advisors`)
	for i, x := range []struct{ path, body string }{{"/api/v1/takeover-offers", bakeryForSale}, {"/api/v1/buyer-searches", bakeryBuyer}} {
		if code, out := post(t, intake+x.path, x.body, fmt.Sprintf("e2e-casepage-100%d", i)); code != http.StatusAccepted {
			t.Fatalf("POST %s answered %d: %v", x.path, code, out)
		}
	}
	// The offer's advisor vets it: published, it meets the buyer.
	var seller string
	testkit.Eventually(t, 10*time.Second, "offer registered with an advisor", func() (bool, error) {
		seller = r.db.Text(t, `SELECT coalesce(min(advisor_id), '') FROM takeover_matching.takeover_offers`)
		return seller != "", nil
	})
	unvetted := r.db.Text(t, `SELECT offer_id::text FROM takeover_matching.takeover_offers`)
	if code, out := call(t, http.MethodPost, r.st.URL("takeover-matching")+"/api/v1/takeover-offers/"+unvetted+"/vetting",
		signIn(t, desk, seller), bakeryVetting); code != http.StatusOK || out["status"] != "published" {
		t.Fatalf("vetting the offer answered %d: %v", code, out)
	}
	var matchID, offerID, searchID, advisor string
	testkit.Eventually(t, 10*time.Second, "match proposed, the offer's advisor notified", func() (bool, error) {
		matchID = r.db.Text(t, `SELECT match_id::text FROM takeover_matching.takeover_matches`)
		offerID = r.db.Text(t, `SELECT offer_id::text FROM takeover_matching.takeover_matches`)
		searchID = r.db.Text(t, `SELECT search_id::text FROM takeover_matching.takeover_matches`)
		advisor = r.db.Text(t, `SELECT coalesce(offer_advisor_id, '') FROM takeover_matching.takeover_matches`)
		return matchID != "" && advisor != "" && r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications WHERE advisor_id = $1 AND link = $2`,
			advisor, "/dossiers/reprise/mises-en-relation/"+matchID) == 1, nil
	})
	b := signInDesk(t, desk, advisor)
	for _, x := range []struct {
		path string
		want []string
	}{
		{"/dossiers/reprise/mises-en-relation/" + matchID, []string{"<h1>Mise en relation</h1>", "/100",
			`href="/dossiers/reprise/offres/` + offerID + `"`, `href="/dossiers/reprise/recherches/` + searchID + `"`, "Prix demandé",
			`<dd id="explication">même activité (10.71C)`}},
		{"/dossiers/reprise/offres/" + offerID, []string{"Entreprise à céder", "10.71C", "280\u202f000\u00a0€", "Autre raison",
			"De 300 000 € à 1 million d'euros", "Les murs (locaux)", `<dd id="statut-annonce">Publiée`}},
		{"/dossiers/reprise/recherches/" + searchID, []string{"Recherche de repreneur", "Dans 12 à 24 mois",
			"Expérience salariée dans le secteur recherché", `<dd id="statut-recherche">Ouverte</dd>`}},
	} {
		p := b.do(http.MethodGet, x.path, nil)
		if p.status != http.StatusOK {
			t.Errorf("%s: %d\n%s", x.path, p.status, p.body)
			continue
		}
		for _, w := range x.want {
			if !strings.Contains(p.body, w) {
				t.Errorf("%s lacks %q", x.path, w)
			}
		}
	}
	// Both sides are the CMA's (a bakery): a CCI advisor is refused, in
	// French, and learns nothing of the business.
	if oc, sc := r.db.Text(t, `SELECT offer_chamber FROM takeover_matching.takeover_matches`),
		r.db.Text(t, `SELECT search_chamber FROM takeover_matching.takeover_matches`); oc != "CMA" || sc != "CMA" {
		t.Fatalf("the match's chambers are %s and %s, want the CMA's both", oc, sc)
	}
	other := signInDesk(t, desk, "cci-91-002")
	for _, path := range []string{"/dossiers/reprise/mises-en-relation/" + matchID, "/dossiers/reprise/offres/" + offerID} {
		if p := other.do(http.MethodGet, path, nil); p.status != http.StatusForbidden || !strings.Contains(p.body, "Accès refusé") ||
			!strings.Contains(p.body, "n'appartient pas à votre chambre") || strings.Contains(p.body, "280") {
			t.Errorf("CCI advisor, %s: %d\n%s", path, p.status, p.body)
		}
	}
	if p := b.do(http.MethodGet, "/dossiers/reprise/mises-en-relation/0190b3c4-0000-7000-8000-000000000000", nil); p.status != http.StatusNotFound {
		t.Errorf("unknown match: %d", p.status)
	}
	buyer := r.db.Text(t, `SELECT coalesce(search_advisor_id, '') FROM takeover_matching.takeover_matches`)
	introduceThroughTheDesk(t, matchID, b, signInDesk(t, desk, buyer), other, advisor, buyer)
}

// introduceThroughTheDesk: the seller's and the buyer's advisors take
// the introduction's steps through the match page's forms, up to the
// introduction; the page says the stage and who did what, and until then
// that the offer is a teaser. A step out of turn, an incomplete form and
// another chamber's advisor are refused on the page, in French.
func introduceThroughTheDesk(t *testing.T, matchID string, seller, buyer, outsider *deskBrowser, sellerID, buyerID string) {
	t.Helper()
	link := "/dossiers/reprise/mises-en-relation/" + matchID
	step := func(b *deskBrowser, slug string, form url.Values) page {
		t.Helper()
		if form == nil {
			form = url.Values{}
		}
		form.Set("jeton", b.formToken(b.do(http.MethodGet, "/boite", nil)))
		return b.do(http.MethodPost, link+"/"+slug, form)
	}
	take := func(b *deskBrowser, slug string, form url.Values, stage string) page {
		t.Helper()
		if got := step(b, slug, form); got.status != http.StatusSeeOther || got.header.Get("Location") != link+"?fait="+slug {
			t.Fatalf("%s: %d %q\n%s", slug, got.status, got.header.Get("Location"), got.body)
		}
		p := b.do(http.MethodGet, link+"?fait="+slug, nil)
		if !strings.Contains(p.body, `<dd id="etape-mise-en-relation">`+stage) || !strings.Contains(p.body, `role="status"`) {
			t.Errorf("after %s the page does not say %q, or no confirmation:\n%s", slug, stage, p.body)
		}
		return p
	}
	first := seller.do(http.MethodGet, link, nil)
	for _, want := range []string{`<dd id="etape-mise-en-relation">Proposée`, "Aucune étape franchie", `id="avant-mise-en-relation"`,
		`action="` + link + `/examen"`, "J'ai examiné cette proposition", `<option value="price">Pas d'accord sur le prix</option>`} {
		if !strings.Contains(first.body, want) {
			t.Errorf("the proposed match's page lacks %q", want)
		}
	}
	// Out of turn, incomplete, or not theirs: refused on the page.
	if p := step(seller, "negociation", nil); p.status != http.StatusConflict || !strings.Contains(p.body, "Étape impossible à ce stade") ||
		!strings.Contains(p.body, `id="erreur-action"`) || !strings.Contains(p.body, `id="etape-mise-en-relation"`) {
		t.Errorf("negotiating a proposed match: %d\n%s", p.status, p.body)
	}
	if p := step(outsider, "examen", nil); p.status != http.StatusForbidden ||
		!strings.Contains(p.body, "Cette étape revient à un conseiller de l'autre partie") || strings.Contains(p.body, "280") {
		t.Errorf("another chamber's advisor reviews the match: %d\n%s", p.status, p.body)
	}
	if p := step(seller, "fin", url.Values{"motif-fin": {""}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, `<a href="#motif-fin">`) || !strings.Contains(p.body, `aria-describedby="motif-fin-erreur"`) {
		t.Errorf("dropping without a reason: %d\n%s", p.status, p.body)
	}

	take(seller, "examen", nil, "Proposée")
	p := take(buyer, "examen", nil, "Examinée par les deux parties")
	for _, want := range []string{"<td>Cédant</td>", "<td>Repreneur</td>", "(" + sellerID + ")</td>", "(" + buyerID + ")</td>",
		"<td>Examen de la proposition</td>", "Votre examen de la proposition est enregistré."} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the reviewed match's page lacks %q", want)
		}
	}
	take(buyer, "interet", nil, "Repreneur intéressé")
	if p := step(buyer, "engagement", url.Values{"version-engagement": {""}, "date-engagement": {"2026-01-15"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, `<a href="#version-engagement">`) || !strings.Contains(p.body, `value="2026-01-15"`) {
		t.Errorf("an undertaking without its version: %d\n%s", p.status, p.body)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	p = take(buyer, "engagement", url.Values{"version-engagement": {"2026-01"}, "date-engagement": {today}}, "Repreneur intéressé")
	if !strings.Contains(p.body, `id="avant-mise-en-relation"`) {
		t.Error("before the seller's approval, the page no longer says the offer is a teaser")
	}
	p = take(seller, "accord", nil, "Mise en relation faite")
	for _, want := range []string{"<td>Intérêt du repreneur</td>", "<td>Engagement de confidentialité signé par le repreneur</td>",
		"<td>Accord du cédant pour la mise en relation</td>", "version 2026-01, signé le " + today, `action="` + link + `/negociation"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the introduced match's page lacks %q", want)
		}
	}
	if strings.Contains(p.body, `id="avant-mise-en-relation"`) {
		t.Error("once introduced, the page still says the offer is a teaser")
	}
}

const bakeryForSale = `{
  "applicant": {"first_name": "Marc", "last_name": "Lefèvre", "email": "marc.lefevre@example.fr", "phone": "01 23 45 67 89"},
  "business": {"siret": "443 061 841 00047", "naf_code": "1071C", "postcode": "91000", "headcount": 4,
               "revenue_band": "300k_1m", "gross_operating_profit_band": "75k_150k", "legal_form": "SARL", "crafts_registered": "yes"},
  "offer": {"asking_price": 280000, "deal_types": ["murs", "fonds"], "reason": "other",
            "reason_details": "Je rejoins ma fille à Lyon", "timeline": "6m_12m", "confidential": false}
}`

const bakeryBuyer = `{
  "applicant": {"first_name": "Ana", "last_name": "Costa", "email": "ana.costa@example.fr", "phone": "06 98 76 54 32"},
  "search": {"sectors": ["1071C"], "areas": {"communes": ["91228"], "departements": ["91"]},
             "mobility": "local", "budget": 412345, "personal_contribution": 81234, "headcount_min": 0, "headcount_max": 10,
             "deal_types": ["fonds"], "timeline": "12m_24m", "experience": "sector"}
}`
