package service_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestRaiseConcernOverNATS: an advisor of the offer's chamber raises a
// concern about the business for sale (201): takeover.offer.difficulty_seen
// places it by codes for difficulty-alert, subject the offer, territory
// its département. A manager of the chamber raising another the same day
// gets that concern back (200): nothing stored, nothing announced. The
// buyer's side of a match may neither raise one (403) nor read it: the
// offer's teaser has none, its own chamber's view lists it. A bad input
// names concerns (422); once the offer is withdrawn, none is raised (409),
// even on a day that has its concern.
func TestRaiseConcernOverNATS(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(2)
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, false)),
		h.Event(t, "intake", searchReq, search(searchReq, "10.7"))))
	id := h.vet(t, offerReq)
	h.DB.WaitCount(t, "the match proposed", 1, `SELECT count(*) FROM takeover_matching.takeover_matches WHERE offer_id = $1`, id)
	as := func(sub, chamber string, role auth.Role) string {
		return h.token(t, auth.Principal{Subject: sub, Chamber: chamber, Roles: []auth.Role{role}})
	}
	cmaT, cmaM, cciT := as("cma-91-t", "CMA", auth.RoleAdvisor), as("cma-91-m", "CMA", auth.RoleManager), as("cci-91-t", "CCI", auth.RoleAdvisor)
	// The same-day repeat below runs on the service's own clock.
	testkit.AwayFromMidnight(t, time.Minute)
	path := "/api/v1/takeover-offers/" + id + "/difficulty-concerns"
	const body = `{"concerns":["cash_flow","supplier_delays"]}`

	for _, tc := range []struct {
		name, token, path, body string
		status                  int
	}{
		{"no token", "", path, body, http.StatusUnauthorized},
		{"an unknown offer", cmaT, "/api/v1/takeover-offers/" + uuid.Must(uuid.NewV7()).String() + "/difficulty-concerns", body, http.StatusNotFound},
		{"the buyer's side of a match", cciT, path, body, http.StatusForbidden},
		{"no concern", cmaT, path, `{"concerns":[]}`, http.StatusUnprocessableEntity},
		{"no list", cmaT, path, `{}`, http.StatusUnprocessableEntity},
		{"a code not listed", cmaT, path, `{"concerns":["cash_flow","bankruptcy"]}`, http.StatusUnprocessableEntity},
		{"a code twice", cmaT, path, `{"concerns":["cash_flow","cash_flow"]}`, http.StatusUnprocessableEntity},
		{"free text", cmaT, path, `{"concerns":["cash_flow"],"comment":"Le gérant est épuisé"}`, http.StatusBadRequest},
	} {
		a := h.Call(t, http.MethodPost, tc.path, tc.token, tc.body)
		if a.Status != tc.status {
			t.Fatalf("%s: %d %s, want %d", tc.name, a.Status, a.Body, tc.status)
		}
		if tc.status == http.StatusUnprocessableEntity && !strings.Contains(a.Body, `"field":"concerns"`) {
			t.Fatalf("%s: %s does not name concerns", tc.name, a.Body)
		}
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.offer_difficulty_concerns`); n != 0 {
		t.Fatalf("%d concerns stored by refused calls", n)
	}

	type concernJSON struct {
		ConcernID string    `json:"concern_id"`
		OfferID   string    `json:"offer_id"`
		AdvisorID string    `json:"advisor_id"`
		Concerns  []string  `json:"concerns"`
		RaisedAt  time.Time `json:"raised_at"`
	}
	a := h.Call(t, http.MethodPost, path, cmaT, body)
	var first concernJSON
	if a.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s, want 201", a.Status, a.Body)
	}
	a.Decode(t, &first)
	if _, err := uuid.Parse(first.ConcernID); err != nil || first.OfferID != id || first.AdvisorID != "cma-91-t" ||
		!slices.Equal(first.Concerns, []string{"cash_flow", "supplier_delays"}) || first.RaisedAt.IsZero() {
		t.Fatalf("raised %+v", first)
	}
	var seen events.TakeoverOfferDifficultySeen
	msg := h.LastEvent(t, events.StreamTakeover, "takeover.offer.difficulty_seen.91", &seen)
	if seen.OfferID != id || seen.ConcernID != first.ConcernID || seen.RequestID != offerReq || seen.Chamber != "CMA" ||
		seen.SecondaryChamber != "" || seen.AdvisorID != "cma-91-t" || seen.NAFCode != "10.71C" || seen.Departement != "91" ||
		seen.EPCI != "200056232" || !slices.Equal(seen.Concerns, first.Concerns) || !seen.SeenAt.Equal(first.RaisedAt) {
		t.Fatalf("difficulty seen = %+v", seen)
	}
	if err := seen.Validate(); err != nil {
		t.Fatalf("difficulty seen invalid: %v", err)
	}
	if got := msg.Header.Get(events.HeaderSubject); got != id {
		t.Fatalf("ce-subject %q, want the offer %s", got, id)
	}
	for _, identifying := range []string{"35600000000048", "91228"} {
		if strings.Contains(string(msg.Data), identifying) {
			t.Fatalf("the event names the business (%s): %s", identifying, msg.Data)
		}
	}

	// Another of the chamber, the same day: the day's concern, unchanged.
	a = h.Call(t, http.MethodPost, path, cmaM, `{"concerns":["owner_wellbeing"]}`)
	var again concernJSON
	if a.Status != http.StatusOK {
		t.Fatalf("raise again: %d %s, want 200", a.Status, a.Body)
	}
	a.Decode(t, &again)
	if again.ConcernID != first.ConcernID || again.AdvisorID != "cma-91-t" || !slices.Equal(again.Concerns, first.Concerns) ||
		!again.RaisedAt.Equal(first.RaisedAt) {
		t.Fatalf("raised again %+v, want the day's %+v", again, first)
	}
	if n := h.Published(t, events.StreamTakeover)["takeover.offer.difficulty_seen.91"]; n != 1 {
		t.Fatalf("%d concerns announced, want 1", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.offer_difficulty_concerns WHERE offer_id = $1`, id); n != 1 {
		t.Fatalf("%d concerns stored, want 1", n)
	}

	// Its own chamber reads it in the offer; the buyer's side, in the
	// teaser, does not.
	var own struct {
		View     string        `json:"view"`
		Concerns []concernJSON `json:"difficulty_concerns"`
	}
	if a := h.Call(t, http.MethodGet, "/api/v1/takeover-offers/"+id, cmaM, ""); a.Status != http.StatusOK {
		t.Fatalf("read the offer: %d %s", a.Status, a.Body)
	} else {
		a.Decode(t, &own)
	}
	if own.View != "full" || len(own.Concerns) != 1 || own.Concerns[0].ConcernID != first.ConcernID ||
		own.Concerns[0].AdvisorID != "cma-91-t" || !slices.Equal(own.Concerns[0].Concerns, first.Concerns) || own.Concerns[0].OfferID != "" {
		t.Fatalf("the offer's own chamber reads %+v", own)
	}
	if a := h.Call(t, http.MethodGet, "/api/v1/takeover-offers/"+id, cciT, ""); a.Status != http.StatusOK ||
		!strings.Contains(a.Body, `"view":"teaser"`) || strings.Contains(a.Body, "difficulty_concerns") || strings.Contains(a.Body, "cash_flow") {
		t.Fatalf("the buyer's side reads %d %s, want the teaser without the concern", a.Status, a.Body)
	}

	// Withdrawn: its sale is no longer followed.
	if a := h.Call(t, http.MethodPost, "/api/v1/takeover-offers/"+id+"/status", cmaM, `{"to":"withdrawn"}`); a.Status != http.StatusOK {
		t.Fatalf("withdraw: %d %s", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodPost, path, cmaT, body); a.Status != http.StatusConflict {
		t.Fatalf("raise about a withdrawn offer: %d %s, want 409", a.Status, a.Body)
	}
	if n := h.Published(t, events.StreamTakeover)["takeover.offer.difficulty_seen.91"]; n != 1 {
		t.Fatalf("%d concerns announced, want 1", n)
	}
}
