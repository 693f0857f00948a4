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
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

func fieldsOf(bad []peers.FieldError) []string {
	var out []string
	for _, b := range bad {
		out = append(out, b.Field)
	}
	return out
}

// The registration form takes a SIREN typed with spaces; what cannot be
// sent is said on its field (the SIREN's key is creation-support's to
// check), and creation-support's names lead to the same fields.
func TestReadRegistration(t *testing.T) {
	reg, sent, bad := readRegistration(url.Values{"siren": {" 732 829 320 "}, "date-immatriculation": {"2024-01-15"}, "forme-juridique": {"SARL"}})
	if len(bad) > 0 || reg != (peers.Registration{SIREN: "732829320", RegisteredOn: "2024-01-15", LegalForm: "SARL"}) || sent.SIREN != "732 829 320" {
		t.Errorf("registration %+v, sent %+v, errors %v", reg, sent, bad)
	}
	_, sent, bad = readRegistration(url.Values{"siren": {"73282932A"}, "date-immatriculation": {"15/01/2024"}, "forme-juridique": {"GIE"}})
	if want := []string{"siren", "date-immatriculation", "forme-juridique"}; !slices.Equal(fieldsOf(bad), want) || sent.LegalForm != "GIE" {
		t.Errorf("errors on %q, want %q", fieldsOf(bad), want)
	}
	for _, name := range []string{"siren", "registered_on", "legal_form"} {
		if !slices.Contains(fieldsOf(bad), registrationFields[name]) {
			t.Errorf("creation-support's %q names no field of the form", name)
		}
	}
}

// A checkpoint asks whether the business is still active: no answer is
// not « no », which would close the case.
func TestReadCheckpoint(t *testing.T) {
	r, _, bad := readCheckpoint(url.Values{"toujours-active": {"oui"}, "effectif": {" 3 "}, "difficultes": {"oui"}})
	if len(bad) > 0 || r != (peers.CheckpointReport{StillActive: true, Headcount: 3, Difficulties: true}) {
		t.Errorf("report %+v, errors %v", r, bad)
	}
	r, _, bad = readCheckpoint(url.Values{"toujours-active": {"non"}, "effectif": {"0"}})
	if len(bad) > 0 || r.StillActive || r.Difficulties {
		t.Errorf("ceased: %+v, errors %v", r, bad)
	}
	_, sent, bad := readCheckpoint(url.Values{"effectif": {"-1"}})
	if want := []string{"toujours-active-oui", "effectif"}; !slices.Equal(fieldsOf(bad), want) || sent.Headcount != "-1" {
		t.Errorf("errors on %q, want %q", fieldsOf(bad), want)
	}
}

// The next checkpoint is the first not recorded; it is due from its date.
func TestCheckpointsOf(t *testing.T) {
	at := time.Date(2024, 7, 20, 9, 0, 0, 0, time.UTC)
	cps := []peers.Checkpoint{{Label: "6 mois", Due: "2024-07-15", RecordedAt: &at, StillActive: true},
		{Label: "1 an", Due: "2025-01-15"}, {Label: "2 ans", Due: "2026-01-15"}}
	lines, next := checkpointsOf(cps, "2025-01-15")
	if len(lines) != 3 || next == nil || next.N != 2 || !next.IsDue || lines[2].IsDue {
		t.Fatalf("lines %+v, next %+v", lines, next)
	}
	if _, next := checkpointsOf(cps, "2025-01-14"); next.IsDue {
		t.Error("a checkpoint due tomorrow is due")
	}
	if _, next := checkpointsOf(cps[:1], "2025-01-14"); next != nil {
		t.Errorf("all recorded, next %+v", next)
	}
}

// Each form shows where it applies, and only to the case's advisor.
func TestFillOutcomes(t *testing.T) {
	due := []peers.Checkpoint{{Label: "6 mois", Due: "2024-07-15"}}
	for _, c := range []struct {
		stage, status string
		follow        bool
		checkpoints   []peers.Checkpoint
		register      bool
		close         bool
		record        bool
	}{
		{stage: "funding", follow: true, close: true},
		{stage: "in_progress", follow: true, close: true},
		{stage: "formalities", follow: true, register: true, close: true},
		{stage: "formalities", follow: false},
		{stage: "follow_up", follow: true, checkpoints: due, record: true},
		{stage: "follow_up", follow: false, checkpoints: due},
		{stage: "closed", follow: false, checkpoints: due},
	} {
		j := journeyView{Follow: c.follow}
		fillOutcomes(&j, peers.CreationCase{ID: "0190b3c4-0000-7000-8000-000000000001", Stage: c.stage, Checkpoints: c.checkpoints}, "jeton", "2024-08-01")
		o := j.Outcomes
		if o.Register != c.register || o.Close != c.close || o.RecordNext != c.record {
			t.Errorf("%s (advisor %v): register %v, close %v, checkpoint %v", c.stage, c.follow, o.Register, o.Close, o.RecordNext)
		}
		if c.record && o.CheckpointURL != "/dossiers/creation/0190b3c4-0000-7000-8000-000000000001/points-de-suivi/1" {
			t.Errorf("checkpoint form to %q", o.CheckpointURL)
		}
	}
}

// The page says how the case ended in French, and the forms in error
// link their messages to their fields.
func TestOutcomesRender(t *testing.T) {
	s := &site{Routes: Routes{Log: slog.New(slog.DiscardHandler)}, pages: parsePages(newStatic())}
	render := func(cs peers.CreationCase, j journeyView) string {
		j.Facts = factsOf(cs)
		fillOutcomes(&j, cs, "jeton", "2024-08-01")
		w := httptest.NewRecorder()
		s.render(w, httptest.NewRequest(http.MethodGet, "/dossiers/creation/"+cs.ID, nil), http.StatusOK, "creation",
			layout{Title: "Dossier de création", Signed: true, Main: creationView{Case: cs, Journey: j}})
		return html.UnescapeString(w.Body.String())
	}
	on := time.Date(2024, 1, 20, 10, 0, 0, 0, time.UTC)
	registered := peers.CreationCase{ID: "0190b3c4-0000-7000-8000-000000000001", Stage: "follow_up", Status: "in_progress",
		Outcome:      &peers.Outcome{Kind: "registered", At: on},
		Registration: &peers.Registration{SIREN: "732829320", RegisteredOn: "2024-01-15", LegalForm: "SARL"},
		Checkpoints:  []peers.Checkpoint{{Label: "6 mois", Due: "2024-07-15"}, {Label: "1 an", Due: "2025-01-15"}}}
	body := render(registered, journeyView{Follow: true, Errors: map[string]string{"effectif": "Effectif positif ou nul attendu."}})
	for _, want := range []string{
		`Entreprise immatriculée le <time datetime="2024-01-15">15/01/2024</time>, Société à responsabilité limitée (SARL), SIREN 732 829 320.`,
		"<caption>Points de suivi de l'entreprise</caption>", `<th scope="row">6 mois</th>`, "Non, à enregistrer", "Non, pas encore échu",
		"Point de suivi à 6 mois", `action="/dossiers/creation/0190b3c4-0000-7000-8000-000000000001/points-de-suivi/1"`,
		`aria-describedby="effectif-erreur"`, `<p class="fr-error-text" id="effectif-erreur">Effectif positif ou nul attendu.</p>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the registered case's page lacks %q", want)
		}
	}
	if strings.Contains(body, "Clore le dossier") {
		t.Error("a registered case offers the closing actions")
	}

	abandoned := peers.CreationCase{ID: registered.ID, Stage: "closed", Status: "closed",
		Outcome: &peers.Outcome{Kind: "abandoned", Reason: "no_funding", At: on}}
	if body := render(abandoned, journeyView{}); !strings.Contains(body, "Projet abandonné le <time") ||
		!strings.Contains(body, "Motif : Le financement n'a pas été obtenu.") {
		t.Errorf("the abandoned case's page does not say why:\n%s", body)
	}

	funding := peers.CreationCase{ID: registered.ID, Stage: "funding", Status: "in_progress",
		Facts: &peers.Facts{Funding: []peers.FundingRequest{{Partner: "Adie", Asked: 5000, Decision: "granted"}}}}
	body = render(funding, journeyView{Follow: true, Errors: map[string]string{"financement-0-accorde": "Montant accordé positif attendu, en euros."}})
	for _, want := range []string{
		`name="section" value="funding"`, `value="Adie"`, `<label class="fr-label" for="financement-1-partenaire">`, "Nouvelle demande",
		`aria-describedby="financement-0-accorde-erreur"`, `id="financement-0-accorde-erreur">Montant accordé positif attendu, en euros.</p>`,
		`<option value="granted" selected>Accordé</option>`, `name="financement-0-retirer"`,
		"Clore le dossier : projet abandonné", "Rediriger vers la reprise", `<option value="no_funding">Le financement n'a pas été obtenu</option>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the funding stage's page lacks %q", want)
		}
	}
	if strings.Contains(body, "financement-1-retirer") || strings.Contains(body, `id="siren"`) {
		t.Error("the blank row can be withdrawn, or the registration form shows before the formalities")
	}
}
