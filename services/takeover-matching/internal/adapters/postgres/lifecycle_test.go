package postgres_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// testReviewDueOncePerPeriod: a published or paused listing left
// unchanged for the review period asks its advisor once, then once more a
// period after the ask; a submitted offer, a withdrawn one and one
// changed meanwhile are not asked. Batches smaller than the work still
// reach every listing.
func testReviewDueOncePerPeriod(t *testing.T, e *env) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	offer := func(status string) string {
		_, _, o := e.registerOffer(t, takeover.Offer{Chamber: "CMA", NAFCode: "10.71C", Departement: "91",
			DealTypes: []string{"fonds"}, Timeline: "6m_12m", RevenueBand: "300k_1m", ProfitBand: "25k_75k", Status: status},
			takeover.Place{Departement: "91"}, t0)
		return o.ID
	}
	published, paused := offer(takeover.OfferPublished), offer(takeover.OfferPaused)
	offer(takeover.OfferSubmitted)
	offer(takeover.OfferWithdrawn)
	changed := offer(takeover.OfferPublished)
	if _, err := e.pool.Exec(e.ctx, `UPDATE takeover_offers SET updated_at = $2 WHERE offer_id = $1`, changed, t0.Add(90*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	asked := func(at time.Time) int {
		t.Helper()
		n, err := app.RemindListingReviews{Offers: e.store, Now: func() time.Time { return at }, Batch: 1}.Run(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	due := t0.Add(takeover.ReviewPeriod)
	if n := asked(due.Add(-time.Minute)); n != 0 {
		t.Fatalf("%d asked before the period", n)
	}
	if n := asked(due); n != 2 {
		t.Fatalf("%d asked at the period, want the published and the paused listings", n)
	}
	if n := asked(due.Add(24 * time.Hour)); n != 0 {
		t.Fatalf("%d asked again within the period", n)
	}
	events := func(offerID string) int {
		return e.count(t, `SELECT count(*) FROM outbox WHERE topic = 'takeover.offer.review_due.91' AND convert_from(payload, 'UTF8') LIKE '%' || $1 || '%'`, offerID)
	}
	if events(published) != 1 || events(paused) != 1 || events(changed) != 0 {
		t.Fatalf("review events: published %d, paused %d, changed %d", events(published), events(paused), events(changed))
	}
	if n := asked(due.Add(takeover.ReviewPeriod)); n != 3 {
		t.Fatalf("%d asked a period later, want the two again and the one changed 3 months in", n)
	}
	if events(published) != 2 {
		t.Fatalf("%d review events of the published listing, want one per period", events(published))
	}
}

// testSearchesExpire: an open or paused search not renewed within the TTL
// expires (by the system, with its history step and event); a renewed
// one, a completed draft counting from its completion, and a withdrawn
// one do not.
func testSearchesExpire(t *testing.T, e *env) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	ttl := 365 * 24 * time.Hour
	search := func(status string) string {
		_, _, s := e.registerSearch(t, takeover.Search{Chamber: "CCI", Sectors: []string{"10.71"}, Departements: []string{"91"},
			Mobility: takeover.MobilityLocal, DealTypes: []string{"fonds"}, Status: status}, takeover.Place{Departement: "91"}, t0)
		return s.ID
	}
	open, paused, renewed, withdrawn := search(takeover.SearchOpen), search(takeover.SearchOpen), search(takeover.SearchOpen), search(takeover.SearchOpen)
	for id, set := range map[string]string{paused: `status = 'paused'`, withdrawn: `status = 'withdrawn'`,
		renewed: `renewed_at = '2026-06-01Z'`} {
		if _, err := e.pool.Exec(e.ctx, `UPDATE buyer_searches SET `+set+` WHERE search_id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	expire := func(at time.Time) int {
		t.Helper()
		n, err := app.ExpireSearches{Searches: e.store, TTL: ttl, Now: func() time.Time { return at }, Batch: 1}.Run(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := expire(t0.Add(ttl - time.Minute)); n != 0 {
		t.Fatalf("%d expired early", n)
	}
	if n := expire(t0.Add(ttl)); n != 2 {
		t.Fatalf("%d expired at the TTL, want the open and the paused ones", n)
	}
	status := func(id string) string {
		var s string
		if err := e.pool.QueryRow(e.ctx, `SELECT status FROM buyer_searches WHERE search_id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for id, want := range map[string]string{open: "expired", paused: "expired", renewed: "open", withdrawn: "withdrawn"} {
		if got := status(id); got != want {
			t.Errorf("search %s: %s, want %s", id, got, want)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM takeover_status_changes WHERE search_id IN ($1, $2) AND to_status = 'expired' AND changed_by = 'system'`, open, paused); n != 2 {
		t.Fatalf("%d expiries in the history, want 2", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox WHERE topic = 'takeover.search.status_changed.91'`); n != 2 {
		t.Fatalf("%d expiry events, want 2", n)
	}
	if n := expire(t0.Add(2 * ttl)); n != 1 {
		t.Fatalf("%d expired a year later, want the renewed one only", n)
	}
}
