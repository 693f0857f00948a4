package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/ccicma/platform/pkg/dsfr"

	"github.com/ccicma/platform/services/intake/internal/ports/web"
)

// personalData must never show on a status page.
var personalData = []string{"Inès", "Moreau", "ines.moreau@example.fr", "06 12 34 56 78", "+33612345678"}

func TestEveryPageIsFrenchAndLabelled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sent := e.postForm(t, "/creation", bakery())
	if sent.status != http.StatusSeeOther {
		t.Fatalf("POST /creation answered %d, want 303:\n%s", sent.status, sent.body)
	}
	invalid := bakery()
	invalid.Set("applicant.email", "ines@")
	invalid.Set("project.siret", "73282932000075")
	invalid.Set("project.postcode", "91100")
	invalid.Set("project.naf_code", "boulangerie")
	search := bakery()
	search.Set("action", "naf")
	search.Set("project.naf_code", "coiffure")
	communes := bakery()
	communes.Set("action", "commune")
	communes.Set("project.postcode", "91100")
	honeypot := bakery()
	honeypot.Set("website", "https://spam.example")

	pages := []struct {
		name   string
		get    string
		post   url.Values
		status int
	}{
		{name: "home", get: "/", status: 200},
		{name: "creation form", get: "/creation", status: 200},
		{name: "takeover offer form", get: "/cession", status: 200},
		{name: "buyer search form", get: "/reprise", status: 200},
		{name: "difficulty form", get: "/difficultes", status: 200},
		{name: "status", get: sent.header.Get("Location"), status: 200},
		{name: "unknown status", get: "/suivi/01920000-0000-7000-8000-000000000099", status: 404},
		{name: "form with errors", post: invalid, status: 422},
		{name: "NAF search", post: search, status: 200},
		{name: "communes of a postcode", post: communes, status: 200},
		{name: "honeypot", post: honeypot, status: 200},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var got page
			if p.post != nil {
				got = e.postForm(t, "/creation", p.post)
			} else {
				got = e.get(t, p.get)
			}
			if got.status != p.status {
				t.Fatalf("answered %d, want %d:\n%s", got.status, p.status, got.body)
			}
			if ct := got.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := got.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store: pages may hold what the applicant typed", cc)
			}
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
				if got.header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
			checkAccessible(t, p.name, got.body)
			if strings.Contains(got.body, "fr-logo") || strings.Contains(got.body, "Marianne") {
				t.Error("the page shows the State's block-mark; the chambers' own marks belong there")
			}
		})
	}
}

func TestInvalidFormComesBackWithValuesAndErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakery()
	form.Set("applicant.email", "ines@")
	form.Set("project.siret", "73282932000075") // Luhn fails
	form.Set("project.planned_headcount", "trois")
	form.Set("project.description", "Boulangerie <b>bio</b> & pâtisserie, « fait maison »")
	got := e.postForm(t, "/creation", form)
	if got.status != http.StatusUnprocessableEntity {
		t.Fatalf("answered %d, want 422:\n%s", got.status, got.body)
	}
	e.assertStored(t, 0)
	doc := parse(t, got.body)

	// Every value typed is still there, as typed.
	for _, name := range []string{"applicant.first_name", "applicant.last_name", "applicant.email", "applicant.phone",
		"project.description", "project.naf_code", "project.legal_form", "project.planned_start", "project.planned_headcount",
		"project.siret", "project.postcode"} {
		if v := value(control(t, doc, name)); v != form.Get(name) {
			t.Errorf("%s shows %q, want %q as typed", name, v, form.Get(name))
		}
	}
	if v := value(control(t, doc, "form_token")); v != form.Get("form_token") {
		t.Errorf("form token %q, want the posted %q kept so that a retry is the same request", v, form.Get("form_token"))
	}

	// Each error is beside its field and in the summary.
	wantErrors := map[string]string{
		"applicant.email":           "Adresse électronique invalide",
		"project.siret":             "clé de contrôle",
		"project.planned_headcount": "nombre entier",
	}
	for name, want := range wantErrors {
		c := control(t, doc, name)
		if attr(c, "aria-invalid") != "true" {
			t.Errorf("%s is not aria-invalid", name)
		}
		if msg := describedBy(doc, c); !strings.Contains(msg, want) {
			t.Errorf("%s is described by %q, want the error %q", name, msg, want)
		}
		group := byID(doc, attr(c, "id")+"-group")
		if group == nil || !strings.Contains(attr(group, "class"), "--error") {
			t.Errorf("%s: its group is not in the error state", name)
		}
	}
	for _, name := range []string{"applicant.first_name", "project.description", "project.postcode"} {
		if c := control(t, doc, name); attr(c, "aria-invalid") != "" {
			t.Errorf("%s is marked invalid, but it is not", name)
		}
	}
	summary := byID(doc, "erreurs")
	if summary == nil {
		t.Fatal("no error summary")
	}
	var links []string
	for _, a := range all(summary, tag(atom.A)) {
		links = append(links, attr(a, "href"))
	}
	if want := "#applicant-email #project-planned-headcount #project-siret"; strings.Join(links, " ") != want {
		t.Errorf("summary links %v, want %s in page order", links, want)
	}
	if title := text(all(doc, tag(atom.Title))[0]); !strings.HasPrefix(title, "Erreur : 3 champs") {
		t.Errorf("title %q does not announce the errors", title)
	}
}

func TestUnknownNAFAndAmbiguousPostcodeWithoutScript(t *testing.T) {
	t.Parallel()
	e := setup(t)

	// Words instead of a code: the form comes back with the matching
	// activities to choose from, and the communes of the postcode.
	form := bakery()
	form.Set("project.naf_code", "boulangerie")
	form.Set("project.postcode", "91100")
	got := e.postForm(t, "/creation", form)
	if got.status != http.StatusUnprocessableEntity {
		t.Fatalf("answered %d, want 422", got.status)
	}
	doc := parse(t, got.body)
	picks := all(doc, func(n *html.Node) bool { return attr(n, "name") == "naf_pick" })
	var codes []string
	for _, p := range picks {
		codes = append(codes, attr(p, "value"))
	}
	if !strings.Contains(strings.Join(codes, " "), "10.71C") {
		t.Errorf("NAF choices %v, want 10.71C among them", codes)
	}
	sel := control(t, doc, "project.commune_code")
	if hasAttr(byID(doc, "project-commune-code-group"), "hidden") {
		t.Error("the commune select is hidden, but the postcode covers several communes")
	}
	options := all(sel, tag(atom.Option))
	if len(options) < 3 {
		t.Fatalf("commune select has %d options, want a placeholder and several communes", len(options))
	}
	if msg := describedBy(doc, sel); !strings.Contains(msg, "choisissez la vôtre") {
		t.Errorf("commune select described by %q, want the ambiguity explained", msg)
	}

	// Choosing both sends the request.
	form.Set("naf_pick", "10.71C")
	form.Set("project.commune_code", attr(options[1], "value"))
	if got := e.postForm(t, "/creation", form); got.status != http.StatusSeeOther {
		t.Fatalf("with NAF and commune chosen: %d, want 303:\n%s", got.status, got.body)
	}
	e.assertStored(t, 1)

	// "Trouver la commune" shows the select without sending anything;
	// a postcode with one commune names it.
	form.Set("action", "commune")
	form.Set("project.commune_code", "")
	got = e.postForm(t, "/creation", form)
	if doc := parse(t, got.body); got.status != 200 || hasAttr(byID(doc, "project-commune-code-group"), "hidden") {
		t.Errorf("commune search: %d, select hidden %v", got.status, hasAttr(byID(doc, "project-commune-code-group"), "hidden"))
	}
	form.Set("project.postcode", "91000")
	doc = parse(t, e.postForm(t, "/creation", form).body)
	if found := byID(doc, "commune-found"); hasAttr(found, "hidden") || !strings.Contains(text(found), "Évry-Courcouronnes") {
		t.Errorf("91000 shows %q (hidden %v), want Évry-Courcouronnes named", text(found), hasAttr(found, "hidden"))
	}
	e.assertStored(t, 1)
}

func TestSameFormPostedTwiceIsOneRequest(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := e.postForm(t, "/creation", bakery())
	if first.status != http.StatusSeeOther || !strings.HasPrefix(first.header.Get("Location"), "/suivi/") {
		t.Fatalf("answered %d to %q, want 303 to /suivi/…", first.status, first.header.Get("Location"))
	}
	again := e.postForm(t, "/creation", bakery())
	if again.status != http.StatusSeeOther || again.header.Get("Location") != first.header.Get("Location") {
		t.Fatalf("the same form again answered %d to %q, want 303 to %q", again.status, again.header.Get("Location"), first.header.Get("Location"))
	}
	e.assertStored(t, 1)

	// A double click: concurrent posts of one form are one request.
	form := bakery()
	form.Set("form_token", "BBBBBBBBBBBBBBBBBBBBBB")
	locations := make([]string, 6)
	var wg sync.WaitGroup
	for i := range locations {
		wg.Go(func() { locations[i] = e.postForm(t, "/creation", form).header.Get("Location") })
	}
	wg.Wait()
	for i, l := range locations {
		if l == "" || l != locations[0] || l == first.header.Get("Location") {
			t.Errorf("post %d went to %q, want the one request of this form (%q)", i, l, locations[0])
		}
	}
	e.assertStored(t, 2)

	// The form sent, then changed (the back button) and sent again: the
	// applicant is told, with a fresh token for a deliberate new request.
	form.Set("project.planned_headcount", "4")
	got := e.postForm(t, "/creation", form)
	if got.status != http.StatusConflict {
		t.Fatalf("changed form with a used token answered %d, want 409", got.status)
	}
	doc := parse(t, got.body)
	token := value(control(t, doc, "form_token"))
	if token == form.Get("form_token") || len(token) != 22 || !strings.Contains(text(byID(doc, "alerte")), "déjà servi") {
		t.Fatalf("token %q, alert %q: want a new token and an explanation", token, text(byID(doc, "alerte")))
	}
	if v := value(control(t, doc, "project.planned_headcount")); v != "4" {
		t.Errorf("headcount shows %q, want the 4 typed", v)
	}
	e.assertStored(t, 2)
	form.Set("form_token", token)
	if got := e.postForm(t, "/creation", form); got.status != http.StatusSeeOther {
		t.Fatalf("with the new token: %d, want 303", got.status)
	}
	e.assertStored(t, 3)

	// Without a token (a hand-made post) each post is its own request.
	form.Del("form_token")
	e.postForm(t, "/creation", form)
	e.postForm(t, "/creation", form)
	e.assertStored(t, 5)
}

func TestHoneypotStoresNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := bakery()
	form.Set("website", "http://cheap-pills.example")
	got := e.postForm(t, "/creation", form)
	if got.status != http.StatusOK || !strings.Contains(got.body, "Votre demande a bien été envoyée") {
		t.Fatalf("answered %d, want the confirmation a bot expects:\n%s", got.status, got.body)
	}
	e.assertStored(t, 0)
	// The honeypot is out of the accessibility tree and out of tab order.
	doc := parse(t, e.get(t, "/creation").body)
	hp := control(t, doc, "website")
	if attr(hp, "tabindex") != "-1" || attr(hp, "autocomplete") != "off" || attr(hp.Parent, "aria-hidden") != "true" {
		t.Errorf("honeypot %v in %v: want tabindex=-1, autocomplete=off, inside aria-hidden", hp.Attr, hp.Parent.Attr)
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	e := setup(t)
	huge := bakery()
	huge.Set("project.description", strings.Repeat("é", web.MaxBody))
	if got := e.postForm(t, "/creation", huge); got.status != http.StatusRequestEntityTooLarge {
		t.Errorf("body over %d bytes: %d, want 413", web.MaxBody, got.status)
	} else {
		checkAccessible(t, "413", got.body)
	}
	long := bakery()
	long.Set("project.description", strings.Repeat("a", 4001))
	long.Set("applicant.first_name", strings.Repeat("a", 101))
	if got := e.postForm(t, "/creation", long); got.status != http.StatusUnprocessableEntity ||
		!strings.Contains(got.body, "4000 caractères") || !strings.Contains(got.body, "100 caractères au plus") {
		t.Errorf("over-long fields: %d, want 422 naming both limits", got.status)
	}
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodPost, e.srv.URL+"/creation", strings.NewReader(`{"applicant":{}}`))
	req.Header.Set("Content-Type", "application/json")
	if got := e.do(t, req); got.status != http.StatusUnsupportedMediaType {
		t.Errorf("JSON posted to the form: %d, want 415", got.status)
	}
	e.assertStored(t, 0)
}

func TestStatusPage(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sent := e.postForm(t, "/creation", bakery())
	loc := sent.header.Get("Location")
	if !regexp.MustCompile(`^/suivi/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\?envoyee=1$`).MatchString(loc) {
		t.Fatalf("Location %q, want /suivi/<UUIDv7>?envoyee=1", loc)
	}
	got := e.get(t, loc)
	doc := parse(t, got.body)
	if !strings.Contains(text(byID(doc, "confirmation")), "bien été envoyée") {
		t.Error("no confirmation after sending")
	}
	body := text(doc)
	for _, want := range []string{"Projet de création d'entreprise", "CMA Chambre de métiers et de l'artisanat", "Étape 2 sur 4",
		"attribution à un conseiller", e.srv.URL + strings.TrimSuffix(loc, "?envoyee=1")} {
		if !strings.Contains(body, want) {
			t.Errorf("status page lacks %q:\n%s", want, body)
		}
	}
	if reason := text(byID(doc, "raison")); reason == "" {
		t.Error("no routing reason")
	}
	for _, s := range personalData {
		if strings.Contains(got.body, s) {
			t.Errorf("status page shows personal data %q", s)
		}
	}
	if got.header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(got.header.Get("X-Robots-Tag"), "noindex") {
		t.Errorf("status page headers %v: the link is a capability, keep it from Referer and indexes", got.header)
	}
	// Later visits have no confirmation.
	if doc := parse(t, e.get(t, strings.TrimSuffix(loc, "?envoyee=1")).body); byID(doc, "confirmation") != nil {
		t.Error("confirmation shown on a later visit")
	}
	// Once creation-support opened the case, the page says so.
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/suivi/"), "?envoyee=1")
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET status = 'assigned' WHERE request_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if body := text(parse(t, e.get(t, "/suivi/"+id).body)); !strings.Contains(body, "Étape 3 sur 4") ||
		!strings.Contains(body, "Confiée à un conseiller de la chambre de métiers") {
		t.Errorf("assigned request's page:\n%s", body)
	}
	// Taken in charge, then handed over to the CCI: the page names the
	// chamber that holds the case now and says it was redirected.
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET status = 'in_charge' WHERE request_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if body := text(parse(t, e.get(t, "/suivi/"+id).body)); !strings.Contains(body, "Étape 4 sur 4") ||
		!strings.Contains(body, "Prise en charge par un conseiller de la chambre de métiers") || strings.Contains(body, "réorientée") {
		t.Errorf("in-charge request's page:\n%s", body)
	}
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET status = 'assigned', case_chamber = 'CCI' WHERE request_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if body := text(parse(t, e.get(t, "/suivi/"+id).body)); !strings.Contains(body, "Confiée à un conseiller de la chambre de commerce") ||
		!strings.Contains(body, "réorientée vers la chambre de commerce") {
		t.Errorf("handed-over request's page:\n%s", body)
	}
	// Along the creation journey: the stage, the next one, then how it ended.
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET status = 'in_charge', stage = 'funding' WHERE request_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if body := text(parse(t, e.get(t, "/suivi/"+id).body)); !strings.Contains(body, "FinancementÉtape 5 sur 7") ||
		!strings.Contains(body, "Étape suivante : Formalités d'immatriculation") {
		t.Errorf("a project at the funding stage:\n%s", body)
	}
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET stage = 'follow_up', outcome = 'registered' WHERE request_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if doc := parse(t, e.get(t, "/suivi/"+id).body); !strings.Contains(text(doc), "Étape 7 sur 7") ||
		!strings.Contains(text(byID(doc, "issue")), "Votre entreprise est immatriculée") {
		t.Errorf("a registered business's page:\n%s", text(doc))
	}
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET status = 'closed', outcome = 'redirected_to_takeover' WHERE request_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if doc := parse(t, e.get(t, "/suivi/"+id).body); !strings.Contains(text(byID(doc, "issue")), "Dossier clos") ||
		!strings.Contains(text(byID(doc, "issue")), "reprise d'une entreprise existante") {
		t.Errorf("a project redirected to takeover:\n%s", text(doc))
	}
	for _, id := range []string{"01920000-0000-7000-8000-000000000099", "not-a-uuid", "%27%20OR%201=1"} {
		if got := e.get(t, "/suivi/"+id); got.status != http.StatusNotFound || !strings.Contains(got.body, "Demande introuvable") {
			t.Errorf("/suivi/%s: %d, want the 404 page", id, got.status)
		}
	}
}

// TestStatusPageShowsSessions: the project holder sees the sessions they
// were registered to, soonest first, a past one said so; the JSON status
// lists them too.
func TestStatusPageShowsSessions(t *testing.T) {
	t.Parallel()
	e := setup(t)
	loc := e.postForm(t, "/creation", bakery()).header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/suivi/"), "?envoyee=1")
	if doc := parse(t, e.get(t, "/suivi/"+id).body); byID(doc, "sessions") != nil {
		t.Fatal("sessions listed before any registration")
	}
	soon, past := time.Now().Add(72*time.Hour).Truncate(time.Minute), time.Now().Add(-72*time.Hour).Truncate(time.Minute)
	for _, s := range []struct {
		session, kind, title string
		at                   time.Time
	}{
		{"01920000-0000-7000-8000-0000000000a1", "training", "Stage de préparation à l'installation", soon},
		{"01920000-0000-7000-8000-0000000000a2", "information_meeting", "Créer son entreprise artisanale", past},
	} {
		if _, err := e.pool.Exec(e.ctx, `INSERT INTO session_registrations
			(request_id, session_id, chamber, kind, title, starts_at, place, registered_at)
			VALUES ($1, $2, 'CMA', $3, $4, $5, 'CMA Essonne, Évry-Courcouronnes', now())`, id, s.session, s.kind, s.title, s.at); err != nil {
			t.Fatal(err)
		}
	}
	doc := parse(t, e.get(t, "/suivi/"+id).body)
	list := byID(doc, "sessions")
	if list == nil {
		t.Fatalf("no session list:\n%s", text(doc))
	}
	lines := all(list, func(n *html.Node) bool { return n.DataAtom == atom.Li })
	if len(lines) != 2 {
		t.Fatalf("%d sessions listed, want 2:\n%s", len(lines), text(list))
	}
	first, second := text(lines[0]), text(lines[1])
	if !strings.Contains(first, "Réunion d'information « Créer son entreprise artisanale »") || !strings.Contains(first, "passé") ||
		!strings.Contains(first, "Évry-Courcouronnes (CMA)") {
		t.Errorf("past session: %q", first)
	}
	if !strings.Contains(second, "Formation « Stage de préparation à l'installation »") || strings.Contains(second, "passé") ||
		!strings.Contains(second, dsfr.FrenchDate(soon.In(paris(t)))) {
		t.Errorf("coming session: %q", second)
	}
	var st struct {
		Sessions []map[string]any `json:"sessions"`
	}
	if got := e.get(t, "/api/v1/creation-requests/"+id); got.status != http.StatusOK || json.Unmarshal([]byte(got.body), &st) != nil {
		t.Fatalf("JSON status: %d %s", got.status, got.body)
	}
	if len(st.Sessions) != 2 || st.Sessions[0]["kind"] != "information_meeting" || st.Sessions[1]["title"] != "Stage de préparation à l'installation" ||
		len(st.Sessions[1]) != 5 || st.Sessions[1]["place"] != "CMA Essonne, Évry-Courcouronnes" || st.Sessions[1]["chamber"] != "CMA" {
		t.Errorf("JSON status sessions: %v", st.Sessions)
	}
}

func paris(t *testing.T) *time.Location {
	t.Helper()
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	e := setup(t)
	doc := parse(t, e.get(t, "/").body)
	cssURL := attr(all(doc, func(n *html.Node) bool { return n.DataAtom == atom.Link && attr(n, "rel") == "stylesheet" })[0], "href")
	if !regexp.MustCompile(`^/static/v[0-9a-f]{12}/dsfr/dsfr\.min\.css$`).MatchString(cssURL) {
		t.Fatalf("stylesheet at %q, want a versioned /static/ URL", cssURL)
	}
	css := e.get(t, cssURL)
	if css.status != 200 || css.header.Get("Content-Type") != "text/css; charset=utf-8" ||
		css.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("GET %s: %d %v", cssURL, css.status, css.header)
	}

	// The stylesheet is the pinned DSFR release, and the footer says so.
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	raw, err := os.ReadFile("../../../../../pkg/dsfr/build/package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	version := pkg.Dependencies["@gouvfr/dsfr"]
	if !strings.Contains(css.body[:300], "DSFR v"+version+" ") || !strings.Contains(text(doc), "DSFR "+version) {
		t.Errorf("dsfr.min.css or the footer is not DSFR %s (package.json): %q", version, css.body[:200])
	}

	// Every file the stylesheet needs is served.
	base := cssURL[:strings.LastIndex(cssURL, "/")+1]
	refs := regexp.MustCompile(`url\(([^)"':]+)\)`).FindAllStringSubmatch(css.body, -1)
	if len(refs) < 10 {
		t.Fatalf("%d url() in the stylesheet, want the fonts and icons", len(refs))
	}
	for _, m := range refs {
		if got := e.get(t, base+m[1]); got.status != 200 || got.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s referenced by the stylesheet: %d %q", m[1], got.status, got.header.Get("Cache-Control"))
		}
	}
	for _, n := range all(doc, func(n *html.Node) bool { return attr(n, "href") != "" || attr(n, "src") != "" }) {
		u := attr(n, "href") + attr(n, "src")
		if strings.HasPrefix(u, "/static/") {
			if got := e.get(t, u); got.status != 200 {
				t.Errorf("%s: %d", u, got.status)
			}
		}
	}

	// Compressed when the client asks, revalidated by ETag.
	gz := e.get(t, cssURL, "Accept-Encoding", "gzip")
	if gz.header.Get("Content-Encoding") != "gzip" || len(gz.body) > len(css.body)/4 {
		t.Errorf("gzip: encoding %q, %d bytes for %d", gz.header.Get("Content-Encoding"), len(gz.body), len(css.body))
	} else if zr, err := gzip.NewReader(strings.NewReader(gz.body)); err != nil {
		t.Error(err)
	} else if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, []byte(css.body)) {
		t.Error("gzip body differs from the file")
	}
	if got := e.get(t, cssURL, "If-None-Match", css.header.Get("ETag")); got.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", got.status)
	}

	// Unversioned URLs are served with a short cache; unknown files are not.
	if got := e.get(t, "/static/app.css"); got.status != 200 || got.header.Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("/static/app.css: %d %q", got.status, got.header.Get("Cache-Control"))
	}
	for _, p := range []string{"/static/nope.css", "/static/../web.go", "/static/v000000000000/app.css/x"} {
		if got := e.get(t, p); got.status == http.StatusOK {
			t.Errorf("%s: 200, want it refused", p)
		}
	}
}

func TestReferenceEndpoints(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var communes struct {
		Communes []struct{ Code, Name string } `json:"communes"`
	}
	got := e.get(t, "/api/v1/communes?postcode=91100")
	if err := json.Unmarshal([]byte(got.body), &communes); err != nil || got.status != 200 || len(communes.Communes) < 2 {
		t.Fatalf("communes of 91100: %d %s", got.status, got.body)
	}
	got = e.get(t, "/api/v1/communes?postcode=91000")
	if err := json.Unmarshal([]byte(got.body), &communes); err != nil || len(communes.Communes) != 1 || communes.Communes[0].Code != "91228" {
		t.Errorf("communes of 91000: %s, want Évry-Courcouronnes (91228)", got.body)
	}
	if got := e.get(t, "/api/v1/communes?postcode=99999"); got.status != 200 || !strings.Contains(got.body, `"communes":[]`) {
		t.Errorf("unknown postcode: %d %s, want an empty list", got.status, got.body)
	}
	if got := e.get(t, "/api/v1/communes?postcode=9100"); got.status != 400 || got.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("malformed postcode: %d %s, want a 400 problem", got.status, got.body)
	}
	var naf struct {
		Results []struct{ Code, Label string } `json:"results"`
	}
	got = e.get(t, "/api/v1/naf?q="+url.QueryEscape("boulangerie pâtisserie"))
	if err := json.Unmarshal([]byte(got.body), &naf); err != nil || len(naf.Results) == 0 || naf.Results[0].Code != "10.71C" {
		t.Errorf("NAF search: %d %s, want 10.71C first", got.status, got.body)
	}
	if got := e.get(t, "/api/v1/naf?q="+strings.Repeat("a", 101)); got.status != 400 {
		t.Errorf("over-long NAF query: %d, want 400", got.status)
	}
}

func TestJSONAPIStillServed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	body := `{"applicant": {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@example.fr"},
	  "project": {"description": "Ouverture d'une boulangerie artisanale", "naf_code": "1071C", "postcode": "91000"}}`
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodPost, e.srv.URL+"/api/v1/creation-requests", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if got := e.do(t, req); got.status != http.StatusAccepted {
		t.Fatalf("JSON API behind the pages: %d %s", got.status, got.body)
	}
	e.assertStored(t, 1)
}

// TestStatusPageCountsProposedListings: a buyer's status page says how
// many listings the daily digests proposed (none at first), nothing of
// which listings.
func TestStatusPageCountsProposedListings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	loc := e.postForm(t, "/reprise", bakerySought()).header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/suivi/"), "?envoyee=1")
	if got := text(byID(parse(t, e.get(t, "/suivi/"+id).body), "annonces-proposees")); !strings.HasPrefix(got, "0 pour l'instant") {
		t.Fatalf("before any digest: %q", got)
	}
	for i := range 3 {
		day := "2026-12-08"
		if i == 2 {
			day = "" // waiting for the next digest: not proposed yet
		}
		if _, err := e.pool.Exec(e.ctx, `INSERT INTO buyer_digest_matches (match_id, search_id, offer_id, score, proposed_at, request_id, digest_day)
			VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 80, now(), $1, NULLIF($2, '')::date)`, id, day); err != nil {
			t.Fatal(err)
		}
	}
	if got := text(byID(parse(t, e.get(t, "/suivi/"+id).body), "annonces-proposees")); got != "2" {
		t.Errorf("after a digest of two listings: %q", got)
	}
}
