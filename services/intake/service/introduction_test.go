package service_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
)

// TestIntroductionEventGrantsBothRequests: intake's TAKEOVER consumer
// takes takeover-matching's takeover.match.stage_changed; the step that
// introduces records the grant of each request to the other side, once,
// and the other steps record nothing.
func TestIntroductionEventGrantsBothRequests(t *testing.T) {
	h := start(t)
	submit := func(path, body, client string) string {
		a := send(t, http.MethodPost, h.URL+path, client, body)
		var v struct {
			RequestID string `json:"request_id"`
		}
		if a.status != http.StatusAccepted || json.Unmarshal(a.body, &v) != nil {
			t.Fatalf("POST %s: %d %s", path, a.status, a.body)
		}
		return v.RequestID
	}
	sellerID := submit("/api/v1/takeover-offers", `{"applicant": {"first_name": "Marc", "last_name": "Lefèvre", "email": "marc@example.fr"},
  "business": {"siret": "443 061 841 00047", "naf_code": "1071C", "postcode": "91000", "headcount": 4,
               "revenue_band": "300k_1m", "gross_operating_profit_band": "75k_150k", "legal_form": "SARL", "crafts_registered": "yes"},
  "offer": {"asking_price": 280000, "deal_types": ["fonds"], "reason": "retirement", "timeline": "6m_12m", "confidential": true}}`, "192.0.2.20")
	buyerID := submit("/api/v1/buyer-searches", `{"applicant": {"first_name": "Julie", "last_name": "Martin", "email": "julie@example.fr"},
  "search": {"sectors": ["47.11F"], "areas": {"departements": ["91"]}, "mobility": "local", "budget": 300000,
             "personal_contribution": 80000, "headcount_min": 0, "headcount_max": 10, "deal_types": ["fonds"],
             "timeline": "6m_12m", "experience": "sector"}}`, "192.0.2.21")

	matchID := uuid.Must(uuid.NewV7()).String()
	step := func(from, to string) events.Event {
		p := events.TakeoverMatchStageChanged{MatchID: matchID, OfferID: uuid.Must(uuid.NewV7()).String(),
			SearchID: uuid.Must(uuid.NewV7()).String(), OfferChamber: "CMA", SearchChamber: "CCI", Step: "accept_undertaking",
			Side: "buyer", AdvisorID: "cci-91-005", From: from, To: to, ChangedAt: time.Now()}
		if to == events.MatchStageIntroduced {
			p.OfferRequestID, p.SearchRequestID = sellerID, buyerID
		}
		return h.Event(t, "takeover-matching", matchID, p)
	}
	introduced := step("interested", "introduced")
	h.Publish(t, step("interested", "interested"), introduced)
	h.PublishCopy(t, introduced, "second-copy") // past JetStream's de-duplication
	h.CaughtUp(t, h.Publish(t, step("introduced", "negotiating")))
	if n := h.DB.Count(t, `SELECT count(*) FROM intake.takeover_introductions WHERE match_id = $1`, matchID); n != 2 {
		t.Fatalf("%d grants recorded, want one a side", n)
	}
	var side, other string
	h.DB.Scan(t, `SELECT side, other_request_id::text FROM intake.takeover_introductions WHERE request_id = $1`,
		[]any{sellerID}, &side, &other)
	if side != "seller" || other != buyerID {
		t.Errorf("the seller's grant: side %q, other request %q", side, other)
	}
}
