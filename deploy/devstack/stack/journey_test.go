package stack_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// sharedCase opens the bakery's case, which goes to a CMA advisor, who
// hands it back as the CCI's: the case is then the CCI's, followed with
// the CMA. It returns the case, its CCI advisor and the CMA advisor.
func sharedCase(t *testing.T, r *running, key string) (caseID, lead, other string) {
	t.Helper()
	desk, creation := r.st.URL("advisor-desk"), r.st.URL("creation-support")
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	_, caseID, other = openBakery(t, r, key)
	if code, out := call(t, http.MethodPost, creation+"/api/v1/creation-cases/"+caseID+"/hand-back", signIn(t, desk, other),
		`{"reason":"wrong_chamber"}`); code != http.StatusOK {
		t.Fatalf("hand-back answered %d: %v", code, out)
	}
	testkit.Eventually(t, 10*time.Second, "case moved to the CCI", func() (bool, error) {
		lead = r.db.Text(t, `SELECT coalesce(advisor_id, '') FROM creation_support.creation_cases
			WHERE case_id = $1 AND chamber = 'CCI' AND secondary_chamber = 'CMA'`, caseID)
		return lead != "", nil
	})
	return caseID, lead, other
}

// expect checks an answer's status and that its page says each of want.
func expect(t *testing.T, what string, p page, status int, want ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: %d, want %d\n%s", what, p.status, status, p.body)
	}
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("%s: the page lacks %q", what, w)
		}
	}
}

// TestCreationJourneyPagesEndToEnd: the CCI advisor of a case shared
// with the CMA finds it in "Mes dossiers", takes it in charge, records
// the facts of two stages and moves it through them from its page, the
// refusals (exit criteria, a skip without a reason, a past due date, a
// welcome without its kind) said next to the forms; sets its next action, adds a private note. "Mes dossiers"
// filters and sorts; the CCI's manager sees it in the pipeline. The CMA
// advisor sees the stage, not the note nor the forms.
func TestCreationJourneyPagesEndToEnd(t *testing.T) {
	r := startStack(t)
	desk := r.st.URL("advisor-desk")
	caseID, lead, other := sharedCase(t, r, "e2e-journey-0001")
	link := "/dossiers/creation/" + caseID

	b := signInDesk(t, desk, lead)
	mine := b.do(http.MethodGet, "/dossiers/creation", nil)
	expect(t, "Mes dossiers", mine, http.StatusOK, "Mes dossiers de création", `href="`+link+`"`, "En attente de prise en charge",
		"10.71C", "<caption>", `scope="col"`)
	p := b.do(http.MethodGet, link, nil)
	taken := b.do(http.MethodPost, link+"/prise-en-charge", url.Values{"jeton": {b.formToken(p)}})
	expect(t, "take in charge", taken, http.StatusSeeOther)

	p = b.do(http.MethodGet, link, nil)
	expect(t, "case page in charge", p, http.StatusOK, "Changer d'étape", `<label class="fr-label" for="vers">`, "Ajouter une note",
		"Dossier ouvert.", "Pris en charge.")
	tok := b.formToken(p)
	move := func(to, reason string) page {
		return b.do(http.MethodPost, link+"/etape", url.Values{"vers": {to}, "motif-etape": {reason}, "jeton": {tok}})
	}
	// The welcome's exit criterion is not met yet: creation-support says
	// what is missing.
	expect(t, "move without the welcome", move("diagnosis", ""), http.StatusConflict, "il manque", "la réunion d'information")
	// The welcome's facts, through the page's form: what is missing is
	// said next to the fields.
	facts := func(form url.Values) page {
		form.Set("jeton", tok)
		return b.do(http.MethodPost, link+"/faits", form)
	}
	expect(t, "welcome without its kind", facts(url.Values{"section": {"welcome"}}), http.StatusUnprocessableEntity,
		`href="#accueil-individual"`, `href="#date-accueil"`, `id="date-accueil-erreur"`)
	expect(t, "welcome", facts(url.Values{"section": {"welcome"}, "accueil": {"individual"}, "date-accueil": {"2026-11-02"}}),
		http.StatusSeeOther)
	// A skip needs a reason: the field's error is linked from the summary.
	expect(t, "skip without a reason", move("business_plan", ""), http.StatusUnprocessableEntity,
		`href="#motif-etape"`, "Passer une étape demande un motif.", `id="motif-etape-erreur"`, "Erreur — ")
	expect(t, "move to diagnosis", move("diagnosis", ""), http.StatusSeeOther)
	expect(t, "diagnosis form", b.do(http.MethodGet, link, nil), http.StatusOK, "Ce qui a été fait : Diagnostic et orientation",
		`<label class="fr-label" for="qualification">`)
	expect(t, "diagnosis", facts(url.Values{"section": {"diagnosis"}, "chambre-confirmee": {"oui"}, "reglementee": {"non"}}),
		http.StatusSeeOther)
	done := move("training", "")
	expect(t, "move to training", done, http.StatusSeeOther)
	if loc := done.header.Get("Location"); loc != link+"?fait=etape" {
		t.Errorf("after the move: to %q", loc)
	}
	p = b.do(http.MethodGet, link+"?fait=etape", nil)
	expect(t, "case page after two moves", p, http.StatusOK, "Le dossier a changé d'étape.", `<dd id="etape-actuelle">Formation</dd>`,
		"Accueil → Diagnostic et orientation", "Diagnostic et orientation → Formation")

	// The next action: a past date is refused by creation-support.
	past := b.do(http.MethodPost, link+"/prochaine-action", url.Values{"action": {"Inscrire au stage"}, "echeance": {"2020-01-15"}, "jeton": {tok}})
	expect(t, "past due date", past, http.StatusUnprocessableEntity, "L'échéance ne peut pas être passée.", `href="#echeance"`,
		`value="Inscrire au stage"`)
	dueOn := time.Now().AddDate(0, 0, 7)
	due, dueText := dueOn.Format(time.DateOnly), dueOn.Format("02/01/2006")
	expect(t, "next action", b.do(http.MethodPost, link+"/prochaine-action",
		url.Values{"action": {"Inscrire au stage"}, "echeance": {due}, "jeton": {tok}}), http.StatusSeeOther)
	const private = "Le porteur hésite entre deux locaux."
	expect(t, "empty note", b.do(http.MethodPost, link+"/notes", url.Values{"note": {" "}, "jeton": {tok}}),
		http.StatusUnprocessableEntity, `href="#note"`)
	expect(t, "private note", b.do(http.MethodPost, link+"/notes", url.Values{"note": {private}, "jeton": {tok}}), http.StatusSeeOther)
	expect(t, "case page with the note", b.do(http.MethodGet, link, nil), http.StatusOK, private, "(privée à la CCI)",
		"Inscrire au stage, pour le <time datetime=\""+due+"\">"+dueText+"</time>")

	// Mes dossiers: filtered on the stage, sorted either way.
	expect(t, "Mes dossiers at training", b.do(http.MethodGet, "/dossiers/creation?etape=training&tri=attente", nil), http.StatusOK,
		`href="`+link+`"`, "Inscrire au stage", dueText, "à l'étape « Formation »", "l'attente la plus longue en premier")
	if p := b.do(http.MethodGet, "/dossiers/creation?etape=funding", nil); strings.Contains(p.body, link) {
		t.Error("the case is listed under another stage")
	}

	// The CMA advisor sees the shared header, not the CCI's private note.
	o := signInDesk(t, desk, other)
	seen := o.do(http.MethodGet, link, nil)
	expect(t, "the other chamber's page", seen, http.StatusOK, `<dd id="etape-actuelle">Formation</dd>`, "(suivi partagé avec la CMA)")
	if strings.Contains(seen.body, private) || strings.Contains(seen.body, "Changer d'étape") {
		t.Errorf("the CMA advisor sees the CCI's private note or the journey's forms:\n%s", seen.body)
	}

	// The CCI's manager sees the case in the pipeline; a plain advisor may
	// not open it.
	expect(t, "pipeline", signInDesk(t, desk, "cci-91-001").do(http.MethodGet, "/dossiers/creation/pilotage", nil), http.StatusOK,
		"Pilotage des dossiers de création — CCI", "<th scope=\"col\">Formation</th>", "Toute la chambre")
	expect(t, "pipeline for an advisor", signInDesk(t, desk, "cci-91-002").do(http.MethodGet, "/dossiers/creation/pilotage", nil),
		http.StatusForbidden, "réservé aux responsables")
}
