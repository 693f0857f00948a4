package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ccicma/platform/pkg/testkit/browsertest"
)

// The browser tests drive a real headless Chromium (pkg/testkit/browsertest);
// without one they fail and say how to get it.

func TestMain(m *testing.M) { browsertest.Main(m) }

// screenshot saves a PNG into $INTAKE_WEB_SCREENSHOTS, when set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browsertest.Screenshot(t, ctx, "INTAKE_WEB_SCREENSHOTS", name)
}

// typed is what the browser tests type into the creation form, by id.
var typed = []struct{ id, text string }{
	{"applicant-first-name", "Inès"},
	{"applicant-last-name", "Moreau"},
	{"applicant-email", "ines.moreau@example.fr"},
	{"applicant-phone", "06 12 34 56 78"},
	{"project-description", "Ouverture d'une boulangerie-pâtisserie artisanale à Évry."},
	{"project-naf-code", "1071C"},
	{"project-planned-headcount", "3"},
}

// fillCreation types a valid creation project, commune left to the caller.
func fillCreation(postcode string) chromedp.Action[chromedp.Void] {
	// Keys are typed one by one (slow) where a script listens; the other
	// fields are set, with the input and change events a browser fires.
	var steps []chromedp.Action[chromedp.Void]
	for _, f := range typed {
		steps = append(steps, chromedp.SetValue(chromedp.ID(f.id), f.text))
	}
	return chromedp.Steps(append(steps,
		chromedp.SetValue(chromedp.ID("project-legal-form"), "SARL"),
		chromedp.SendKeys(chromedp.ID("project-postcode"), postcode),
	)...)
}

// clearField empties a field. (SetValue cannot set an empty value: chromedp
// drops the empty argument.)
func clearField(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.getElementById('` + id + `').value = ''`)
}

// send clicks the visible "Envoyer ma demande" button.
var send = chromedp.Click(chromedp.CSS(`#creation-form button.fr-btn[value="send"]`))

// pickFirstCommune chooses the first commune of the select.
var pickFirstCommune = chromedp.Evaluate[chromedp.Void](`document.getElementById('project-commune-code').selectedIndex = 1`)

func TestBrowserSubmitCreation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/creation"),
		fillCreation("91000"),
		// The script names the only commune of the postcode...
		chromedp.WaitVisible(chromedp.ID("commune-found")),
	)
	if found := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("commune-found"))); !strings.Contains(found, "Évry-Courcouronnes") {
		t.Errorf("commune shown: %q, want Évry-Courcouronnes", found)
	}
	// ... and the activity of a NAF code it suggested.
	browsertest.Do(t, ctx,
		clearField("project-naf-code"),
		chromedp.SendKeys(chromedp.ID("project-naf-code"), "boulangerie"),
		chromedp.Poll[chromedp.Void](`document.querySelector('#naf-options option[value="10.71C"]') !== null`, chromedp.WithPollingTimeout(10*time.Second)),
		clearField("project-naf-code"),
		chromedp.SendKeys(chromedp.ID("project-naf-code"), "10.71C"),
		chromedp.WaitVisible(chromedp.ID("naf-label")),
	)
	if naf := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("naf-label"))); !strings.Contains(naf, "Boulangerie") {
		t.Errorf("activity shown: %q, want the label of 10.71C", naf)
	}
	screenshot(t, ctx, "creation-form")

	browsertest.Do(t, ctx, send, chromedp.WaitVisible(chromedp.ID("confirmation")))
	if url := browsertest.Get(t, ctx, chromedp.Location()); !strings.Contains(url, "/suivi/") {
		t.Errorf("landed on %s, want the status page", url)
	}
	main := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Votre demande a bien été envoyée", "Chambre de métiers et de l'artisanat", "Étape 2 sur 4"} {
		if !strings.Contains(main, want) {
			t.Errorf("status page lacks %q:\n%s", want, main)
		}
	}
	if reason := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("raison"))); reason == "" {
		t.Error("no routing reason shown")
	}
	screenshot(t, ctx, "status")
	e.assertStored(t, 1)
}

func TestBrowserBadSIRETShowsFieldErrorAndKeepsInputs(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/creation"),
		fillCreation("91000"),
		chromedp.SendKeys(chromedp.ID("project-siret"), "732 829 320 00075"),
		send,
		chromedp.WaitVisible(chromedp.ID("project-siret-error")),
	)
	if msg := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("project-siret-error"))); !strings.Contains(msg, "SIRET invalide") {
		t.Errorf("SIRET error %q", msg)
	}
	describedBy := browsertest.Get(t, ctx, chromedp.AttributeValue(chromedp.ID("project-siret"), "aria-describedby")).Value
	inGroup := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.getElementById('project-siret').closest('.fr-input-group')
		.contains(document.getElementById('project-siret-error'))`))
	if describedBy != "project-siret-messages" || !inGroup {
		t.Errorf("error not beside the field: aria-describedby %q, in the field's group %v", describedBy, inGroup)
	}
	focused := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	if title := browsertest.Get(t, ctx, chromedp.Title()); focused != "erreurs" || !strings.HasPrefix(title, "Erreur") {
		t.Errorf("focus on %q, title %q: want the error summary focused and the title to say so", focused, title)
	}
	screenshot(t, ctx, "creation-errors")
	for _, f := range typed {
		if v := browsertest.Get(t, ctx, chromedp.Value(chromedp.ID(f.id))); v != f.text {
			t.Errorf("#%s holds %q after the error, want %q", f.id, v, f.text)
		}
	}
	siret := browsertest.Get(t, ctx, chromedp.Value(chromedp.ID("project-siret")))
	if legal := browsertest.Get(t, ctx, chromedp.Value(chromedp.ID("project-legal-form"))); siret != "732 829 320 00075" || legal != "SARL" {
		t.Errorf("SIRET %q, legal form %q: want them kept", siret, legal)
	}
	e.assertStored(t, 0)

	// The summary's link takes the keyboard to the field.
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`#erreurs a[href="#project-siret"]`)))
	if focused := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); focused != "project-siret" {
		t.Errorf("after the summary link, focus on %q, want project-siret", focused)
	}
	// Fixed, the same form goes through.
	browsertest.Do(t, ctx,
		clearField("project-siret"),
		chromedp.SendKeys(chromedp.ID("project-siret"), "73282932000074"),
		send,
		chromedp.WaitVisible(chromedp.ID("confirmation")),
	)
	e.assertStored(t, 1)
}

func TestBrowserAmbiguousPostcodeShowsCommuneSelect(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/creation"),
		fillCreation("91100"),
		chromedp.WaitVisible(chromedp.ID("project-commune-code")),
	)
	if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#project-commune-code option').length`)); n < 3 {
		t.Fatalf("commune select has %d options, want a placeholder and several communes", n)
	}
	screenshot(t, ctx, "creation-communes")
	browsertest.Do(t, ctx, pickFirstCommune, send, chromedp.WaitVisible(chromedp.ID("confirmation")))
	e.assertStored(t, 1)

	// A postcode with one commune hides the select again.
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/creation"),
		chromedp.SendKeys(chromedp.ID("project-postcode"), "91100"),
		chromedp.WaitVisible(chromedp.ID("project-commune-code")),
		chromedp.SendKeys(chromedp.ID("project-postcode"), strings.Repeat(kb.Backspace, 5)+"91000"),
		chromedp.WaitVisible(chromedp.ID("commune-found")),
	)
	if !browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.getElementById('project-commune-code-group').hidden`)) {
		t.Error("the commune select stays visible for a postcode with one commune")
	}
}

func TestBrowserWorksWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/creation"),
		fillCreation("91100"),
		clearField("project-naf-code"),
		chromedp.SendKeys(chromedp.ID("project-naf-code"), "coiffure"),
		// Enter sends the form (the default button), not the NAF search.
		chromedp.SendKeys(chromedp.ID("project-naf-code"), kb.Enter),
		chromedp.WaitVisible(chromedp.ID("erreurs")),
		chromedp.WaitVisible(chromedp.ID("project-commune-code")),
	)
	if msg := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("project-commune-code-messages"))); !strings.Contains(msg, "choisissez la vôtre") {
		t.Errorf("commune error %q", msg)
	}
	// The script did not run: the page says so by lacking its class.
	if js := browsertest.Get(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "class")).Value; strings.Contains(js, "ie-js") {
		t.Fatal("the script ran: this test must run without JavaScript")
	}
	if picks := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name=naf_pick]').length`)); picks == 0 {
		t.Fatal("no NAF choices for « coiffure »")
	}
	screenshot(t, ctx, "creation-nojs-choices")
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`label[for="naf-pick-0"]`)),
		chromedp.SetValue(chromedp.ID("project-commune-code"), browsertest.Get(t, ctx, chromedp.AttributeValue(chromedp.CSS(`#project-commune-code option:nth-child(2)`), "value")).Value),
		send,
		chromedp.WaitVisible(chromedp.ID("confirmation")),
	)
	e.assertStored(t, 1)
}

func TestBrowserHoneypotStoresNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/creation"),
		fillCreation("91000"),
		chromedp.SetValue(chromedp.ID("website"), "https://spam.example"),
		send,
		chromedp.WaitVisible(chromedp.CSS(".fr-alert--success")),
	)
	if main := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(main, "Votre demande a bien été envoyée") || strings.Contains(main, "lien de suivi") {
		t.Errorf("honeypot answer:\n%s\nwant a plain confirmation without a status link", main)
	}
	e.assertStored(t, 0)
}

func TestBrowserHomePage(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx, chromedp.Navigate(e.srv.URL+"/"))
	links := browsertest.Get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.fr-tile__title a')].map(a => a.getAttribute('href'))`))
	if strings.Join(links, " ") != "/creation /reprise /cession /difficultes" {
		t.Errorf("home links %v", links)
	}
	// The DSFR stylesheet and its font are applied.
	if font := browsertest.Get(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).fontFamily`)); !strings.Contains(font, "Marianne") {
		t.Errorf("body font %q: the DSFR stylesheet is not applied", font)
	}
	if loaded := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => document.fonts.check('16px Marianne'))`, chromedp.EvalAwaitPromise)); !loaded {
		t.Error("the Marianne font did not load")
	}
	screenshot(t, ctx, "home")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/cession"]`)), chromedp.WaitVisible(chromedp.ID("cession-form")))
	if h1 := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("h1"))); h1 != "Céder votre entreprise" {
		t.Errorf("/cession: h1 %q", h1)
	}
}
