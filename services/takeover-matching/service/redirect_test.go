package service_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

const (
	redirectReq  = "01900000-0000-7000-8000-000000000004"
	redirectCase = "01900000-0000-7000-8000-0000000000c4"
)

// TestRedirectedCreationProjectBecomesADraftSearchItsAdvisorCompletes: a
// creation project redirected to takeover (twice, as a redelivery would)
// opens one draft buyer search for the same request, assigned to the
// chamber's takeover advisor, announced as a draft, and meeting no offer
// although its sector fits one; its advisor completes it (bad criteria
// are named, the other chamber is refused), and it then meets the offer;
// a second completion is a conflict.
func TestRedirectedCreationProjectBecomesADraftSearchItsAdvisorCompletes(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(2)
	redirect := h.Event(t, "creation-support", redirectCase, events.CreationCaseRedirectedToTakeover{CaseID: redirectCase,
		RequestID: redirectReq, Chamber: "CCI", AdvisorID: "cci-91-c", NAFCode: "10.71C", CommuneCode: "91228",
		Departement: "91", RedirectedAt: time.Now()})
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, false))))
	h.vet(t, offerReq)
	h.PublishCopy(t, redirect, "first-copy")
	h.CaughtUp(t, h.PublishCopy(t, redirect, "second-copy"))

	var status, caseID string
	h.DB.Scan(t, `SELECT status, creation_case_id::text FROM takeover_matching.buyer_searches WHERE request_id = $1`,
		[]any{redirectReq}, &status, &caseID)
	if status != "draft" || caseID != redirectCase {
		t.Fatalf("search of the redirected request: status %q, case %q; want a draft of %s", status, caseID, redirectCase)
	}
	subjects := h.Published(t, events.StreamTakeover)
	if subjects["takeover.search.registered.91"] != 1 || subjects["takeover.match.proposed.91"] != 0 {
		t.Fatalf("TAKEOVER holds %v, want one search registered and no match for a draft", subjects)
	}
	var reg events.TakeoverSearchRegistered
	h.LastEvent(t, events.StreamTakeover, "takeover.search.registered.91", &reg)
	if !reg.Draft || reg.RequestID != redirectReq || reg.Chamber != "CCI" || reg.AdvisorID != "cci-91-t" {
		t.Fatalf("registered = %+v, want a draft of the CCI's takeover advisor", reg)
	}

	cci := h.token(t, auth.Principal{Subject: "cci-91-t", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}})
	cma := h.token(t, auth.Principal{Subject: "cma-91-t", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	path := "/api/v1/buyer-searches/" + reg.SearchID + "/criteria"
	bad := `{"sectors":["99.99Z"],"commune_codes":["91228"],"mobility":"local","budget_band":"100k_300k",
		"personal_contribution_band":"300k_1m","headcount_min":5,"headcount_max":2,"deal_types":["fonds"],
		"timeline":"6m_12m","experience":"sector"}`
	a := h.Call(t, http.MethodPut, path, cci, bad)
	if a.Status != http.StatusBadRequest {
		t.Fatalf("PUT bad criteria: %d %s", a.Status, a.Body)
	}
	for _, field := range []string{`"sectors[0]"`, `"contribution_band"`, `"headcount_max"`} {
		if !strings.Contains(a.Body, field) {
			t.Errorf("the problem does not name %s: %s", field, a.Body)
		}
	}
	good := strings.Replace(strings.Replace(strings.Replace(bad, "99.99Z", "10.7", 1), `"300k_1m"`, `"50k_100k"`, 1),
		`"headcount_max":2`, `"headcount_max":8`, 1)
	if a := h.Call(t, http.MethodPut, path, cma, good); a.Status != http.StatusForbidden {
		t.Fatalf("PUT by the other chamber: %d %s, want 403", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodPut, path, "", good); a.Status != http.StatusUnauthorized {
		t.Fatalf("PUT without token: %d, want 401", a.Status)
	}
	a = h.Call(t, http.MethodPut, path, cci, good)
	if a.Status != http.StatusOK {
		t.Fatalf("PUT criteria: %d %s", a.Status, a.Body)
	}
	var got struct {
		Status  string   `json:"status"`
		Sectors []string `json:"sectors"`
	}
	if err := json.Unmarshal([]byte(a.Body), &got); err != nil || got.Status != "open" || !slices.Equal(got.Sectors, []string{"10.7"}) {
		t.Fatalf("completed search = %s (%v)", a.Body, err)
	}
	if subjects := h.Published(t, events.StreamTakeover); subjects["takeover.match.proposed.91"] != 1 {
		t.Fatalf("TAKEOVER holds %v, want the completed search matched with the offer", subjects)
	}
	var m events.TakeoverMatchProposed
	h.LastEvent(t, events.StreamTakeover, "takeover.match.proposed.91", &m)
	if m.SearchID != reg.SearchID || m.SearchAdvisorID != "cci-91-t" {
		t.Fatalf("match = %+v, want the completed search's", m)
	}
	if a := h.Call(t, http.MethodPut, path, cci, good); a.Status != http.StatusConflict {
		t.Fatalf("second PUT: %d %s, want 409", a.Status, a.Body)
	}
}

func (h *harness) token(t *testing.T, p auth.Principal) string {
	t.Helper()
	tok, err := h.issuer.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}
