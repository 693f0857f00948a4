package service_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
)

// TestDigestFollowsTheTakeoverMarket: intake's TAKEOVER consumer keeps,
// for the buyers' digest, the matches proposed at or above the threshold
// (75 by default) once however often they come, the search's buyer
// request, the listing's teaser and département, and the newest status
// of each, whatever order the events arrive in; the events that also
// move the status page (registrations) still do.
func TestDigestFollowsTheTakeoverMarket(t *testing.T) {
	h := start(t)
	buyerID := uuid.Must(uuid.NewV7()).String() // a request intake does not hold: its facts are kept all the same
	sellerID := uuid.Must(uuid.NewV7()).String()
	searchID, offerID := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	ev := func(subject string, p events.Payload) events.Event {
		return h.Event(t, "takeover-matching", subject, p)
	}

	proposed := func(score int) (events.Event, string) {
		id := uuid.Must(uuid.NewV7()).String()
		return ev(id, events.TakeoverMatchProposed{MatchID: id, OfferID: offerID, SearchID: searchID, OfferChamber: "CMA",
			SearchChamber: "CCI", Score: score, Criteria: []string{"sector"}, ProposedAt: at}), id
	}
	kept, keptID := proposed(75)
	under, _ := proposed(74)
	// The life of the listing arrives before its registration and
	// publication; the search's pause before its registration.
	h.Publish(t,
		ev(offerID, events.TakeoverOfferStatusChanged{OfferID: offerID, Chamber: "CMA", From: "published", To: "paused",
			By: "cma-91-005", ChangedAt: at.Add(2 * time.Minute)}),
		ev(searchID, events.TakeoverSearchStatusChanged{SearchID: searchID, Chamber: "CCI", From: "open", To: "paused",
			By: "cci-91-005", ChangedAt: at.Add(time.Minute)}),
		ev(searchID, events.TakeoverSearchRegistered{SearchID: searchID, RequestID: buyerID, Chamber: "CCI", RegisteredAt: at}),
		ev(offerID, events.TakeoverOfferRegistered{OfferID: offerID, RequestID: sellerID, Chamber: "CMA", NAFCode: "47.11F",
			Departement: "91", RegisteredAt: at}),
		ev(offerID, events.TakeoverOfferPublished{OfferID: offerID, Chamber: "CMA", VettedBy: "cma-91-005", Sector: "47.11",
			SectorLevel: "class", Place: "91228", PlaceLevel: "commune", RevenueBand: "300k_1m", ProfitBand: "75k_150k",
			HeadcountBand: "3_5", PriceBand: "100k_300k", DealTypes: []string{"fonds"}, Timeline: "6m_12m",
			PublishedAt: at.Add(time.Minute)}),
		kept, under)
	h.PublishCopy(t, kept, "second-copy") // past JetStream's de-duplication
	h.CaughtUp(t, h.Publish(t, ev(searchID, events.TakeoverSearchStatusChanged{SearchID: searchID, Chamber: "CCI",
		From: "paused", To: "open", By: "cci-91-005", ChangedAt: at.Add(3 * time.Minute)})))

	if n := h.DB.Count(t, `SELECT count(*) FROM intake.buyer_digest_matches WHERE search_id = $1`, searchID); n != 1 {
		t.Fatalf("%d matches kept, want the one at the threshold, once", n)
	}
	if id := h.DB.Text(t, `SELECT match_id::text FROM intake.buyer_digest_matches WHERE search_id = $1`, searchID); id != keptID {
		t.Errorf("kept match %s, want %s", id, keptID)
	}
	var request, searchStatus string
	h.DB.Scan(t, `SELECT request_id::text, status FROM intake.takeover_searches WHERE search_id = $1`, []any{searchID},
		&request, &searchStatus)
	if request != buyerID || searchStatus != "open" {
		t.Errorf("search kept with request %s, status %s; want %s, open", request, searchStatus, buyerID)
	}
	// A draft search (a creation project redirected to takeover) is
	// completed without a status event: its first proposal says it is
	// open.
	draftID := uuid.Must(uuid.NewV7()).String()
	h.Publish(t, ev(draftID, events.TakeoverSearchRegistered{SearchID: draftID, RequestID: buyerID, Chamber: "CCI", Draft: true,
		RegisteredAt: at}))
	h.CaughtUp(t, h.Publish(t, ev(draftID, events.TakeoverMatchProposed{MatchID: uuid.Must(uuid.NewV7()).String(), OfferID: offerID,
		SearchID: draftID, OfferChamber: "CMA", SearchChamber: "CCI", Score: 90, Criteria: []string{"sector"}, ProposedAt: at.Add(time.Hour)})))
	if st := h.DB.Text(t, `SELECT status FROM intake.takeover_searches WHERE search_id = $1`, draftID); st != "open" {
		t.Errorf("completed draft search kept %s, want open from its proposal", st)
	}

	var status, dep, sector string
	h.DB.Scan(t, `SELECT status, departement, sector FROM intake.takeover_listings WHERE offer_id = $1`, []any{offerID},
		&status, &dep, &sector)
	if status != "paused" || dep != "91" || sector != "47.11" {
		t.Errorf("listing kept %s in %s, sector %s; want paused (its newest status) in 91, 47.11", status, dep, sector)
	}
}
