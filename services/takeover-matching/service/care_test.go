package service_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

// TestTakeInChargeAndHandBackOverNATS: an offer registered to the least
// loaded CMA advisor is handed back by them with a reason (422 without,
// 403 for anyone else): it goes to the other CMA advisor, the loads
// follow, takeover.offer.reassigned says so without the comment; the new
// advisor takes it in charge (takeover.offer.taken_in_charge), once (409
// after), and the offer shows who and when. A search whose chamber has
// no one else goes to nobody.
func TestTakeInChargeAndHandBackOverNATS(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cma-91-u", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(3)
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, false)),
		h.Event(t, "intake", searchReq, search(searchReq, "01"))))
	id := h.DB.Text(t, `SELECT offer_id::text FROM takeover_matching.takeover_offers WHERE request_id = $1`, offerReq)
	first := h.DB.Text(t, `SELECT advisor_id FROM takeover_matching.takeover_offers WHERE offer_id = $1`, id)
	if first != "cma-91-t" {
		t.Fatalf("offer registered to %q, want the first of the least loaded", first)
	}
	as := func(sub, chamber string, role auth.Role) string {
		return h.token(t, auth.Principal{Subject: sub, Chamber: chamber, Roles: []auth.Role{role}})
	}
	cmaT, cmaU, cmaM, cciT := as("cma-91-t", "CMA", auth.RoleAdvisor), as("cma-91-u", "CMA", auth.RoleAdvisor),
		as("cma-91-m", "CMA", auth.RoleManager), as("cci-91-t", "CCI", auth.RoleAdvisor)
	path := "/api/v1/takeover-offers/" + id

	for _, tc := range []struct {
		name, token, action, body string
		status                    int
	}{
		{"another advisor of the chamber takes it", cmaU, "/take-in-charge", "", http.StatusForbidden},
		{"a manager takes it", cmaM, "/take-in-charge", "", http.StatusForbidden},
		{"the other chamber hands it back", cciT, "/hand-back", `{"reason":"other"}`, http.StatusForbidden},
		{"no reason", cmaT, "/hand-back", `{"comment":"pas mon secteur"}`, http.StatusUnprocessableEntity},
		{"a reason not listed", cmaT, "/hand-back", `{"reason":"wrong_chamber"}`, http.StatusUnprocessableEntity},
	} {
		if a := h.Call(t, http.MethodPost, path+tc.action, tc.token, tc.body); a.Status != tc.status {
			t.Fatalf("%s: %d %s, want %d", tc.name, a.Status, a.Body, tc.status)
		} else if tc.status == http.StatusUnprocessableEntity && !strings.Contains(a.Body, `"field":"reason"`) {
			t.Fatalf("%s: %s does not name the reason", tc.name, a.Body)
		}
	}
	if a := h.Call(t, http.MethodPost, path+"/hand-back", cmaT, `{"reason":"no_capacity","comment":"Trop de dossiers ce mois-ci"}`); a.Status != http.StatusOK ||
		!strings.Contains(a.Body, `"advisor_id":"cma-91-u"`) || strings.Contains(a.Body, "taken_in_charge") {
		t.Fatalf("hand back: %d %s, want it with cma-91-u, waiting", a.Status, a.Body)
	}
	var moved events.TakeoverOfferReassigned
	msg := h.LastEvent(t, events.StreamTakeover, "takeover.offer.reassigned.91", &moved)
	if moved.OfferID != id || moved.AdvisorID != "cma-91-u" || moved.PreviousAdvisorID != "cma-91-t" || moved.Reason != "no_capacity" ||
		moved.Chamber != "CMA" || moved.RequestID != offerReq {
		t.Fatalf("reassigned = %+v", moved)
	}
	if strings.Contains(string(msg.Data), "Trop de dossiers") {
		t.Fatalf("the comment left the service: %s", msg.Data)
	}
	for who, want := range map[string]int{"cma-91-t": 0, "cma-91-u": 1} {
		if n := h.DB.Count(t, `SELECT open_cases FROM takeover_matching.advisors WHERE advisor_id = $1`, who); n != want {
			t.Errorf("%s counts %d open cases, want %d", who, n, want)
		}
	}
	if a := h.Call(t, http.MethodPost, path+"/take-in-charge", cmaT, ""); a.Status != http.StatusForbidden {
		t.Fatalf("the advisor who handed it back takes it: %d, want 403", a.Status)
	}
	if a := h.Call(t, http.MethodPost, path+"/take-in-charge", cmaU, ""); a.Status != http.StatusOK {
		t.Fatalf("take in charge: %d %s", a.Status, a.Body)
	}
	var taken events.TakeoverOfferTakenInCharge
	h.LastEvent(t, events.StreamTakeover, "takeover.offer.taken_in_charge.91", &taken)
	if taken.OfferID != id || taken.AdvisorID != "cma-91-u" || taken.TakenAt.IsZero() {
		t.Fatalf("taken in charge = %+v", taken)
	}
	for _, action := range []string{"/take-in-charge", "/hand-back"} {
		if a := h.Call(t, http.MethodPost, path+action, cmaU, `{"reason":"other"}`); a.Status != http.StatusConflict {
			t.Fatalf("%s once taken in charge: %d %s, want 409", action, a.Status, a.Body)
		}
	}
	var got struct {
		At string `json:"taken_in_charge_at"`
		By string `json:"taken_in_charge_by"`
	}
	if a := h.Call(t, http.MethodGet, path, cmaM, ""); json.Unmarshal([]byte(a.Body), &got) != nil || got.By != "cma-91-u" || got.At == "" {
		t.Fatalf("the offer reads %s", a.Body)
	}

	// A search whose chamber has nobody else goes to nobody.
	sid := h.DB.Text(t, `SELECT search_id::text FROM takeover_matching.buyer_searches WHERE request_id = $1`, searchReq)
	if a := h.Call(t, http.MethodPost, "/api/v1/buyer-searches/"+sid+"/hand-back", cciT, `{"reason":"wrong_speciality"}`); a.Status != http.StatusOK ||
		strings.Contains(a.Body, `"advisor_id"`) {
		t.Fatalf("hand the search back: %d %s, want it with nobody", a.Status, a.Body)
	}
	var searchMoved events.TakeoverSearchReassigned
	h.LastEvent(t, events.StreamTakeover, "takeover.search.reassigned.91", &searchMoved)
	if searchMoved.SearchID != sid || searchMoved.AdvisorID != "" || searchMoved.PreviousAdvisorID != "cci-91-t" {
		t.Fatalf("search reassigned = %+v", searchMoved)
	}
	if a := h.Call(t, http.MethodPost, "/api/v1/buyer-searches/"+sid+"/take-in-charge", cciT, ""); a.Status != http.StatusForbidden {
		t.Fatalf("take in charge a search assigned to nobody: %d, want 403", a.Status)
	}
	if n := h.Published(t, events.StreamTakeover)["takeover.offer.taken_in_charge.91"]; n != 1 {
		t.Fatalf("%d takings in charge announced, want 1", n)
	}
}
