package stack_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// bakeryCase submits the bakery project and returns its case and the
// CMA advisor it went to.
func bakeryCase(t *testing.T, r *running, key string) (caseID, advisor string) {
	t.Helper()
	_, caseID, advisor = openBakery(t, r, key)
	return caseID, advisor
}

// caseForms is a signed-in advisor on a case page, posting its forms
// with the page's form token.
type caseForms struct {
	b    *deskBrowser
	link string
	tok  string
}

func openCase(t *testing.T, desk, advisor, caseID string) caseForms {
	t.Helper()
	b := signInDesk(t, desk, advisor)
	link := "/dossiers/creation/" + caseID
	return caseForms{b: b, link: link, tok: b.formToken(b.do(http.MethodGet, link, nil))}
}

func (c caseForms) post(action string, form url.Values) page {
	form.Set("jeton", c.tok)
	return c.b.do(http.MethodPost, c.link+action, form)
}

func (c caseForms) page() page { return c.b.do(http.MethodGet, c.link, nil) }

// done checks a form's redirect to the page's confirmation, and returns
// that page.
func (c caseForms) done(t *testing.T, what string, p page, fait string) page {
	t.Helper()
	expect(t, what, p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != c.link+"?fait="+fait {
		t.Fatalf("%s: to %q, want ?fait=%s", what, loc, fait)
	}
	return c.b.do(http.MethodGet, p.header.Get("Location"), nil)
}

// TestCreationOutcomesPagesEndToEnd: from the case page, the advisor of a
// bakery project records its funding requests (creation-support's
// refusals said next to the rows), moves it to the formalities once every
// decision is known, records its registration (a SIREN whose key is wrong
// refused on its field), and its 6 months' checkpoint; the header says
// the business is registered, the follow-up table what was recorded and
// when the next checkpoint falls. Another advisor of the chamber sees the
// follow-up but no form; a CCI advisor cannot close the CMA's case.
// Another case is abandoned for a reason, a third redirected to takeover
// (a draft buyer search opens): their pages say so and offer no form.
func TestCreationOutcomesPagesEndToEnd(t *testing.T) {
	r := startStack(t)
	desk := r.st.URL("advisor-desk")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	caseID, advisor := bakeryCase(t, r, "e2e-outcomes-0001")
	c := openCase(t, desk, advisor, caseID)
	expect(t, "take in charge", c.post("/prise-en-charge", url.Values{}), http.StatusSeeOther)
	expect(t, "skip to funding", c.post("/etape", url.Values{"vers": {"funding"}, "motif-etape": {"done_elsewhere"}}), http.StatusSeeOther)
	expect(t, "funding stage", c.page(), http.StatusOK, "Ce qui a été fait : Financement", `<label class="fr-label" for="financement-0-partenaire">`,
		"Nouvelle demande", "Clore le dossier : projet abandonné", "Rediriger vers la reprise")

	funding := func(rows ...[4]string) page {
		form := url.Values{"section": {"funding"}}
		for i, row := range rows {
			for j, name := range []string{"partenaire", "demande", "decision", "accorde"} {
				form.Set("financement-"+string(rune('0'+i))+"-"+name, row[j])
			}
		}
		return c.post("/faits", form)
	}
	// A grant without its amount: creation-support's refusal of
	// funding[0].granted is said on the row's field.
	expect(t, "grant without its amount", funding([4]string{"Initiative Essonne", "8 000", "granted", ""}), http.StatusUnprocessableEntity,
		`href="#financement-0-accorde"`, `id="financement-0-accorde-erreur"`, "Montant accordé positif attendu", `value="Initiative Essonne"`)
	expect(t, "amount in words", funding([4]string{"Initiative Essonne", "huit mille", "pending", ""}), http.StatusUnprocessableEntity,
		`href="#financement-0-demande"`, "indiquez le montant demandé")
	expect(t, "pending request", funding([4]string{"Initiative Essonne", "8 000", "pending", ""}), http.StatusSeeOther)
	expect(t, "formalities with a pending decision", c.post("/etape", url.Values{"vers": {"formalities"}}), http.StatusConflict,
		"la décision de chaque demande de financement")
	c.done(t, "decisions", funding([4]string{"Initiative Essonne", "8000", "granted", "6 000"}, [4]string{"Adie", "3000", "refused", ""}), "faits")
	expect(t, "funding recorded", c.page(), http.StatusOK, `value="Adie"`, `value="6000"`, "Demande n° 2", `for="financement-2-partenaire"`)
	if n := r.db.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE case_id = $1
		AND jsonb_array_length(facts->'funding') = 2`, caseID); n != 1 {
		t.Errorf("creation-support does not hold the two funding requests")
	}
	expect(t, "to formalities", c.post("/etape", url.Values{"vers": {"formalities"}}), http.StatusSeeOther)
	expect(t, "formalities", c.page(), http.StatusOK, "Immatriculation de l'entreprise", `<label class="fr-label" for="siren">`,
		`<option value="SARL">Société à responsabilité limitée (SARL)</option>`)

	// The registration: a wrong key is refused on its field; registered
	// seven months ago, the business owes its 6 months' checkpoint.
	on := time.Now().UTC().AddDate(0, -7, 0)
	register := func(siren string) page {
		return c.post("/immatriculation", url.Values{"siren": {siren}, "date-immatriculation": {on.Format(time.DateOnly)}, "forme-juridique": {"SARL"}})
	}
	expect(t, "wrong SIREN key", register("732 829 321"), http.StatusUnprocessableEntity, `href="#siren"`, `id="siren-erreur"`,
		"Numéro SIREN invalide", `value="732 829 321"`, `<option value="SARL" selected>`)
	p := c.done(t, "registration", register("732 829 320"), "immatriculation")
	expect(t, "registered", p, http.StatusOK, "L'immatriculation est enregistrée", `<dd id="etape-actuelle">Suivi post-création</dd>`,
		"Entreprise immatriculée le <time datetime=\""+on.Format(time.DateOnly)+"\">"+on.Format("02/01/2006")+"</time>, Société à responsabilité limitée (SARL), SIREN 732 829 320.",
		"<caption>Points de suivi de l'entreprise</caption>", `<th scope="row">6 mois</th>`, "Non, à enregistrer", "Non, pas encore échu",
		"Point de suivi à 6 mois")
	if strings.Contains(p.body, "Clore le dossier") || strings.Contains(p.body, `id="siren"`) || strings.Contains(p.body, "Changer d'étape") {
		t.Error("a registered case still offers its registration, closing or a change of stage")
	}
	expect(t, "a registered business stepped back", c.post("/etape", url.Values{"vers": {"formalities"}, "motif-etape": {"new_information"}}),
		http.StatusConflict, "L'entreprise est immatriculée")

	// Another advisor of the chamber reads the follow-up, with no form; a
	// CCI advisor may not close the CMA's case.
	other := "cma-91-001"
	if advisor == other {
		other = "cma-91-002"
	}
	seen := signInDesk(t, desk, other).do(http.MethodGet, c.link, nil)
	expect(t, "another advisor's view", seen, http.StatusOK, "SIREN 732 829 320", `<th scope="row">6 mois</th>`)
	if strings.Contains(seen.body, "Enregistrer le point de suivi") || strings.Contains(seen.body, "Changer d'étape") {
		t.Error("another advisor of the chamber gets the case advisor's forms")
	}

	// The checkpoint: whether the business is still active is asked.
	expect(t, "checkpoint unanswered", c.post("/points-de-suivi/1", url.Values{"effectif": {"2"}}), http.StatusUnprocessableEntity,
		`href="#toujours-active-oui"`, `id="toujours-active-erreur"`, `value="2"`)
	expect(t, "checkpoint not due", c.post("/points-de-suivi/2", url.Values{"toujours-active": {"oui"}, "effectif": {"2"}}),
		http.StatusConflict, "Ce point de suivi n'est pas encore échu.")
	p = c.done(t, "checkpoint", c.post("/points-de-suivi/1", url.Values{"toujours-active": {"oui"}, "effectif": {"2"}, "difficultes": {"oui"}}),
		"point-de-suivi")
	year := on.AddDate(1, 0, 0)
	expect(t, "checkpoint recorded", p, http.StatusOK, "Le point de suivi est enregistré.", "<td>Oui</td><td>2</td><td>Oui</td>",
		"Le prochain point de suivi, à 1 an, est prévu le <time datetime=\""+year.Format(time.DateOnly)+"\">"+year.Format("02/01/2006")+"</time>")
	if strings.Contains(p.body, "Enregistrer le point de suivi") {
		t.Error("a checkpoint not yet due has its form")
	}

	// A second case is abandoned; a CCI advisor's attempt is refused first.
	abandoned, advisor2 := bakeryCase(t, r, "e2e-outcomes-0002")
	a := openCase(t, desk, advisor2, abandoned)
	expect(t, "take the second in charge", a.post("/prise-en-charge", url.Values{}), http.StatusSeeOther)
	cb := signInDesk(t, desk, "cci-91-002")
	cci := caseForms{b: cb, link: a.link, tok: cb.formToken(cb.do(http.MethodGet, a.link, nil))} // the refusal's page has a form token
	expect(t, "abandon by a CCI advisor", cci.post("/abandon", url.Values{"motif-abandon": {"no_funding"}}), http.StatusForbidden,
		"Ce dossier ne relève pas de votre chambre.")
	expect(t, "abandon without a reason", a.post("/abandon", url.Values{}), http.StatusUnprocessableEntity, `href="#motif-abandon"`,
		`id="motif-abandon-erreur"`)
	p = a.done(t, "abandon", a.post("/abandon", url.Values{"motif-abandon": {"no_funding"}}), "abandon")
	expect(t, "abandoned", p, http.StatusOK, "Le dossier est clos : le projet est abandonné.", "Projet abandonné le <time",
		"Motif : Le financement n'a pas été obtenu.", "→ Dossier clos, par", "(Le financement n'a pas été obtenu)")
	if strings.Contains(p.body, "Clore le dossier") || strings.Contains(p.body, "Changer d'étape") {
		t.Error("a closed case still offers forms")
	}

	// A third is redirected to takeover: a draft buyer search opens.
	redirected, advisor3 := bakeryCase(t, r, "e2e-outcomes-0003")
	d := openCase(t, desk, advisor3, redirected)
	expect(t, "take the third in charge", d.post("/prise-en-charge", url.Values{}), http.StatusSeeOther)
	p = d.done(t, "redirect", d.post("/reprise", url.Values{}), "reprise")
	expect(t, "redirected", p, http.StatusOK, "une recherche de repreneur est ouverte en brouillon",
		"Redirigé vers la reprise d'entreprise le <time", "une recherche de repreneur a été ouverte en brouillon pour un conseiller transmission.")
	testkit.Eventually(t, 10*time.Second, "draft buyer search opened", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM takeover_matching.buyer_searches WHERE creation_case_id = $1 AND status = 'draft'`,
			redirected) == 1, nil
	})
}
