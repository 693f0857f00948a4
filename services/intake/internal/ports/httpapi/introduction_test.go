package httpapi_test

import (
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// The buyer is another person than the seller (offerJSON's Marc Lefèvre),
// seeking a grocery (the CCI's) while the seller's bakery is the CMA's.
var (
	buyerJSON = strings.NewReplacer("Marc", "Julie", "Lefèvre", "Martin", "marc.lefevre@example.fr", "julie.martin@example.fr",
		"01 23 45 67 89", "06 98 76 54 32", `["1071C", "96.02A"]`, `["47.11F"]`).Replace(searchJSON)
	buyerData = []string{"Julie", "Martin", "julie.martin@example.fr", "+33698765432", "06 98 76 54 32"}
)

// TestIntroductionGrantsAndTellsBothSidesOnce: before takeover-matching
// says a match is introduced, an advisor of the buyer's chamber may not
// read the seller's request, nor one of the seller's chamber the buyer's;
// after, each reads the other side's request with its contact details
// (advisors only, not managers), and each applicant gets one e-mail that
// names the other side's chamber and nothing of the other party, however
// often the event comes.
func TestIntroductionGrantsAndTellsBothSidesOnce(t *testing.T) {
	e := setupMail(t)
	seller := e.do(t, http.MethodPost, httpapi.TakeoverOfferPath, "application/json", "", []byte(offerJSON))
	buyer := e.do(t, http.MethodPost, httpapi.BuyerSearchPath, "application/json", "", []byte(buyerJSON))
	if seller.status != http.StatusAccepted || buyer.status != http.StatusAccepted {
		t.Fatalf("submissions: %d %d", seller.status, buyer.status)
	}
	sellerID, buyerID := str(seller.body["request_id"]), str(buyer.body["request_id"])
	routing := func(r map[string]any, field string) string {
		m, _ := r["routing"].(map[string]any)
		return str(m[field])
	}
	if routing(seller.body, "lead_chamber") != "CMA" || routing(seller.body, "secondary_chamber") != "" ||
		routing(buyer.body, "lead_chamber") != "CCI" || routing(buyer.body, "secondary_chamber") != "" {
		t.Fatalf("want the seller at the CMA alone and the buyer at the CCI alone: %v / %v", seller.body["routing"], buyer.body["routing"])
	}
	if got := e.send(t); len(got) != 2 {
		t.Fatalf("%d e-mails, want the two receipts", len(got))
	}
	cciAdvisor, cciManager := e.token(t, "cci-91-005", "CCI", auth.RoleAdvisor), e.token(t, "cci-91-001", "CCI", auth.RoleManager)
	cmaAdvisor, cmaManager := e.token(t, "cma-91-005", "CMA", auth.RoleAdvisor), e.token(t, "cma-91-001", "CMA", auth.RoleManager)
	reads := func(token, id string) int {
		status, _ := e.advisorGet(t, httpapi.RequestPath+"/"+id, token)
		return status
	}
	if reads(cciAdvisor, sellerID) != http.StatusForbidden || reads(cmaAdvisor, buyerID) != http.StatusForbidden {
		t.Fatal("a side reads the other's request before the introduction")
	}

	matchID := uuid.Must(uuid.NewV7()).String()
	step := func(from, to string, requests bool) (events.Event, events.TakeoverMatchStageChanged) {
		p := events.TakeoverMatchStageChanged{MatchID: matchID, OfferID: uuid.Must(uuid.NewV7()).String(),
			SearchID: uuid.Must(uuid.NewV7()).String(), OfferChamber: "CMA", SearchChamber: "CCI", Step: "accept_undertaking",
			Side: "buyer", AdvisorID: "cci-91-005", From: from, To: to, ChangedAt: e.clock.Now()}
		if requests {
			p.OfferRequestID, p.SearchRequestID = sellerID, buyerID
		}
		ev, err := events.New("takeover-matching", matchID, "91", p, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return ev, p
	}
	uc := app.RecordIntroduction{Introductions: e.store}
	ev, p := step("interested", "interested", false) // the seller's approval: no introduction yet
	if err := uc.Handle(e.ctx, ev, p); err != nil {
		t.Fatal(err)
	}
	if reads(cciAdvisor, sellerID) != http.StatusForbidden {
		t.Fatal("a step before the introduction granted the seller's request")
	}
	ev, p = step("interested", "introduced", true)
	replay, _ := step("interested", "introduced", true) // the same step under another event id
	for _, x := range []events.Event{ev, ev, replay} {
		if err := uc.Handle(e.ctx, x, p); err != nil {
			t.Fatal(err)
		}
	}

	for _, c := range []struct {
		name, token, id string
		want            int
	}{
		{"the buyer's chamber's advisor reads the seller's request", cciAdvisor, sellerID, http.StatusOK},
		{"the seller's chamber's advisor reads the buyer's request", cmaAdvisor, buyerID, http.StatusOK},
		{"the buyer's chamber's manager does not", cciManager, sellerID, http.StatusForbidden},
		{"the seller's chamber's manager does not", cmaManager, buyerID, http.StatusForbidden},
	} {
		if got := reads(c.token, c.id); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}

	e.clock.Advance(time.Minute)
	got := e.send(t)
	if len(got) != 4 {
		t.Fatalf("%d e-mails, want the receipts and one introduction each", len(got))
	}
	e.clock.Advance(time.Hour)
	if again := e.send(t); len(again) != 4 {
		t.Fatalf("%d e-mails after an hour, want no second introduction", len(again))
	}
	for _, m := range got[2:] {
		text := m.Text() + html.UnescapeString(m.HTML())
		switch m.To[0] {
		case "marc.lefevre@example.fr":
			assertFrench(t, m, sellerID, "marc.lefevre@example.fr")
			if !strings.Contains(text, "chambre de commerce et d'industrie (CCI)") || !strings.Contains(text, "repreneur") {
				t.Errorf("the seller's e-mail does not name the buyer's chamber:\n%s", m.Text())
			}
			for _, d := range append(buyerData, buyerID) {
				if strings.Contains(text, d) {
					t.Errorf("the seller's e-mail carries the buyer's %q", d)
				}
			}
		case "julie.martin@example.fr":
			assertFrench(t, m, buyerID, "julie.martin@example.fr")
			if !strings.Contains(text, "chambre de métiers et de l'artisanat (CMA)") || !strings.Contains(text, "cédant") {
				t.Errorf("the buyer's e-mail does not name the seller's chamber:\n%s", m.Text())
			}
			for _, d := range append(contactData, sellerID, "443 061 841", "44306184100047") {
				if strings.Contains(text, d) {
					t.Errorf("the buyer's e-mail carries the seller's %q", d)
				}
			}
		default:
			t.Errorf("introduction e-mail to %v", m.To)
		}
	}
}
