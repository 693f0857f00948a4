package service_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/takeover-matching/service"
)

// TestListingLifeAndMatching: a submitted offer meets no search; vetted,
// it is published (takeover.offer.published, codes and bands only) and
// matched; paused, it meets no new search and its matches show inactive;
// republished, it meets the search it missed; withdrawn, it cannot come
// back. The wrong person gets 403, a move its life does not allow 409;
// the history keeps who did what; the file stays with the offer's
// chamber.
func TestListingLifeAndMatching(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(2)
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, false)),
		h.Event(t, "intake", searchReq, search(searchReq, "10.7"))))
	if n := h.Published(t, events.StreamTakeover)["takeover.match.proposed.91"]; n != 0 {
		t.Fatalf("a submitted offer was matched %d times", n)
	}
	id := h.DB.Text(t, `SELECT offer_id::text FROM takeover_matching.takeover_offers WHERE request_id = $1`, offerReq)
	cma := h.token(t, auth.Principal{Subject: "cma-91-t", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	otherCMA := h.token(t, auth.Principal{Subject: "cma-91-x", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	cci := h.token(t, auth.Principal{Subject: "cci-91-t", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}})
	offerPath := "/api/v1/takeover-offers/" + id

	if a := h.Call(t, http.MethodPost, offerPath+"/vetting", otherCMA, vetting); a.Status != http.StatusForbidden {
		t.Fatalf("vetting by another advisor of the chamber: %d %s, want 403", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodPost, offerPath+"/vetting", cma, strings.Replace(vetting, `"Gérant depuis 1998"`, `""`, 1)); a.Status != http.StatusBadRequest ||
		!strings.Contains(a.Body, `"file.owner"`) {
		t.Fatalf("vetting without the owner: %d %s, want 400 naming file.owner", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodPost, offerPath+"/vetting", cma, vetting); a.Status != http.StatusOK ||
		!strings.Contains(a.Body, `"status":"published"`) || !strings.Contains(a.Body, `"reason_for_sale":"Retraite"`) {
		t.Fatalf("vetting by its advisor: %d %s", a.Status, a.Body)
	}
	subjects := h.Published(t, events.StreamTakeover)
	if subjects["takeover.offer.published.91"] != 1 || subjects["takeover.match.proposed.91"] != 1 {
		t.Fatalf("TAKEOVER holds %v, want the listing published and matched", subjects)
	}
	msg := h.LastEvent(t, events.StreamTakeover, "takeover.offer.published.91", &events.TakeoverOfferPublished{})
	if body := string(msg.Data); strings.Contains(body, "Retraite") || strings.Contains(body, "Gérant") || strings.Contains(body, "91228") {
		t.Fatalf("the published event carries the file or the commune: %s", body)
	}

	// The buyer's chamber sees the listing through the match, never its file.
	if a := h.Call(t, http.MethodGet, offerPath, cci, ""); a.Status != http.StatusOK || strings.Contains(a.Body, `"file"`) ||
		strings.Contains(a.Body, "Retraite") || strings.Contains(a.Body, `"history"`) {
		t.Fatalf("the buyer's chamber reads %d %s", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodPost, offerPath+"/status", cci, `{"to":"paused"}`); a.Status != http.StatusForbidden {
		t.Fatalf("pause by the buyer's chamber: %d, want 403", a.Status)
	}
	if a := h.Call(t, http.MethodPost, offerPath+"/status", cma, `{"to":"paused","reason":"négociation en cours"}`); a.Status != http.StatusOK {
		t.Fatalf("pause: %d %s", a.Status, a.Body)
	}
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", otherReq, search(otherReq, "10.71C"))))
	if n := h.Published(t, events.StreamTakeover)["takeover.match.proposed.91"]; n != 1 {
		t.Fatalf("a paused listing was matched: %d matches", n)
	}
	if a := h.Call(t, http.MethodGet, "/api/v1/matches?offer_id="+id, cma, ""); a.Status != http.StatusOK || !strings.Contains(a.Body, `"active":false`) {
		t.Fatalf("the match of a paused listing: %d %s, want it inactive", a.Status, a.Body)
	}

	if a := h.Call(t, http.MethodPost, offerPath+"/status", cma, `{"to":"published"}`); a.Status != http.StatusOK {
		t.Fatalf("republish: %d %s", a.Status, a.Body)
	}
	if n := h.Published(t, events.StreamTakeover)["takeover.match.proposed.91"]; n != 2 {
		t.Fatalf("republished, the listing has %d matches, want the missed search's too", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.takeover_matches WHERE offer_id = $1`, id); n != 2 {
		t.Fatalf("%d matches stored, want one per search", n)
	}
	if a := h.Call(t, http.MethodPost, offerPath+"/status", cma, `{"to":"withdrawn"}`); a.Status != http.StatusOK {
		t.Fatalf("withdraw: %d %s", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodPost, offerPath+"/status", cma, `{"to":"published"}`); a.Status != http.StatusConflict {
		t.Fatalf("republish a withdrawn listing: %d, want 409", a.Status)
	}
	// Published waits for the relay, so that the last event is the
	// withdrawal's.
	if n := h.Published(t, events.StreamTakeover)["takeover.offer.status_changed.91"]; n != 3 {
		t.Fatalf("%d status changes announced, want 3", n)
	}
	var ch events.TakeoverOfferStatusChanged
	h.LastEvent(t, events.StreamTakeover, "takeover.offer.status_changed.91", &ch)
	if ch.OfferID != id || ch.From != "published" || ch.To != "withdrawn" || ch.By != "cma-91-t" {
		t.Fatalf("last status change %+v", ch)
	}

	a := h.Call(t, http.MethodGet, offerPath, cma, "")
	var got struct {
		Status  string                  `json:"status"`
		File    *struct{ Owner string } `json:"file"`
		History []struct {
			From, To, By, Reason string
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(a.Body), &got); err != nil || got.Status != "withdrawn" || got.File == nil || got.File.Owner != "Gérant depuis 1998" {
		t.Fatalf("the offer's chamber reads %s (%v)", a.Body, err)
	}
	want := []string{"submitted>published by cma-91-t", "published>paused by cma-91-t (négociation en cours)",
		"paused>published by cma-91-t", "published>withdrawn by cma-91-t"}
	if len(got.History) != len(want) {
		t.Fatalf("history %+v, want %v", got.History, want)
	}
	for i, c := range got.History {
		line := c.From + ">" + c.To + " by " + c.By
		if c.Reason != "" {
			line += " (" + c.Reason + ")"
		}
		if line != want[i] {
			t.Errorf("history[%d] = %s, want %s", i, line, want[i])
		}
	}
}

// TestSearchLifeAndMatching: a paused search meets no new listing; its
// advisor renews it; reopened, it meets the listing it missed; the
// other chamber gets 403; concluded, it is final.
func TestSearchLifeAndMatching(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(2)
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", searchReq, search(searchReq, "10.7"))))
	sid := h.DB.Text(t, `SELECT search_id::text FROM takeover_matching.buyer_searches WHERE request_id = $1`, searchReq)
	cci := h.token(t, auth.Principal{Subject: "cci-91-t", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}})
	cma := h.token(t, auth.Principal{Subject: "cma-91-t", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	path := "/api/v1/buyer-searches/" + sid
	if a := h.Call(t, http.MethodPost, path+"/status", cma, `{"to":"paused"}`); a.Status != http.StatusForbidden {
		t.Fatalf("pause by the other chamber: %d, want 403", a.Status)
	}
	if a := h.Call(t, http.MethodPost, path+"/status", cci, `{"to":"paused"}`); a.Status != http.StatusOK || !strings.Contains(a.Body, `"status":"paused"`) {
		t.Fatalf("pause: %d %s", a.Status, a.Body)
	}
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, false))))
	h.vet(t, offerReq)
	if n := h.Published(t, events.StreamTakeover)["takeover.match.proposed.91"]; n != 0 {
		t.Fatalf("a paused search was matched %d times", n)
	}
	if a := h.Call(t, http.MethodPost, path+"/renew", cci, ""); a.Status != http.StatusOK || !strings.Contains(a.Body, `"renewed_at"`) {
		t.Fatalf("renew: %d %s", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodPost, path+"/status", cci, `{"to":"open"}`); a.Status != http.StatusOK {
		t.Fatalf("reopen: %d %s", a.Status, a.Body)
	}
	if n := h.Published(t, events.StreamTakeover)["takeover.match.proposed.91"]; n != 1 {
		t.Fatalf("reopened, the search has %d matches, want the listing it missed", n)
	}
	if a := h.Call(t, http.MethodPost, path+"/status", cci, `{"to":"concluded"}`); a.Status != http.StatusOK {
		t.Fatalf("conclude: %d %s", a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodPost, path+"/renew", cci, ""); a.Status != http.StatusConflict {
		t.Fatalf("renew a concluded search: %d, want 409", a.Status)
	}
	if n := h.Published(t, events.StreamTakeover)["takeover.search.status_changed.91"]; n != 3 {
		t.Fatalf("%d search status changes announced, want 3", n)
	}
}

// TestPeriodicJobsAnnounce: the service's periodic jobs run on their
// own: a listing left unchanged for more than 6 months asks its advisor
// for a review, once; a search registered longer ago than SEARCH_TTL
// expires, by the system. (The dates are moved back in the database: the
// jobs read them, not the clock of the test.)
func TestPeriodicJobsAnnounce(t *testing.T) {
	h := startWith(t, func(c *service.Config) { c.LifecycleEvery, c.SearchTTL = 20*time.Millisecond, 24*time.Hour })
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(2)
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, false)),
		h.Event(t, "intake", searchReq, search(searchReq, "47.11F"))))
	id := h.vet(t, offerReq)
	h.DB.Text(t, `UPDATE takeover_matching.takeover_offers SET updated_at = now() - interval '7 months',
		registered_at = now() - interval '8 months' WHERE offer_id = $1 RETURNING offer_id::text`, id)
	sid := h.DB.Text(t, `UPDATE takeover_matching.buyer_searches SET registered_at = now() - interval '2 days'
		WHERE request_id = $1 RETURNING search_id::text`, searchReq)

	h.DB.WaitCount(t, "search expired", 1, `SELECT count(*) FROM takeover_matching.buyer_searches WHERE search_id = $1 AND status = 'expired'`, sid)
	h.DB.WaitCount(t, "review asked", 1, `SELECT count(*) FROM takeover_matching.takeover_offers WHERE offer_id = $1 AND review_asked_at IS NOT NULL`, id)
	subjects := h.Published(t, events.StreamTakeover)
	if subjects["takeover.offer.review_due.91"] != 1 || subjects["takeover.search.status_changed.91"] != 1 {
		t.Fatalf("TAKEOVER holds %v, want one review due and one expiry", subjects)
	}
	var due events.TakeoverOfferReviewDue
	h.LastEvent(t, events.StreamTakeover, "takeover.offer.review_due.91", &due)
	if due.OfferID != id || due.AdvisorID != "cma-91-t" || due.Status != "published" {
		t.Fatalf("review due %+v", due)
	}
	var expired events.TakeoverSearchStatusChanged
	h.LastEvent(t, events.StreamTakeover, "takeover.search.status_changed.91", &expired)
	if expired.SearchID != sid || expired.From != "open" || expired.To != "expired" || expired.By != "system" {
		t.Fatalf("expiry %+v", expired)
	}
}
