package web

import (
	"context"
	"errors"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// names is a directory of one advisor.
type names struct{}

func (names) Get(_ context.Context, id string) (directory.Advisor, error) {
	if id == "cma-91-002" {
		return directory.Advisor{FullName: "Thomas Petit"}, nil
	}
	return directory.Advisor{}, errors.New("unknown")
}

// preventionPageOf renders the prevention page of pc with v's alert and
// forms as sent.
func preventionPageOf(t *testing.T, pc peers.PreventionCase, v preventionView) string {
	t.Helper()
	s := &site{Routes: Routes{Log: slog.New(slog.DiscardHandler), Directory: names{}}, pages: parsePages(newStatic())}
	v.Case = pc
	s.fillLifecycle(t.Context(), &v, pc, "jeton-1", "cma-91-002")
	w := httptest.NewRecorder()
	s.render(w, httptest.NewRequest(http.MethodGet, "/dossiers/prevention/"+pc.CaseID, nil), http.StatusOK, "prevention",
		layout{Title: "Dossier de prévention", Signed: true, Main: v})
	return html.UnescapeString(w.Body.String())
}

// The prevention page offers what the case's status allows: taking an
// opened case in charge; recording actions on a case taken in charge, with
// the kinds in French; closing it with a reason until it is closed; and
// shows the timeline of actions and how the case closed.
func TestPreventionPageLifecycle(t *testing.T) {
	const id = "0190b3c4-0000-7000-8000-00000000000a"
	base := `action="/dossiers/prevention/` + id
	opened := peers.PreventionCase{CaseID: id, Status: "opened", StatusLabel: "En attente de prise en charge", Level: "call_back"}
	body := preventionPageOf(t, opened, preventionView{})
	for _, want := range []string{base + `/prise-en-charge"`, "Prendre en charge", base + `/cloture"`, `name="jeton" value="jeton-1"`,
		`<option value="declined_by_owner">Refus du dirigeant</option>`, "Aucune action enregistrée."} {
		if !strings.Contains(body, want) {
			t.Errorf("the opened case's page lacks %q", want)
		}
	}
	if strings.Contains(body, base+`/actions"`) {
		t.Error("an opened case offers to record an action")
	}
	if strings.Contains(body, base+`/pas-pour-moi"`) {
		t.Error("a case not assigned to the reader offers to hand it back")
	}
	assigned := opened
	assigned.AdvisorIDs = []string{"cma-91-002"}
	if body := preventionPageOf(t, assigned, preventionView{}); !strings.Contains(body, base+`/pas-pour-moi"`) ||
		!strings.Contains(body, `<option value="conflict_of_interest">Conflit d'intérêts : je connais l'entreprise ou son dirigeant</option>`) {
		t.Errorf("the assigned advisor's page does not offer to hand the case back:\n%s", body)
	}

	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	taken := opened
	taken.Status, taken.StatusLabel, taken.TakenBy, taken.TakenAt = "taken_in_charge", "Pris en charge", "cma-91-002", &at
	taken.Actions = []peers.PreventionAction{{Kind: "referral_ccsf", KindLabel: "Orientation vers la CCSF (dettes fiscales et sociales)",
		OccurredOn: "2026-12-01", AdvisorID: "cma-91-002", OutcomeLabel: "Réalisé, suite à donner", OutcomeText: "Plan d'apurement demandé."}}
	body = preventionPageOf(t, taken, preventionView{})
	for _, want := range []string{"Pris en charge par</dt><dd>Thomas Petit (cma-91-002)", base + `/actions"`, base + `/cloture"`,
		`<strong>Orientation vers la CCSF (dettes fiscales et sociales)</strong>, le <time datetime="2026-12-01">01/12/2026</time>, par Thomas Petit (cma-91-002) : Réalisé, suite à donner.`,
		"Plan d'apurement demandé.", `<label class="fr-label" for="type-action">`, `<label class="fr-label" for="date-action">`,
		`<label class="fr-label" for="resultat-action">`, `<label class="fr-label" for="compte-rendu">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page of a case taken in charge lacks %q", want)
		}
	}
	for _, k := range casefile.PreventionActionKinds() {
		if !strings.Contains(body, `<option value="`+k.Code+`">`+k.Label+`</option>`) {
			t.Errorf("the action form does not offer %q", k.Code)
		}
	}
	if strings.Contains(body, "Prendre en charge</button>") {
		t.Error("a case taken in charge offers to take it in charge")
	}

	closed := taken
	closed.Status, closed.StatusLabel, closed.ClosedBy, closed.ClosedAt = "closed", "Clos", "system", &at
	closed.CloseReason, closed.CloseReasonLabel = "business_closed", "Entreprise fermée"
	body = preventionPageOf(t, closed, preventionView{})
	if !strings.Contains(body, `<dd id="cloture">Entreprise fermée, par automatiquement (décision de justice), le <time`) ||
		!strings.Contains(body, "Plan d'apurement demandé.") {
		t.Errorf("the closed case's page does not say how it closed:\n%s", body)
	}
	for _, form := range []string{"/prise-en-charge\"", "/actions\"", "/cloture\""} {
		if strings.Contains(body, base+form) {
			t.Errorf("a closed case offers %s", form)
		}
	}
}

// A refused form comes back with its values and its errors linked to its
// fields; difficulty-alert's names of the fields lead to the same fields.
func TestPreventionFormErrors(t *testing.T) {
	const id = "0190b3c4-0000-7000-8000-00000000000b"
	pc := peers.PreventionCase{CaseID: id, Status: "taken_in_charge", StatusLabel: "Pris en charge"}
	bad := []peers.FieldError{{Field: "date-action", Message: "La date ne peut pas être dans le futur."}}
	v := preventionView{Alert: &alert{Title: "Le formulaire contient des erreurs", Fields: bad},
		Lifecycle: lifecycleView{Form: lifecycleForm{Kind: "meeting", OccurredOn: "2030-01-01", Outcome: "declined", Text: "Rendez-vous annulé."},
			Errors: fieldMessages(bad)}}
	body := preventionPageOf(t, pc, v)
	for _, want := range []string{`<a href="#date-action">La date ne peut pas être dans le futur.</a>`, `aria-describedby="date-action-erreur"`,
		`<option value="meeting" selected>Rendez-vous</option>`, `<option value="declined" selected>Refusé par le dirigeant</option>`,
		`value="2030-01-01"`, ">Rendez-vous annulé.</textarea>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	for name, ids := range map[string]fieldIDs{"kind": actionFields, "occurred_on": actionFields, "outcome": actionFields,
		"outcome_text": actionFields, "reason": closeFields} {
		if id := ids[name]; id == "" || !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("difficulty-alert's %q names no field of the forms", name)
		}
	}
}

// A case a takeover advisor's concern opened says so, lists what was
// seen and links the offer; it shows no self-diagnosis nor post-creation
// follow-up.
func TestPreventionPageOfAConcern(t *testing.T) {
	pc := peers.PreventionCase{CaseID: "0190b3c4-0000-7000-8000-000000000009", Source: "advisor_observation",
		TakeoverOfferID: "0190b3c4-0000-7000-8000-000000000001", Chamber: "CMA", Status: "opened", Level: "call_back",
		Kinds: []string{"cash_flow", "owner_wellbeing"}, Departement: "91"}
	page := preventionPageOf(t, pc, preventionView{Kinds: casefile.ConcernLabels(pc.Kinds)})
	for _, want := range []string{"Signalé par le conseiller transmission-reprise qui suit la cession de l'entreprise",
		"Trésorerie tendue (découvert, fins de mois difficiles) ; Santé ou épuisement du dirigeant",
		`href="/dossiers/reprise/offres/0190b3c4-0000-7000-8000-000000000001"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, not := range []string{"questionnaire", "post-création"} {
		if strings.Contains(page, not) {
			t.Errorf("the page shows %q", not)
		}
	}
}

// A case a creation advisor's concern between two checkpoints opened says
// what was seen and links the creation case, with no checkpoint.
func TestPreventionPageOfACreationConcern(t *testing.T) {
	pc := peers.PreventionCase{CaseID: "0190b3c4-0000-7000-8000-000000000009", Source: "advisor_observation",
		CreationCaseID: "0190b3c4-0000-7000-8000-000000000002", Chamber: "CMA", Status: "opened", Level: "call_back",
		Kinds: []string{"activity_drop"}, Departement: "91"}
	page := preventionPageOf(t, pc, preventionView{Kinds: casefile.ConcernLabels(pc.Kinds)})
	for _, want := range []string{"Difficultés constatées entre deux points de suivi : Baisse d'activité",
		`href="/dossiers/creation/0190b3c4-0000-7000-8000-000000000002"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "au point de suivi") {
		t.Error("the page names a checkpoint")
	}
}
