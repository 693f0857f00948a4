package web

import (
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// listingSite is a site that names codes with the reference data.
func listingSite(t *testing.T) *site {
	t.Helper()
	ref, err := refdata.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &site{Routes: Routes{Log: slog.New(slog.DiscardHandler), Places: ref}, pages: parsePages(newStatic())}
}

// renderPage renders a page with its data and returns its text.
func renderPage(t *testing.T, s *site, page string, main any) string {
	t.Helper()
	w := httptest.NewRecorder()
	s.render(w, httptest.NewRequest(http.MethodGet, "/", nil), http.StatusOK, page, layout{Title: page, Signed: true, Main: main})
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d", page, w.Code)
	}
	return html.UnescapeString(w.Body.String())
}

var (
	sellerAdvisor = auth.Principal{Subject: "cma-91-003", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	otherAdvisor  = auth.Principal{Subject: "cma-91-004", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	cciAdvisor    = auth.Principal{Subject: "cci-91-002", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}
	submitted     = peers.Offer{View: "full", OfferID: "0190b3c4-0000-7000-8000-000000000001", Chamber: "CMA",
		AdvisorID: "cma-91-003", NAFCode: "10.71C", Departement: "91", CommuneCode: "91228", EPCI: "200059228",
		SIRET: "35600000000048", Status: "submitted", DealTypes: []string{"fonds"}, Timeline: "6m_12m", AskingPrice: 280000}
)

// The vetting form reads whole amounts as typed, and names the field of
// one that is not; every field takeover-matching names leads to a field
// of the form.
func TestReadVetting(t *testing.T) {
	form := url.Values{"dossier-cedant": {"Gérant"}, "dossier-ca": {"450 000 €"}, "dossier-ebe": {"-12000"},
		"dossier-effectif": {"4"}, "dossier-prix": {"280\u202f000"}, "vitrine-cession": {"fonds", "murs"},
		"vitrine-activite": {"group"}, "vitrine-lieu": {"departement"}}
	sent, v, bad := readVetting(form)
	if len(bad) > 0 || v.File.Revenue != 450000 || v.File.Profit != -12000 || v.File.Headcount != 4 || v.File.Price != 280000 ||
		!slices.Equal(v.Teaser.DealTypes, []string{"fonds", "murs"}) || v.Teaser.SectorLevel != "group" || !sent.Has("murs") {
		t.Errorf("vetting %+v, errors %v", v, bad)
	}
	_, _, bad = readVetting(url.Values{"dossier-ca": {"beaucoup"}, "dossier-ebe": {"0"}, "dossier-effectif": {"4,5"}, "dossier-prix": {"1"}})
	if got := fieldsOf(bad); !slices.Equal(got, []string{"dossier-ca", "dossier-effectif"}) {
		t.Errorf("errors on %v", got)
	}

	s := listingSite(t)
	l := s.offerListing(t.Context(), caseRequest{p: sellerAdvisor, formToken: "jeton"}, submitted, listingForms{})
	page := renderPage(t, s, "offer", offerView{Offer: submitted, Listing: l})
	for name := range vettingFields {
		got := pageFields([]peers.FieldError{{Field: name}})[0].Field
		if got == "" || !strings.Contains(page, `id="`+got+`"`) {
			t.Errorf("takeover-matching's %q names no field of the form (%q)", name, got)
		}
	}
	if got := pageFields([]peers.FieldError{{Field: "teaser.deal_types[1]"}, {Field: "to"}}); got[0].Field != "vitrine-cession" || got[1].Field != "statut" {
		t.Errorf("fields %v", got)
	}
}

// The vetting form is the offer's advisor's (or a manager's), on a
// submitted offer of their chamber; its sector and place are offered at
// each level in words. Status changes follow the listing's life; another
// chamber, or a teaser, gets no form.
func TestOfferListingForms(t *testing.T) {
	s := listingSite(t)
	l := s.offerListing(t.Context(), caseRequest{p: sellerAdvisor, formToken: "jeton"}, submitted, listingForms{})
	if !l.Vet || l.VetURL != "/dossiers/reprise/offres/"+submitted.OfferID+"/publication" || l.Vetted.Price != "280000" ||
		len(l.Moves) != 1 || l.Moves[0].Code != "withdrawn" {
		t.Fatalf("forms %+v", l)
	}
	page := renderPage(t, s, "offer", offerView{Offer: submitted, Listing: l})
	for _, want := range []string{"Publier l'annonce", "Sous-classe : Boulangerie et boulangerie-pâtisserie (10.71C)",
		"Section : Industrie manufacturière (section C)", "Le département : Essonne (91)", "La commune : Évry-Courcouronnes",
		`name="jeton" value="jeton"`, "Retirer l'offre"} {
		if !strings.Contains(page, want) {
			t.Errorf("the offer page lacks %q", want)
		}
	}
	if l := s.offerListing(t.Context(), caseRequest{p: otherAdvisor}, submitted, listingForms{}); l.Vet || len(l.Moves) != 1 {
		t.Errorf("another advisor of the chamber: %+v", l)
	}
	published := submitted
	published.Status = "published"
	if l := s.offerListing(t.Context(), caseRequest{p: sellerAdvisor}, published, listingForms{}); l.Vet || len(l.Moves) != 3 {
		t.Errorf("a published listing: %+v", l)
	}
	if l := s.offerListing(t.Context(), caseRequest{p: cciAdvisor}, published, listingForms{}); l.Vet || l.Moves != nil {
		t.Errorf("another chamber: %+v", l)
	}
	teaser := peers.Offer{View: "teaser", OfferID: submitted.OfferID, NAFCode: "10.71", Departement: "91", Status: "published"}
	if l := s.offerListing(t.Context(), caseRequest{p: sellerAdvisor}, teaser, listingForms{}); l.Vet || l.Moves != nil {
		t.Errorf("a teaser: %+v", l)
	}
	// A refusal is shown above the forms and next to its field.
	refused := listingForms{Alert: &alert{Title: "Le formulaire contient des erreurs",
		Fields: []peers.FieldError{{Field: "dossier-cedant", Message: "Ce champ est obligatoire."}}}}
	l = s.offerListing(t.Context(), caseRequest{p: sellerAdvisor}, submitted, refused.withErrors())
	page = renderPage(t, s, "offer", offerView{Offer: submitted, Listing: l})
	if !strings.Contains(page, `<p class="fr-error-text" id="dossier-cedant-erreur">Ce champ est obligatoire.</p>`) ||
		!strings.Contains(page, `<a href="#dossier-cedant">`) {
		t.Errorf("the refusal is not next to its field:\n%s", page)
	}
}

// On the marketplace a teaser shows what the seller accepted, in words,
// without a link nor anything that identifies the business; a listing of
// the reader's chamber links to its page.
func TestMarketplaceRows(t *testing.T) {
	s := listingSite(t)
	teaser := s.offerRow(peers.Offer{View: "teaser", OfferID: "0190b3c4-0000-7000-8000-0000000000aa", NAFCode: "10.71",
		SectorLevel: "class", Place: "91", PlaceLevel: "departement", Departement: "91", RevenueBand: "300k_1m",
		ProfitBand: "25k_75k", HeadcountBand: "3_5", PriceBand: "100k_300k", DealTypes: []string{"fonds"},
		Timeline: "6m_12m", Status: "published"})
	own := s.offerRow(peers.Offer{View: "full", OfferID: "0190b3c4-0000-7000-8000-0000000000bb", Chamber: "CMA",
		NAFCode: "10.71C", Departement: "91", CommuneCode: "91228", SIRET: "35600000000048", Status: "paused",
		Listing: &peers.Listing{Sector: "10.71C", SectorLevel: "subclass", Place: "91228", PlaceLevel: "commune",
			PriceBand: "100k_300k", DealTypes: []string{"murs"}}})
	if teaser.Link != "" || !teaser.Teaser || teaser.Sector != "Fabrication de pain et de pâtisserie fraîche (10.71)" ||
		teaser.Place != "Essonne (91)" || teaser.Headcount != "De 3 à 5 salariés" || teaser.Status != "Publiée" {
		t.Errorf("teaser row %+v", teaser)
	}
	if own.Link != "/dossiers/reprise/offres/0190b3c4-0000-7000-8000-0000000000bb" || own.Place != "Évry-Courcouronnes (INSEE 91228)" ||
		own.Status != "En pause (négociation en cours)" {
		t.Errorf("own row %+v", own)
	}
	v := s.marketView(false, marketForm{Sector: "10", After: "x"})
	v.Offers = []offerRow{teaser}
	page := renderPage(t, s, "marketplace", v)
	for _, want := range []string{"Présentation anonyme", "Fabrication de pain et de pâtisserie fraîche (10.71)", "Essonne (91)",
		`<option value="10" selected>Industries alimentaires (10)</option>`, "Première page", `href="/dossiers/reprise/annonces?secteur=10"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the marketplace lacks %q", want)
		}
	}
	if strings.Contains(page, "35600000000048") || strings.Contains(page, "/dossiers/reprise/offres/") {
		t.Errorf("the marketplace identifies a teaser's business:\n%s", page)
	}
}
