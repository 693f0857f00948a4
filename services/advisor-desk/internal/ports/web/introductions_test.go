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
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// Each step's form sends what takeover-matching needs, or says on its
// field what is missing; takeover-matching's names of the fields lead to
// the same fields.
func TestReadStep(t *testing.T) {
	sent, bad := readStep("accept_undertaking", url.Values{"version-engagement": {" 2026-01 "}, "date-engagement": {"2026-11-30"}})
	if len(bad) > 0 || sent.Version != "2026-01" || sent.AcceptedOn != "2026-11-30" {
		t.Errorf("undertaking %+v, errors %v", sent, bad)
	}
	_, bad = readStep("accept_undertaking", url.Values{"date-engagement": {"30/11/2026"}})
	if want := []string{"version-engagement", "date-engagement"}; !slices.Equal(fieldsOf(bad), want) {
		t.Errorf("undertaking errors on %q, want %q", fieldsOf(bad), want)
	}
	if _, bad = readStep("conclude", url.Values{"date-reprise": {"demain"}}); !slices.Equal(fieldsOf(bad), []string{"date-reprise"}) {
		t.Errorf("conclusion errors on %q", fieldsOf(bad))
	}
	if _, bad = readStep("drop", url.Values{"motif-fin": {"whim"}}); !slices.Equal(fieldsOf(bad), []string{"motif-fin"}) {
		t.Errorf("drop errors on %q", fieldsOf(bad))
	}
	if sent, bad = readStep("drop", url.Values{"motif-fin": {"price"}}); len(bad) > 0 || sent.Reason != "price" {
		t.Errorf("drop %+v, errors %v", sent, bad)
	}
	if _, bad = readStep("review", url.Values{}); len(bad) > 0 {
		t.Errorf("a review takes no input, errors %v", bad)
	}
	page := pageOf(t, peers.Match{MatchID: "0190b3c4-0000-7000-8000-000000000009", Introduction: peers.Introduction{
		Stage: "introduced", NextSteps: []string{"accept_undertaking", "conclude", "drop"}}})
	for _, name := range []string{"version", "accepted_on", "deal_date", "reason"} {
		if id := stepFields[name]; id == "" || !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("takeover-matching's %q names no field of the forms", name)
		}
	}
}

// Every step takeover-matching may offer has a path of its own, a button
// and a confirmation; a path finds its step, a code does not pass for one.
func TestMatchSteps(t *testing.T) {
	for _, code := range []string{"review", "interest", "approve_introduction", "accept_undertaking", "negotiate", "conclude", "drop"} {
		st, ok := matchStepBy(code)
		if !ok || st.Slug == "" || st.Done == "" || casefile.Label("match-action", code) == code {
			t.Errorf("step %q: %+v, labelled %q", code, st, casefile.Label("match-action", code))
		}
		if back, ok := matchStepBy(st.Slug); !ok || back != st {
			t.Errorf("the path %q does not find step %q", st.Slug, code)
		}
	}
	if _, ok := matchStepBy("abandon"); ok {
		t.Error("an unknown path finds a step")
	}
}

// pageOf renders the match page of m for its reader.
func pageOf(t *testing.T, m peers.Match) string {
	t.Helper()
	s := &site{Routes: Routes{Log: slog.New(slog.DiscardHandler)}, pages: parsePages(newStatic())}
	v := matchView{Match: m, Alert: &alert{Title: "Le formulaire contient des erreurs",
		Fields: []peers.FieldError{{Field: "motif-fin", Message: "Choisissez le motif."}}}}
	s.fillIntroduction(t.Context(), caseRequest{formToken: "jeton-1"}, m, &v)
	w := httptest.NewRecorder()
	s.render(w, httptest.NewRequest(http.MethodGet, "/dossiers/reprise/mises-en-relation/"+m.MatchID, nil), http.StatusOK, "match",
		layout{Title: "Mise en relation", Signed: true, Main: v})
	return html.UnescapeString(w.Body.String())
}

// The page says the stage and the history in French, offers the reader's
// next steps as forms with their token, links the errors to their
// fields, and says that the offer is a teaser until the introduction.
func TestMatchPageRender(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	m := peers.Match{MatchID: "0190b3c4-0000-7000-8000-000000000009", Active: true, Introduction: peers.Introduction{
		Stage: "interested", SellerReviewed: true, BuyerReviewed: true,
		History: []peers.MatchStepTaken{{Step: "review", Side: "seller", From: "proposed", To: "proposed", At: at},
			{Step: "review", Side: "buyer", From: "proposed", To: "reviewed", At: at},
			{Step: "interest", Side: "buyer", From: "reviewed", To: "interested", At: at}},
		NextSteps: []string{"approve_introduction", "drop"}}}
	body := pageOf(t, m)
	for _, want := range []string{
		`<dd id="etape-mise-en-relation">Repreneur intéressé : en attente de l'accord du cédant`,
		"<td>Cédant</td>", "<td>Repreneur</td>", "<td>Examen de la proposition</td>", "<td>Intérêt du repreneur</td>",
		`id="avant-mise-en-relation"`, "présentation anonyme",
		`action="/dossiers/reprise/mises-en-relation/0190b3c4-0000-7000-8000-000000000009/accord"`,
		`action="/dossiers/reprise/mises-en-relation/0190b3c4-0000-7000-8000-000000000009/fin"`,
		`name="jeton" value="jeton-1"`, "Le cédant accepte la mise en relation",
		`<option value="price">Pas d'accord sur le prix</option>`,
		`<a href="#motif-fin">Choisissez le motif.</a>`, `aria-describedby="motif-fin-erreur"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the match page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="date-engagement"`) || strings.Contains(body, "/examen") {
		t.Error("the page offers a step that is not the reader's")
	}

	m.Stage, m.NextSteps = "dropped", nil
	m.DropReason = "financing"
	m.History = append(m.History, peers.MatchStepTaken{Step: "accept_undertaking", Side: "buyer", From: "interested", To: "introduced", At: at},
		peers.MatchStepTaken{Step: "drop", Side: "seller", From: "introduced", To: "dropped", Reason: "financing", At: at})
	body = pageOf(t, m)
	for _, want := range []string{"Abandonnée (Le repreneur n'a pas obtenu son financement)",
		"Fin de la mise en relation : Le repreneur n'a pas obtenu son financement"} {
		if !strings.Contains(body, want) {
			t.Errorf("the dropped match's page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="avant-mise-en-relation"`) || strings.Contains(body, `id="etapes"`) {
		t.Error("a match dropped after the introduction still says the offer is a teaser, or offers steps")
	}
}
