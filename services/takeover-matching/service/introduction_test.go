package service_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

// TestAFullIntroductionOverNATS: a public CMA bakery, once vetted, and a
// CCI buyer are matched; their advisors take every step of the introduction through
// the API, each announced on TAKEOVER by takeover.match.stage_changed
// (only the introduction's names the requests); the buyer's chamber sees
// the offer as a teaser, without its SIRET, commune or request, until the
// introduction, and whole after.
func TestAFullIntroductionOverNATS(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(2)
	h.CaughtUp(t, h.Publish(t,
		h.Event(t, "intake", offerReq, offer(offerReq, false)),
		h.Event(t, "intake", searchReq, search(searchReq, "10.7")),
	))
	h.vet(t, offerReq) // published: now matched with the search
	var m events.TakeoverMatchProposed
	h.LastEvent(t, events.StreamTakeover, "takeover.match.proposed.91", &m)
	seller := h.token(t, auth.Principal{Subject: "cma-91-t", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	buyer := h.token(t, auth.Principal{Subject: "cci-91-t", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}})
	offerPath, matchPath := "/api/v1/takeover-offers/"+m.OfferID, "/api/v1/matches/"+m.MatchID

	hidden := func(when string) {
		t.Helper()
		for _, path := range []string{offerPath, matchPath} {
			a := h.Call(t, http.MethodGet, path, buyer, "")
			if a.Status != http.StatusOK || !strings.Contains(a.Body, `"view":"teaser"`) {
				t.Fatalf("%s, GET %s as the buyer's advisor: %d %s", when, path, a.Status, a.Body)
			}
			for _, id := range []string{"35600000000048", "91228", offerReq, `"reason"`} {
				if strings.Contains(a.Body, id) {
					t.Errorf("%s, GET %s shows the buyer's side %s: %s", when, path, id, a.Body)
				}
			}
		}
		if a := h.Call(t, http.MethodGet, "/api/v1/buyer-searches/"+m.SearchID, seller, ""); a.Status != http.StatusOK ||
			strings.Contains(a.Body, searchReq) {
			t.Errorf("%s, the seller's side reads the buyer's request: %d %s", when, a.Status, a.Body)
		}
	}
	hidden("proposed")

	steps := []struct {
		token, path, body, to string
	}{
		{seller, "/review", "", "proposed"},
		{buyer, "/review", "", "reviewed"},
		{buyer, "/interest", "", "interested"},
		{seller, "/approve-introduction", "", "interested"},
		{buyer, "/accept-undertaking", `{"version":"2026-01","accepted_on":"2026-01-15"}`, "introduced"},
		{seller, "/negotiating", "", "negotiating"},
		{buyer, "/conclude", `{"deal_date":"2026-02-01"}`, "concluded"},
	}
	for i, s := range steps {
		if s.to == "introduced" {
			hidden("before the undertaking")
		}
		a := h.Call(t, http.MethodPost, matchPath+s.path, s.token, s.body)
		if a.Status != http.StatusOK || !strings.Contains(a.Body, `"stage":"`+s.to+`"`) {
			t.Fatalf("POST %s: %d %s", s.path, a.Status, a.Body)
		}
		if n := h.Published(t, events.StreamTakeover)["takeover.match.stage_changed.91"]; n != uint64(i+1) {
			t.Fatalf("after %s, %d stage changes on TAKEOVER, want %d", s.path, n, i+1)
		}
		var ev events.TakeoverMatchStageChanged
		h.LastEvent(t, events.StreamTakeover, "takeover.match.stage_changed.91", &ev)
		if ev.MatchID != m.MatchID || ev.To != s.to || ev.AdvisorID == "" {
			t.Fatalf("after %s: %+v", s.path, ev)
		}
		if carries := ev.OfferRequestID == offerReq && ev.SearchRequestID == searchReq; carries != (s.to == "introduced") ||
			(!carries && (ev.OfferRequestID != "" || ev.SearchRequestID != "")) {
			t.Fatalf("after %s the event names the requests: %+v", s.path, ev)
		}
	}

	a := h.Call(t, http.MethodGet, offerPath, buyer, "")
	if a.Status != http.StatusOK || !strings.Contains(a.Body, `"view":"full"`) || !strings.Contains(a.Body, "35600000000048") ||
		!strings.Contains(a.Body, offerReq) {
		t.Fatalf("once introduced, the buyer's side sees the whole offer: %d %s", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodGet, "/api/v1/buyer-searches/"+m.SearchID, seller, ""); !strings.Contains(a.Body, searchReq) {
		t.Errorf("once introduced, the seller's side reads the buyer's request: %s", a.Body)
	}
	a = h.Call(t, http.MethodGet, matchPath, seller, "")
	for _, want := range []string{`"deal_date":"2026-02-01"`, `"version":"2026-01"`, `"next_steps":[]`, `"advisor_id":"cci-91-t"`} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("the concluded match lacks %s: %s", want, a.Body)
		}
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.takeover_match_steps WHERE match_id = $1`, m.MatchID); n != len(steps) {
		t.Errorf("%d steps kept, want %d", n, len(steps))
	}
}
