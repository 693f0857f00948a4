package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ccicma/platform/pkg/testkit/browsertest"
)

// setValues sets text fields and selects by id.
func setValues(fields ...string) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(fields); i += 2 {
		steps = append(steps, chromedp.SetValue(chromedp.ID(fields[i]), fields[i+1]))
	}
	return chromedp.Steps(steps...)
}

// tick clicks the labels of radios and boxes, by the control's id, as a
// person does.
func tick(ids ...string) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for _, id := range ids {
		steps = append(steps, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`)))
	}
	return chromedp.Steps(steps...)
}

// contact fills the applicant block every form starts with.
var contact = setValues(
	"applicant-first-name", "Inès",
	"applicant-last-name", "Moreau",
	"applicant-email", "ines.moreau@example.fr",
	"applicant-phone", "06 12 34 56 78",
)

// sendForm clicks the visible "Envoyer ma demande" button of a form.
func sendForm(formID string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(`#` + formID + ` button.fr-btn[value="send"]`))
}

// checked tells whether a radio or box is ticked.
func checked(t *testing.T, ctx context.Context, id string) bool {
	t.Helper()
	return browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.getElementById('`+id+`').checked`))
}

func TestBrowserTakeoverOfferBadSIRETThenSent(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/cession"),
		contact,
		setValues(
			"business-siret", "732 829 320 00075", // Luhn fails
			"business-naf-code", "1071C",
			"business-headcount", "4",
			"business-revenue-band", "300k_1m",
			"business-gross-operating-profit-band", "25k_75k",
			"business-legal-form", "SARL",
			"offer-asking-price", "250 000",
		),
		// The script names the only commune of the postcode.
		chromedp.SendKeys(chromedp.ID("business-postcode"), "91000"),
		chromedp.WaitVisible(chromedp.ID("commune-found")),
		tick("business-crafts-registered-1", "offer-deal-types-0", "offer-deal-types-3", "offer-reason-0", "offer-timeline-1"),
	)
	if !checked(t, ctx, "offer-confidential") {
		t.Error("a new offer is not confidential by default")
	}
	screenshot(t, ctx, "cession-form")
	browsertest.Do(t, ctx, sendForm("cession-form"), chromedp.WaitVisible(chromedp.ID("business-siret-error")))
	if msg := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("business-siret-error"))); !strings.Contains(msg, "SIRET invalide") {
		t.Errorf("SIRET error %q", msg)
	}
	if focused := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); focused != "erreurs" {
		t.Errorf("focus on %q, want the error summary", focused)
	}
	screenshot(t, ctx, "cession-errors")
	// Everything else is as typed and ticked.
	for id, want := range map[string]string{"applicant-first-name": "Inès", "applicant-email": "ines.moreau@example.fr",
		"business-siret": "732 829 320 00075", "business-naf-code": "1071C", "business-headcount": "4",
		"business-revenue-band": "300k_1m", "business-gross-operating-profit-band": "25k_75k", "business-legal-form": "SARL",
		"business-postcode": "91000", "offer-asking-price": "250 000"} {
		if v := browsertest.Get(t, ctx, chromedp.Value(chromedp.ID(id))); v != want {
			t.Errorf("#%s holds %q after the error, want %q", id, v, want)
		}
	}
	for _, id := range []string{"business-crafts-registered-1", "offer-deal-types-0", "offer-deal-types-3", "offer-reason-0", "offer-timeline-1", "offer-confidential"} {
		if !checked(t, ctx, id) {
			t.Errorf("#%s is no longer ticked", id)
		}
	}
	if checked(t, ctx, "offer-deal-types-1") {
		t.Error("#offer-deal-types-1 ticked, but it was not")
	}
	e.assertStored(t, 0)

	browsertest.Do(t, ctx,
		clearField("business-siret"),
		chromedp.SendKeys(chromedp.ID("business-siret"), "73282932000074"),
		sendForm("cession-form"),
		chromedp.WaitVisible(chromedp.ID("confirmation")),
	)
	main := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Votre demande a bien été envoyée", "Entreprise à céder", "Chambre de métiers et de l'artisanat"} {
		if !strings.Contains(main, want) {
			t.Errorf("status page lacks %q:\n%s", want, main)
		}
	}
	e.assertStored(t, 1)
}

func TestBrowserSubmitBuyerSearch(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/reprise"),
		contact,
		// A sector found by words, ticked and added to the list.
		chromedp.SendKeys(chromedp.ID("sector-query"), "boulangerie"),
		chromedp.Click(chromedp.CSS(`button[value="sector"]`)),
		chromedp.WaitVisible(chromedp.CSS(`label[for="sector-pick-0"]`)),
	)
	pick := browsertest.Get(t, ctx, chromedp.Evaluate[string](`(document.querySelector('input[name=sector_pick][value="10.71C"]') || {}).id || ''`))
	if pick == "" {
		t.Fatal("10.71C is not offered for « boulangerie »")
	}
	browsertest.Do(t, ctx,
		tick(pick),
		chromedp.Click(chromedp.CSS(`#secteurs-resultats button[value="add"]`)),
		chromedp.WaitNotPresent(chromedp.ID("sector-pick-0")),
	)
	if sectors := browsertest.Get(t, ctx, chromedp.Value(chromedp.ID("search-sectors"))); sectors != "10.71C" {
		t.Errorf("sectors %q after adding, want 10.71C", sectors)
	}
	browsertest.Do(t, ctx,
		chromedp.SetValue(chromedp.ID("search-areas-departements"), "91"),
		chromedp.SendKeys(chromedp.ID("search-areas-communes"), "91228"),
		setValues(
			"search-budget", "300 000",
			"search-personal-contribution", "60 000",
			"search-headcount-max", "10",
			"search-experience-details", "Dix ans de fournil comme salariée.",
		),
		tick("search-mobility-1", "search-deal-types-0", "search-timeline-0", "search-experience-1"),
	)
	screenshot(t, ctx, "reprise-form")
	browsertest.Do(t, ctx, sendForm("reprise-form"), chromedp.WaitVisible(chromedp.ID("confirmation")))
	main := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Votre demande a bien été envoyée", "Recherche d'une entreprise à reprendre", "Chambre de métiers et de l'artisanat"} {
		if !strings.Contains(main, want) {
			t.Errorf("status page lacks %q:\n%s", want, main)
		}
	}
	e.assertStored(t, 1)
}

func TestBrowserSubmitDifficultyReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/difficultes"),
		contact,
		setValues(
			"business-siret", "73282932000074",
			"business-headcount", "3",
			"report-situation", "Notre principal client a cessé ses commandes en mars ; la trésorerie ne couvre plus deux mois.",
		),
		chromedp.SendKeys(chromedp.ID("business-naf-code"), "10.71C"),
		chromedp.WaitVisible(chromedp.ID("naf-label")),
		chromedp.SendKeys(chromedp.ID("business-postcode"), "91000"),
		chromedp.WaitVisible(chromedp.ID("commune-found")),
		tick("report-kinds-0", "report-kinds-3"),
		// The questionnaire: "no" to the yes/no questions, "nettement" to the scales.
		tick("report-answers-overdue-social-tax-0", "report-answers-cash-shortfall-2", "report-answers-revenue-drop-2",
			"report-answers-late-suppliers-0", "report-answers-legal-notice-0", "report-answers-customer-dependency-3",
			"report-answers-manager-exhaustion-1", "report-answers-bank-refusal-0", "report-answers-pay-delayed-0",
			"report-answers-no-forecast-1"),
	)
	if notice := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("confidentialite"))); !strings.Contains(notice, "Seuls les conseillers prévention") {
		t.Errorf("confidentiality notice %q", notice)
	}
	screenshot(t, ctx, "difficultes-form")
	browsertest.Do(t, ctx, sendForm("difficultes-form"), chromedp.WaitVisible(chromedp.ID("confirmation")))
	main := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Votre demande a bien été envoyée", "Signalement de difficultés", "en toute confidentialité"} {
		if !strings.Contains(main, want) {
			t.Errorf("status page lacks %q:\n%s", want, main)
		}
	}
	for _, secret := range []string{"principal client", "73282932000074", "Boulangerie"} {
		if strings.Contains(main, secret) {
			t.Errorf("status page shows %q", secret)
		}
	}
	screenshot(t, ctx, "difficultes-status")
	e.assertStored(t, 1)
}

// The commune typed by name: the script lists the communes of that name
// as it is typed, the applicant picks one, and the request is routed with
// that commune and its EPCI.
func TestBrowserPickCommuneByName(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := browsertest.Tab(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/creation"),
		fillCreation("Saint-Denis"),
		chromedp.WaitVisible(chromedp.ID("project-commune-code")),
		chromedp.Poll[chromedp.Void](`document.querySelector('#project-commune-code option[value="93066"]') !== null`,
			chromedp.WithPollingTimeout(10*time.Second)),
	)
	label := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector('#project-commune-code option[value="93066"]').textContent`))
	if label != "Saint-Denis (93)" {
		t.Errorf("option of 93066 reads %q, want the name and département", label)
	}
	screenshot(t, ctx, "commune-by-name")
	browsertest.Do(t, ctx,
		chromedp.SetValue(chromedp.ID("project-commune-code"), "93066"),
		send,
		chromedp.WaitVisible(chromedp.ID("confirmation")),
	)
	e.assertStored(t, 1)
	if commune, epci := e.storedCommune(t); commune != "93066" || epci != "200054781" {
		t.Errorf("stored commune %s, routing EPCI %q; want 93066 in the Métropole du Grand Paris (200054781)", commune, epci)
	}
}
