package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/ccicma/platform/pkg/testkit"
)

// applicant is the contact block of every valid form below.
func applicant(v url.Values) url.Values {
	v.Set("applicant.first_name", "Inès")
	v.Set("applicant.last_name", "Moreau")
	v.Set("applicant.email", "ines.moreau@example.fr")
	v.Set("applicant.phone", "06 12 34 56 78")
	v.Set("website", "")
	v.Set("form_token", "CCCCCCCCCCCCCCCCCCCCCC")
	v.Set("action", "send")
	return v
}

// bakeryForSale is a valid takeover offer, as a browser posts it.
func bakeryForSale() url.Values {
	return applicant(url.Values{
		"business.siret":                       {"732 829 320 00074"},
		"business.naf_code":                    {"1071C"},
		"business.headcount":                   {"4"},
		"business.revenue_band":                {"300k_1m"},
		"business.gross_operating_profit_band": {"25k_75k"},
		"business.legal_form":                  {"SARL"},
		"business.crafts_registered":           {"no"},
		"business.postcode":                    {"91000"},
		"business.commune_code":                {""},
		"offer.asking_price":                   {"250 000"},
		"offer.deal_types":                     {"fonds", "murs"},
		"offer.reason":                         {"retirement"},
		"offer.reason_details":                 {""},
		"offer.timeline":                       {"6m_12m"},
		"offer.confidential":                   {"1"},
	})
}

// bakerySought is a valid buyer search.
func bakerySought() url.Values {
	return applicant(url.Values{
		"search.sectors":               {"10.71\n56.10A"},
		"search.areas.departements":    {"91, 77"},
		"search.areas.communes":        {"91228"},
		"search.areas.epcis":           {"200059228"},
		"search.mobility":              {"regional"},
		"search.budget":                {"300 000"},
		"search.personal_contribution": {"60000"},
		"search.headcount_min":         {""},
		"search.headcount_max":         {"10"},
		"search.deal_types":            {"fonds", "titres"},
		"search.timeline":              {"lt_6m"},
		"search.experience":            {"sector"},
		"search.experience_details":    {"Dix ans de fournil comme salariée, CAP boulanger."},
		"sector_query":                 {""},
		"area_postcode":                {""},
	})
}

// bakeryInTrouble is a valid difficulty report.
func bakeryInTrouble() url.Values {
	v := applicant(url.Values{
		"business.siret":        {"73282932000074"},
		"business.naf_code":     {""},
		"business.headcount":    {"3"},
		"business.postcode":     {"91000"},
		"business.commune_code": {""},
		"report.kinds":          {"cash_flow", "major_customer_loss"},
		"report.situation":      {"Notre principal client, une chaîne de restaurants, a cessé ses commandes en mars."},
	})
	for _, q := range []string{"overdue_social_tax", "late_suppliers", "legal_notice", "bank_refusal", "pay_delayed", "no_forecast"} {
		v.Set("report.answers."+q, "0")
	}
	for _, q := range []string{"cash_shortfall", "revenue_drop", "customer_dependency", "manager_exhaustion"} {
		v.Set("report.answers."+q, "2")
	}
	return v
}

// requestForms are the forms of this change, with a valid post each.
var requestForms = []struct {
	name, path, kind, kindName string
	valid                      func() url.Values
}{
	{"takeover offer", "/cession", "takeover_offer", "Entreprise à céder", bakeryForSale},
	{"buyer search", "/reprise", "buyer_search", "Recherche d'une entreprise à reprendre", bakerySought},
	{"difficulty report", "/difficultes", "difficulty", "Signalement de difficultés", bakeryInTrouble},
}

// kinds lists the kinds of the stored requests.
func (e *env) kinds(t *testing.T) []string {
	t.Helper()
	return testkit.Column[string](t, e.pool, `SELECT kind FROM requests ORDER BY submitted_at`)
}

// controls returns the form controls named name.
func controls(doc *html.Node, name string) []*html.Node {
	return all(doc, func(n *html.Node) bool {
		return (n.DataAtom == atom.Input || n.DataAtom == atom.Select || n.DataAtom == atom.Textarea) && attr(n, "name") == name
	})
}

// assertKept checks that the page shows every value posted, as posted:
// text in its field, radios and boxes ticked as they were.
func assertKept(t *testing.T, doc *html.Node, posted url.Values) {
	t.Helper()
	for name, want := range posted {
		switch name {
		case "form_token", "action", "website":
			continue
		}
		cs := controls(doc, name)
		if len(cs) == 0 {
			t.Errorf("no control named %q", name)
			continue
		}
		if typ := attr(cs[0], "type"); typ == "radio" || typ == "checkbox" {
			var ticked []string
			for _, c := range cs {
				if hasAttr(c, "checked") {
					ticked = append(ticked, attr(c, "value"))
				}
			}
			if typ == "checkbox" && len(cs) == 1 && len(want) == 1 && want[0] != "" {
				want = []string{attr(cs[0], "value")} // a single box: ticked is all that counts
			}
			if slices.Sort(ticked); !slices.Equal(ticked, sorted(want)) {
				t.Errorf("%s: ticked %v, want %v as posted", name, ticked, want)
			}
			continue
		}
		if got := value(cs[0]); got != want[0] {
			t.Errorf("%s shows %q, want %q as posted", name, got, want[0])
		}
	}
}

func sorted(s []string) []string {
	s = slices.DeleteFunc(slices.Clone(s), func(v string) bool { return v == "" })
	slices.Sort(s)
	return s
}

// assertFieldErrors checks that each field shows its error beside it
// (described by it, or inside its fieldset), in the error state, and that
// the summary links to the fields in page order.
func assertFieldErrors(t *testing.T, doc *html.Node, want map[string]string, summary []string) {
	t.Helper()
	for name, msg := range want {
		cs := controls(doc, name)
		if len(cs) == 0 {
			t.Errorf("no control named %q", name)
			continue
		}
		c := cs[0]
		var beside string
		if typ := attr(c, "type"); (typ == "radio" || typ == "checkbox") && len(cs) > 1 {
			fs := c.Parent
			for fs != nil && fs.DataAtom != atom.Fieldset {
				fs = fs.Parent
			}
			if fs == nil || !strings.Contains(attr(fs, "class"), "fr-fieldset--error") {
				t.Errorf("%s: its fieldset is not in the error state", name)
				continue
			}
			if !strings.Contains(attr(fs, "aria-labelledby"), attr(fs, "id")+"-messages") {
				t.Errorf("%s: the fieldset is not labelled by its message", name)
			}
			beside = text(byID(doc, attr(fs, "id")+"-messages"))
		} else {
			if attr(c, "aria-invalid") != "true" {
				t.Errorf("%s is not aria-invalid", name)
			}
			beside = describedBy(doc, c)
		}
		if !strings.Contains(beside, msg) {
			t.Errorf("%s: error beside it %q, want %q", name, beside, msg)
		}
	}
	box := byID(doc, "erreurs")
	if box == nil {
		t.Fatal("no error summary")
	}
	var links []string
	for _, a := range all(box, tag(atom.A)) {
		links = append(links, attr(a, "href"))
	}
	if !slices.Equal(links, summary) {
		t.Errorf("summary links %v, want %v", links, summary)
	}
}

func TestRequestFormsStoreOneRequestOfTheirKind(t *testing.T) {
	t.Parallel()
	for _, f := range requestForms {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			first := e.postForm(t, f.path, f.valid())
			loc := first.header.Get("Location")
			if first.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/suivi/") || !strings.HasSuffix(loc, "?envoyee=1") {
				t.Fatalf("answered %d to %q, want 303 to /suivi/…?envoyee=1:\n%s", first.status, loc, first.body)
			}
			if kinds := e.kinds(t); !slices.Equal(kinds, []string{f.kind}) {
				t.Fatalf("stored %v, want one %s", kinds, f.kind)
			}
			// The same form again (a double click, a reload): the same request.
			if again := e.postForm(t, f.path, f.valid()); again.status != http.StatusSeeOther || again.header.Get("Location") != loc {
				t.Errorf("posted again: %d to %q, want 303 to %q", again.status, again.header.Get("Location"), loc)
			}
			// A bot filling the honeypot gets a confirmation and stores nothing.
			bot := f.valid()
			bot.Set("form_token", "DDDDDDDDDDDDDDDDDDDDDD")
			bot.Set("website", "https://spam.example")
			if got := e.postForm(t, f.path, bot); got.status != http.StatusOK || !strings.Contains(got.body, "Votre demande a bien été envoyée") {
				t.Errorf("honeypot: %d, want the plain confirmation", got.status)
			}
			e.assertStored(t, 1)

			status := e.get(t, loc)
			if status.status != http.StatusOK {
				t.Fatalf("status page: %d", status.status)
			}
			doc := parse(t, status.body)
			body := text(doc)
			if !strings.Contains(text(byID(doc, "confirmation")), "bien été envoyée") || !strings.Contains(body, f.kindName) {
				t.Errorf("status page lacks the confirmation or %q:\n%s", f.kindName, body)
			}
			for _, s := range append(personalData, "732 829 320", "73282932000074", "Dix ans", "chaîne de restaurants") {
				if strings.Contains(status.body, s) {
					t.Errorf("status page shows %q", s)
				}
			}
		})
	}
}

func TestDifficultyStatusShowsOnlyReceivedAndRouted(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakeryInTrouble()
	form.Set("business.naf_code", "1071C")
	sent := e.postForm(t, "/difficultes", form)
	if sent.status != http.StatusSeeOther {
		t.Fatalf("answered %d:\n%s", sent.status, sent.body)
	}
	doc := parse(t, e.get(t, sent.header.Get("Location")).body)
	reason := text(byID(doc, "raison"))
	if !strings.HasPrefix(reason, "Votre signalement a bien été reçu et transmis, en toute confidentialité, aux conseillers prévention de la CMA") {
		t.Errorf("reason %q, want the confidential wording of app.RequestStatus", reason)
	}
	body := text(doc)
	// The routing rule's reason names the activity and the headcount rule;
	// none of it shows.
	for _, s := range []string{"artisanale", "Boulangerie", "salarié", "10.71", "score", "vigilance"} {
		if strings.Contains(body, s) {
			t.Errorf("difficulty status shows %q:\n%s", s, body)
		}
	}
	if !strings.Contains(text(byID(doc, "confirmation")), "conseillers prévention") {
		t.Errorf("confirmation %q does not say who will read the report", text(byID(doc, "confirmation")))
	}
}

func TestTakeoverOfferErrorsBesideFieldsValuesKept(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakeryForSale()
	form.Set("business.siret", "732 829 320 00075") // Luhn fails
	form.Set("offer.asking_price", "beaucoup")
	form.Del("offer.deal_types")
	form.Set("offer.reason", "other")
	form.Set("offer.timeline", "")
	form.Set("offer.confidential", "")
	form.Set("applicant.first_name", `<script>alert("Inès")</script>`)
	form.Set("business.postcode", "91100") // several communes
	got := e.postForm(t, "/cession", form)
	if got.status != http.StatusUnprocessableEntity {
		t.Fatalf("answered %d, want 422:\n%s", got.status, got.body)
	}
	e.assertStored(t, 0)
	doc := parse(t, got.body)
	form.Del("business.commune_code") // a select of the communes now, none chosen
	assertKept(t, doc, form)
	assertFieldErrors(t, doc, map[string]string{
		"business.siret":        "clé de contrôle",
		"business.commune_code": "choisissez la vôtre",
		"offer.asking_price":    "en chiffres",
		"offer.deal_types":      "Cochez au moins un élément",
		"offer.reason_details":  "Précisez la raison",
		"offer.timeline":        "Choisissez quand",
	}, []string{"#business-siret", "#business-commune-code", "#offer-asking-price", "#offer-deal-types-0",
		"#offer-reason-details", "#offer-timeline-0"})
	if v := value(control(t, doc, "form_token")); v != form.Get("form_token") {
		t.Errorf("form token %q, want the posted one kept", v)
	}
	if title := text(all(doc, tag(atom.Title))[0]); !strings.HasPrefix(title, "Erreur : 6 champs") {
		t.Errorf("title %q does not announce the errors", title)
	}
	checkAccessible(t, "takeover offer with errors", got.body)

	// A new form presents the business anonymously unless the seller unticks it.
	if c := control(t, parse(t, e.get(t, "/cession").body), "offer.confidential"); !hasAttr(c, "checked") {
		t.Error("a new takeover offer is not confidential by default")
	}
}

func TestBuyerSearchErrorsBesideFieldsValuesKept(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakerySought()
	form.Set("search.sectors", "10.71, 04, xyz")
	form.Set("search.areas.communes", "91000\n91228")
	form.Set("search.areas.departements", "91, 2a")
	form.Set("search.budget", "")
	form.Set("search.headcount_min", "20")
	form.Set("search.headcount_max", "5")
	form.Del("search.experience")
	got := e.postForm(t, "/reprise", form)
	if got.status != http.StatusUnprocessableEntity {
		t.Fatalf("answered %d, want 422:\n%s", got.status, got.body)
	}
	e.assertStored(t, 0)
	doc := parse(t, got.body)
	assertKept(t, doc, form)
	assertFieldErrors(t, doc, map[string]string{
		"search.sectors":        "Codes NAF inconnus : « 04 », « xyz »",
		"search.areas.communes": "Commune inconnue : « 91000 »",
		"search.budget":         "Indiquez votre budget",
		"search.headcount_max":  "supérieur ou égal",
		"search.experience":     "Choisissez ce qui décrit",
	}, []string{"#search-sectors", "#search-areas-communes", "#search-budget", "#search-headcount-max", "#search-experience-0"})
	// What the valid codes stand for is shown beside them.
	for _, want := range []string{"10.71 — Fabrication de pain et de pâtisserie fraîche", "Essonne (91)", "Corse-du-Sud (2A)",
		"Évry-Courcouronnes (91228)", "CA Grand Paris Sud Seine Essonne Sénart (200059228)"} {
		if !strings.Contains(text(doc), want) {
			t.Errorf("the page does not name %q", want)
		}
	}
	checkAccessible(t, "buyer search with errors", got.body)

	// No area at all, and not nationwide: the areas' fieldset says so.
	form = bakerySought()
	for _, f := range []string{"search.areas.departements", "search.areas.communes", "search.areas.epcis"} {
		form.Set(f, "")
	}
	doc = parse(t, e.postForm(t, "/reprise", form).body)
	assertFieldErrors(t, doc, map[string]string{}, []string{"#search-areas-departements"})
	if areas := byID(doc, "search-areas"); !strings.Contains(attr(areas, "class"), "fr-fieldset--error") ||
		!strings.Contains(text(byID(doc, "search-areas-messages")), "Partout en France") {
		t.Errorf("areas fieldset %v, message %q", attr(areas, "class"), text(byID(doc, "search-areas-messages")))
	}
	// Nationwide needs none.
	form.Set("search.mobility", "national")
	if got := e.postForm(t, "/reprise", form); got.status != http.StatusSeeOther {
		t.Errorf("nationwide search without areas: %d, want 303", got.status)
	}
	e.assertStored(t, 1)
}

func TestBuyerSearchLookupsWithoutScript(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// Sectors by words: the matches come as boxes to tick.
	form := bakerySought()
	form.Set("search.sectors", "56.10A")
	form.Set("sector_query", "boulangerie")
	form.Set("action", "sector")
	got := e.postForm(t, "/reprise", form)
	doc := parse(t, got.body)
	if got.status != http.StatusOK || byID(doc, "erreurs") != nil {
		t.Fatalf("sector search: %d, want 200 without errors", got.status)
	}
	var offered []string
	for _, c := range controls(doc, "sector_pick") {
		offered = append(offered, attr(c, "value"))
	}
	if !slices.Contains(offered, "10.71C") {
		t.Fatalf("sectors offered %v, want 10.71C", offered)
	}
	if v := value(control(t, doc, "sector_query")); v != "boulangerie" {
		t.Errorf("search box shows %q", v)
	}
	checkAccessible(t, "sector search", got.body)

	// Communes by postcode, likewise.
	form.Set("area_postcode", "91100")
	form.Set("action", "area_commune")
	got = e.postForm(t, "/reprise", form)
	doc = parse(t, got.body)
	var communes []string
	for _, c := range controls(doc, "commune_pick") {
		communes = append(communes, attr(c, "value"))
	}
	if len(communes) < 2 || !strings.Contains(text(doc), "Corbeil-Essonnes (91174)") {
		t.Fatalf("communes of 91100 offered: %v", communes)
	}
	checkAccessible(t, "commune search", got.body)
	// ... or by name.
	form.Set("area_postcode", "corbeil essonnes")
	doc = parse(t, e.postForm(t, "/reprise", form).body)
	if picks := controls(doc, "commune_pick"); len(picks) != 1 || attr(picks[0], "value") != "91174" {
		t.Errorf("communes named corbeil essonnes offered: %d, want Corbeil-Essonnes (91174) alone", len(picks))
	}

	// Ticked, they join the lists, without sending anything.
	form.Add("sector_pick", "10.71C")
	form.Add("sector_pick", "56.10A") // already listed
	form.Add("commune_pick", "91174")
	form.Set("action", "add")
	doc = parse(t, e.postForm(t, "/reprise", form).body)
	if v := value(control(t, doc, "search.sectors")); v != "56.10A, 10.71C" {
		t.Errorf("sectors %q, want the ticked one added once", v)
	}
	if v := value(control(t, doc, "search.areas.communes")); v != "91228, 91174" {
		t.Errorf("communes %q, want 91174 added", v)
	}
	if !strings.Contains(text(doc), "Corbeil-Essonnes (91174)") {
		t.Error("the commune added is not named")
	}
	e.assertStored(t, 0)

	// Ticked then sent: added and sent.
	form.Set("action", "send")
	if got := e.postForm(t, "/reprise", form); got.status != http.StatusSeeOther {
		t.Fatalf("send: %d:\n%s", got.status, got.body)
	}
	e.assertStored(t, 1)
}

func TestDifficultyErrorsBesideQuestionsValuesKept(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakeryInTrouble()
	form.Del("report.answers.cash_shortfall")
	form.Del("report.answers.no_forecast")
	form.Del("report.kinds")
	form.Set("report.situation", "Dur.")
	form.Set("business.headcount", "")
	got := e.postForm(t, "/difficultes", form)
	if got.status != http.StatusUnprocessableEntity {
		t.Fatalf("answered %d, want 422:\n%s", got.status, got.body)
	}
	e.assertStored(t, 0)
	doc := parse(t, got.body)
	assertKept(t, doc, form)
	assertFieldErrors(t, doc, map[string]string{
		"business.headcount":            "Indiquez le nombre de salariés",
		"report.kinds":                  "Cochez au moins une difficulté",
		"report.situation":              "10 à 4000 caractères",
		"report.answers.cash_shortfall": "Question 2 : choisissez une réponse",
		"report.answers.no_forecast":    "Question 10 : choisissez une réponse",
	}, []string{"#business-headcount", "#report-kinds-0", "#report-situation", "#report-answers-cash-shortfall-0",
		"#report-answers-no-forecast-0"})
	checkAccessible(t, "difficulty with errors", got.body)
}

func TestNewFormsAreFrenchAndLabelled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, f := range requestForms {
		got := e.get(t, f.path)
		if got.status != http.StatusOK || got.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("GET %s: %d, Cache-Control %q", f.path, got.status, got.header.Get("Cache-Control"))
		}
		checkAccessible(t, f.name, got.body)
		doc := parse(t, got.body)
		if token := value(control(t, doc, "form_token")); len(token) != 22 {
			t.Errorf("%s: form token %q", f.name, token)
		}
		if hp := control(t, doc, "website"); attr(hp, "tabindex") != "-1" || attr(hp.Parent, "aria-hidden") != "true" {
			t.Errorf("%s: honeypot %v", f.name, hp.Attr)
		}
		// Every group of radios or boxes is a fieldset with its legend.
		for _, in := range all(doc, func(n *html.Node) bool {
			return n.DataAtom == atom.Input && (attr(n, "type") == "radio" || attr(n, "type") == "checkbox") && attr(n, "name") != "offer.confidential"
		}) {
			fs := in.Parent
			for fs != nil && fs.DataAtom != atom.Fieldset {
				fs = fs.Parent
			}
			if fs == nil || text(byID(doc, strings.Fields(attr(fs, "aria-labelledby"))[0])) == "" {
				t.Errorf("%s: %s is not in a fieldset with a legend", f.name, attr(in, "name"))
				break
			}
		}
		// No-JS look-ups: the NAF search, the communes of a postcode.
		v := f.valid()
		v.Set("action", "naf")
		if f.path == "/reprise" {
			v.Set("action", "sector")
			v.Set("sector_query", "coiffure")
		} else {
			v.Set("business.naf_code", "coiffure")
		}
		got = e.postForm(t, f.path, v)
		if got.status != http.StatusOK || !strings.Contains(got.body, "96.02A") {
			t.Errorf("%s: search for « coiffure »: %d, want 96.02A offered", f.name, got.status)
		}
		checkAccessible(t, f.name+" search", got.body)
	}
	doc := parse(t, e.get(t, "/difficultes").body)
	if notice := text(byID(doc, "confidentialite")); !strings.Contains(notice, "Seuls les conseillers prévention") {
		t.Errorf("difficulty form: confidentiality notice %q", notice)
	}
	if n := len(all(doc, func(n *html.Node) bool {
		return strings.HasPrefix(attr(n, "name"), "report.answers.") && attr(n, "value") == "0"
	})); n != 10 {
		t.Errorf("difficulty form asks %d questions, want the questionnaire's 10", n)
	}
	e.assertStored(t, 0)
}
