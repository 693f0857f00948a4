package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// concernFiles answers as takeover-matching does for one offer: in full
// to the token "advisor", as a teaser to "buyer"; it records the concerns
// raised and refuses them with refusal when set.
type concernFiles struct {
	CaseFiles
	offer   peers.Offer
	raised  [][]string
	refusal error
}

func (f *concernFiles) Offer(_ context.Context, token, _ string) (peers.Offer, error) {
	o := f.offer
	if token == "buyer" {
		o = peers.Offer{View: "teaser", OfferID: o.OfferID, NAFCode: "10.71", Departement: "91", Status: o.Status}
	}
	return o, nil
}

func (f *concernFiles) RaiseOfferConcern(_ context.Context, _, _ string, concerns []string) error {
	if f.refusal != nil {
		return f.refusal
	}
	f.raised = append(f.raised, concerns)
	return nil
}

var formToken = regexp.MustCompile(`name="jeton" value="([^"]+)"`)

// The offer's own advisors read the concerns raised about the business
// (in words, with who and when) and raise one with the form, which
// needs a ticked concern before it calls takeover-matching and shows its
// refusals; the buyer's side (a teaser) reads nothing of it, and an
// offer off the market has no form.
func TestOfferConcernForm(t *testing.T) {
	const id = "0190b3c4-0000-7000-8000-000000000001"
	files := &concernFiles{offer: peers.Offer{View: "full", OfferID: id, Chamber: "CMA", AdvisorID: "cma-91-003", NAFCode: "10.71C",
		Departement: "91", Status: "published", DifficultyConcerns: []peers.DifficultyConcern{{ConcernID: id, AdvisorID: "cma-91-002",
			Concerns: []string{"cash_flow", "owner_wellbeing"}, RaisedAt: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}}}}
	srv := desk(t, files)
	path := "/dossiers/reprise/offres/" + id

	status, body := getPage(t, srv, "advisor", path)
	if status != http.StatusOK {
		t.Fatalf("offer page: %d", status)
	}
	for _, want := range []string{"Difficultés de l'entreprise", "3 novembre 2026 à 10 h 00</time> par Thomas Petit (cma-91-002) : " +
		"Trésorerie tendue (découvert, fins de mois difficiles) ; Santé ou épuisement du dirigeant.",
		`action="` + path + `/difficulte"`, `id="difficulte-supplier_delays"`, "Signaler à la cellule de prévention"} {
		if !strings.Contains(body, want) {
			t.Errorf("the offer page lacks %q", want)
		}
	}
	m := formToken.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no form token on the page")
	}
	token := m[1]

	if _, body := getPage(t, srv, "buyer", path); strings.Contains(body, "Difficultés de l'entreprise") || strings.Contains(body, "Trésorerie") {
		t.Error("the buyer's side reads the seller's difficulties")
	}

	status, _, body = sendPage(t, srv, "advisor", http.MethodPost, path+"/difficulte", url.Values{"jeton": {token}, "preoccupations": {"gossip"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#difficulte-cash_flow"`) ||
		!strings.Contains(body, "fr-fieldset--error") || len(files.raised) != 0 {
		t.Errorf("an unknown concern: %d, raised %v", status, files.raised)
	}
	status, loc, _ := sendPage(t, srv, "advisor", http.MethodPost, path+"/difficulte", url.Values{"jeton": {token},
		"preoccupations": {"activity_drop", "overdue_debts"}})
	if status != http.StatusSeeOther || loc != path+"?fait=difficulte-signalee#difficultes" ||
		len(files.raised) != 1 || !slices.Equal(files.raised[0], []string{"activity_drop", "overdue_debts"}) {
		t.Errorf("a concern: %d %q, raised %v", status, loc, files.raised)
	}
	if _, body := getPage(t, srv, "advisor", loc); !strings.Contains(body, "transmis à la cellule de prévention") {
		t.Error("no confirmation after the concern")
	}

	files.refusal = &peers.Refused{Status: http.StatusConflict, Title: "L'offre n'est plus sur le marché"}
	status, _, body = sendPage(t, srv, "advisor", http.MethodPost, path+"/difficulte", url.Values{"jeton": {token}, "preoccupations": {"cash_flow"}})
	if status != http.StatusConflict || !strings.Contains(body, "L'offre n'est plus sur le marché") || strings.Contains(body, "fr-fieldset--error") {
		t.Errorf("a refused concern: %d", status)
	}

	files.offer.Status = "concluded"
	if _, body := getPage(t, srv, "advisor", path); strings.Contains(body, `/difficulte"`) || !strings.Contains(body, "n'est plus sur le marché") {
		t.Error("a concluded offer offers the concern form")
	}
}

// A creation case's concern part: none before the follow-up; from it on,
// the form for the case's advisor alone, and nothing for another reader
// with no concern to read; a closed case shows its concerns, with no
// form.
func TestCreationConcernPart(t *testing.T) {
	s := &site{Routes: Routes{Directory: names{}}}
	c := caseRequest{formToken: "jeton"}
	cs := peers.CreationCase{ID: "0190b3c4-0000-7000-8000-000000000002", Stage: "formalities"}
	if f := s.creationConcern(t.Context(), c, cs, true, concernForm{}); f.Shown {
		t.Error("a case before its follow-up shows the concern part")
	}
	cs.Stage = "follow_up"
	if f := s.creationConcern(t.Context(), c, cs, true, concernForm{}); !f.Shown || !f.Open ||
		f.URL != "/dossiers/creation/"+cs.ID+"/difficulte" || len(f.Choices) != 5 {
		t.Errorf("the advisor's part in follow-up: %+v", f)
	}
	if f := s.creationConcern(t.Context(), c, cs, false, concernForm{}); f.Shown || f.Open {
		t.Errorf("another reader's part with no concern to read: shown %v, open %v", f.Shown, f.Open)
	}
	cs.Stage, cs.DifficultyConcerns = "closed", []peers.DifficultyConcern{{AdvisorID: "cma-91-002", Concerns: []string{"activity_drop"},
		RaisedAt: time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC)}}
	f := s.creationConcern(t.Context(), c, cs, false, concernForm{})
	if !f.Shown || f.Open || len(f.Raised) != 1 || f.Raised[0].Advisor != "Thomas Petit (cma-91-002)" ||
		f.Raised[0].Concerns[0] != "Baisse d'activité (chiffre d'affaires en recul, clients perdus)" {
		t.Errorf("a closed case's part: %+v", f)
	}
}
