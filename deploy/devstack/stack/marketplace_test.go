package stack_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// vettingForm is the offer page's vetting form, complete, as the offer's
// advisor fills it: the teaser shows the group of the business's NAF code
// and its département.
func vettingForm(token string) url.Values {
	return url.Values{"jeton": {token}, "dossier-cedant": {"Gérant depuis 1998, part à Lyon"},
		"dossier-activite": {"Boulangerie de centre-ville"}, "dossier-clientele": {"Locale et fidèle"},
		"dossier-materiel": {"Four de 2019"}, "dossier-personnel": {"3 vendeuses"}, "dossier-resultats": {"Stables"},
		"dossier-motif": {"Départ"}, "dossier-ca": {"450 000"}, "dossier-ebe": {"100000"}, "dossier-effectif": {"4"},
		"dossier-prix": {"280 000 €"}, "vitrine-activite": {"group"}, "vitrine-lieu": {"departement"},
		"vitrine-ca": {"300k_1m"}, "vitrine-ebe": {"75k_150k"}, "vitrine-effectif": {"3_5"}, "vitrine-prix": {"100k_300k"},
		"vitrine-cession": {"fonds", "murs"}, "vitrine-calendrier": {"6m_12m"}}
}

// TestTakeoverMarketplaceEndToEnd: a bakery for sale is vetted through
// its page's form by its advisor (another advisor of the chamber is
// refused, an empty field is said next to it), and its listing appears on
// the marketplace, which the filters narrow; a CCI advisor sees it there
// as its teaser only, with nothing that identifies the seller. Its
// advisor pauses it (it leaves the marketplace); a buyer's search is
// renewed and paused from its page, a move its life refuses is said.
func TestTakeoverMarketplaceEndToEnd(t *testing.T) {
	r := startStack(t)
	desk, intake := r.st.URL("advisor-desk"), r.st.URL("intake")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM takeover_matching.advisors`)
	if code, out := post(t, intake+"/api/v1/takeover-offers", bakeryForSale, "e2e-market-1"); code != http.StatusAccepted {
		t.Fatalf("POST offer answered %d: %v", code, out)
	}
	var seller, offerID string
	testkit.Eventually(t, 10*time.Second, "offer registered with an advisor", func() (bool, error) {
		seller = r.db.Text(t, `SELECT coalesce(min(advisor_id), '') FROM takeover_matching.takeover_offers`)
		return seller != "", nil
	})
	offerID = r.db.Text(t, `SELECT offer_id::text FROM takeover_matching.takeover_offers`)
	link := "/dossiers/reprise/offres/" + offerID
	b := signInDesk(t, desk, seller)
	first := b.do(http.MethodGet, link, nil)
	if first.status != http.StatusOK || !strings.Contains(first.body, `id="form-examen"`) ||
		!strings.Contains(first.body, "Groupe : Fabrication de produits de boulangerie-pâtisserie et de pâtes alimentaires (10.7)") ||
		!strings.Contains(first.body, "Le département : Essonne (91)") {
		t.Fatalf("the offer's advisor gets no vetting form: %d\n%s", first.status, first.body)
	}

	// Another advisor of the chamber sees no form, and a forged one is
	// refused on the page.
	wrong := "cma-91-002"
	if seller == wrong {
		wrong = "cma-91-001"
	}
	other := signInDesk(t, desk, wrong)
	if p := other.do(http.MethodGet, link, nil); p.status != http.StatusOK || strings.Contains(p.body, `id="form-examen"`) {
		t.Errorf("another advisor of the chamber: %d, vetting form shown: %v", p.status, strings.Contains(p.body, `id="form-examen"`))
	}
	if p := other.do(http.MethodPost, link+"/publication", vettingForm(other.formToken(other.do(http.MethodGet, "/boite", nil)))); p.status != http.StatusForbidden ||
		!strings.Contains(p.body, "Action refusée") || !strings.Contains(p.body, `role="alert"`) {
		t.Errorf("vetting by another advisor: %d\n%s", p.status, p.body)
	}

	// An empty field is said next to it; the rest of the form is kept.
	token := b.formToken(first)
	bad := vettingForm(token)
	bad.Set("dossier-cedant", " ")
	if p := b.do(http.MethodPost, link+"/publication", bad); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, `id="dossier-cedant-erreur"`) || !strings.Contains(p.body, `<a href="#dossier-cedant">`) ||
		!strings.Contains(p.body, "Boulangerie de centre-ville") || !strings.HasPrefix(strings.TrimSpace(strings.SplitN(strings.SplitN(p.body, "<title>", 2)[1], "</title>", 2)[0]), "Erreur") {
		t.Errorf("an empty owner: %d\n%s", p.status, p.body)
	}
	if st := r.db.Text(t, `SELECT status FROM takeover_matching.takeover_offers`); st != "submitted" {
		t.Fatalf("the refused vettings changed the offer: %s", st)
	}
	if p := b.do(http.MethodPost, link+"/publication", vettingForm(token)); p.status != http.StatusSeeOther || p.header.Get("Location") != link+"?fait=publication" {
		t.Fatalf("vetting: %d %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if p := b.do(http.MethodGet, link+"?fait=publication", nil); !strings.Contains(p.body, `<dd id="statut-annonce">Publiée`) ||
		!strings.Contains(p.body, "son annonce est publiée") || strings.Contains(p.body, `id="form-examen"`) ||
		!strings.Contains(p.body, "L'annonce publiée") || !strings.Contains(p.body, "<dd>Gérant depuis 1998, part à Lyon</dd>") ||
		!strings.Contains(p.body, "<dd>Les murs (locaux) ; Le fonds (de commerce ou artisanal)</dd>") && !strings.Contains(p.body, "<dd>Le fonds (de commerce ou artisanal) ; Les murs (locaux)</dd>") ||
		!strings.Contains(p.body, "À examiner par son conseiller → Publiée") {
		t.Errorf("after the vetting, the page lacks the listing, the file or the history:\n%s", p.body)
	}

	// The marketplace: the seller's advisor finds the listing, linked.
	if p := b.do(http.MethodGet, "/dossiers/reprise/annonces", nil); p.status != http.StatusOK || !strings.Contains(p.body, `href="`+link+`"`) ||
		!strings.Contains(p.body, `href="/dossiers/reprise/annonces"`) {
		t.Errorf("the seller's marketplace: %d\n%s", p.status, p.body)
	}
	// A CCI advisor sees its teaser, in words, and nothing that
	// identifies the seller; the filters narrow the list.
	cci := signInDesk(t, desk, "cci-91-001")
	for _, x := range []struct {
		query string
		found bool
	}{{"", true}, {"?secteur=10", true}, {"?secteur=C&departement=91&cession=murs&tranche=100k_300k&chambre=CMA", true},
		{"?secteur=47", false}, {"?secteur=10.71", false}, {"?departement=75", false}, {"?tranche=1m_3m", false}, {"?chambre=CCI", false}} {
		p := cci.do(http.MethodGet, "/dossiers/reprise/annonces"+x.query, nil)
		if p.status != http.StatusOK {
			t.Errorf("marketplace%s: %d\n%s", x.query, p.status, p.body)
			continue
		}
		if got := strings.Contains(p.body, "Présentation anonyme"); got != x.found {
			t.Errorf("marketplace%s lists the bakery: %v, want %v", x.query, got, x.found)
		}
		for _, secret := range []string{"443 061 841", "44306184100047", "Évry", "Lefèvre", "lefevre", "Je rejoins", "Gérant depuis",
			"280\u202f000", "280000", link} {
			if strings.Contains(p.body, secret) {
				t.Errorf("marketplace%s shows the CCI advisor %q", x.query, secret)
			}
		}
		if x.query == "" && (!strings.Contains(p.body, "Fabrication de produits de boulangerie-pâtisserie et de pâtes alimentaires (10.7)") ||
			!strings.Contains(p.body, "Essonne (91)") || !strings.Contains(p.body, "De 3 à 5 salariés")) {
			t.Errorf("the teaser is not in words:\n%s", p.body)
		}
	}
	if p := cci.do(http.MethodGet, "/dossiers/reprise/annonces?departement=20", nil); p.status != http.StatusBadRequest ||
		!strings.Contains(p.body, `id="departement-erreur"`) {
		t.Errorf("a bad département: %d\n%s", p.status, p.body)
	}

	// The seller's advisor pauses the listing: it leaves the marketplace.
	if p := b.do(http.MethodPost, link+"/statut", url.Values{"jeton": {token}, "statut": {"paused"}, "motif-statut": {"Négociation"}}); p.status != http.StatusSeeOther {
		t.Fatalf("pause: %d\n%s", p.status, p.body)
	}
	if p := b.do(http.MethodGet, link+"?fait=statut", nil); !strings.Contains(p.body, `<dd id="statut-annonce">En pause`) ||
		!strings.Contains(p.body, "Republier l'annonce") {
		t.Errorf("after the pause:\n%s", p.body)
	}
	if p := cci.do(http.MethodGet, "/dossiers/reprise/annonces", nil); strings.Contains(p.body, "Présentation anonyme") {
		t.Error("a paused listing stays on the marketplace")
	}

	// A buyer's search: renewed and paused from its page; a move its life
	// refuses is said on the page.
	if code, out := post(t, intake+"/api/v1/buyer-searches", bakeryBuyer, "e2e-market-2"); code != http.StatusAccepted {
		t.Fatalf("POST search answered %d: %v", code, out)
	}
	var searchID, buyer string
	testkit.Eventually(t, 10*time.Second, "search registered with an advisor", func() (bool, error) {
		buyer = r.db.Text(t, `SELECT coalesce(min(advisor_id), '') FROM takeover_matching.buyer_searches`)
		return buyer != "", nil
	})
	searchID = r.db.Text(t, `SELECT search_id::text FROM takeover_matching.buyer_searches`)
	sb := signInDesk(t, desk, buyer)
	searchLink := "/dossiers/reprise/recherches/" + searchID
	if p := sb.do(http.MethodGet, "/dossiers/reprise/recherches?secteur=10", nil); !strings.Contains(p.body, `href="`+searchLink+`"`) {
		t.Errorf("the searches' marketplace lacks the buyer:\n%s", p.body)
	}
	if p := sb.do(http.MethodGet, "/dossiers/reprise/recherches?secteur=47", nil); strings.Contains(p.body, searchLink) {
		t.Error("a filter on another sector keeps the buyer")
	}
	sp := sb.do(http.MethodGet, searchLink, nil)
	stoken := sb.formToken(sp)
	if !strings.Contains(sp.body, `id="form-renouvellement"`) {
		t.Fatalf("no renewal form:\n%s", sp.body)
	}
	for _, x := range []struct {
		path string
		form url.Values
		fait string
	}{{"/renouvellement", url.Values{}, "renouvellement"}, {"/statut", url.Values{"statut": {"paused"}}, "statut"}} {
		x.form.Set("jeton", stoken)
		if p := sb.do(http.MethodPost, searchLink+x.path, x.form); p.status != http.StatusSeeOther || p.header.Get("Location") != searchLink+"?fait="+x.fait {
			t.Fatalf("%s: %d %q\n%s", x.path, p.status, p.header.Get("Location"), p.body)
		}
	}
	if p := sb.do(http.MethodGet, searchLink, nil); !strings.Contains(p.body, `<dd id="statut-recherche">En pause</dd>`) ||
		!strings.Contains(p.body, "<dd>Essonne (91)</dd>") || !strings.Contains(p.body, "Ouverte → En pause") {
		t.Errorf("after the pause:\n%s", p.body)
	}
	if p := sb.do(http.MethodPost, searchLink+"/statut", url.Values{"jeton": {stoken}, "statut": {"expired"}}); p.status != http.StatusConflict ||
		!strings.Contains(p.body, "Changement de statut impossible") {
		t.Errorf("a move the search's life refuses: %d\n%s", p.status, p.body)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM takeover_matching.takeover_status_changes WHERE search_id = $1`, searchID); n != 1 {
		t.Errorf("%d status changes of the search, want the pause", n)
	}
}
