package httpapi_test

import (
	"html"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/mailcatch"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// digestMarket is a takeover market fed to intake's digest through its
// use case, as the TAKEOVER consumer does, on real Postgres.
type digestMarket struct {
	t      *testing.T
	e      *mailEnv
	follow app.FollowListings
}

func (m digestMarket) event(subject string, p events.Payload) events.Event {
	m.t.Helper()
	ev, err := events.New("takeover-matching", subject, "91", p, m.e.clock.Now())
	if err != nil {
		m.t.Fatal(err)
	}
	return ev
}

func (m digestMarket) must(err error) {
	m.t.Helper()
	if err != nil {
		m.t.Fatal(err)
	}
}

// search registers a buyer's search of request and returns its id.
func (m digestMarket) search(requestID string) string {
	id := uuid.Must(uuid.NewV7()).String()
	p := events.TakeoverSearchRegistered{SearchID: id, RequestID: requestID, Chamber: "CCI", RegisteredAt: m.e.clock.Now()}
	m.must(m.follow.SearchRegistered(m.e.ctx, m.event(id, p), p))
	return id
}

// listing registers and publishes an offer of the seller's request with
// a teaser at sector (level) shown at the seller's commune, and returns
// its id.
func (m digestMarket) listing(sellerID, sector, level string) string {
	id := uuid.Must(uuid.NewV7()).String()
	r := events.TakeoverOfferRegistered{OfferID: id, RequestID: sellerID, Chamber: "CMA", NAFCode: "10.71C", Departement: "91",
		Confidential: false, RegisteredAt: m.e.clock.Now()}
	m.must(m.follow.OfferRegistered(m.e.ctx, m.event(id, r), r))
	p := events.TakeoverOfferPublished{OfferID: id, Chamber: "CMA", VettedBy: "cma-91-005", Sector: sector, SectorLevel: level,
		Place: "91228", PlaceLevel: "commune", RevenueBand: "300k_1m", ProfitBand: "75k_150k", HeadcountBand: "3_5",
		PriceBand: "100k_300k", DealTypes: []string{"fonds", "murs"}, Timeline: "6m_12m", PublishedAt: m.e.clock.Now()}
	m.must(m.follow.OfferPublished(m.e.ctx, m.event(id, p), p))
	return id
}

// propose proposes a match of offer and search with score, delivered
// twice, and once more under another event id (a replay).
func (m digestMarket) propose(offer, search string, score int) string {
	id := uuid.Must(uuid.NewV7()).String()
	p := events.TakeoverMatchProposed{MatchID: id, OfferID: offer, SearchID: search, OfferChamber: "CMA", SearchChamber: "CCI",
		Score: score, Criteria: []string{"sector", "area"}, ProposedAt: m.e.clock.Now()}
	ev := m.event(id, p)
	for _, x := range []events.Event{ev, ev, m.event(id, p)} {
		m.must(m.follow.MatchProposed(m.e.ctx, x, p))
	}
	return id
}

func (m digestMarket) offerStatus(offer, from, to string) {
	p := events.TakeoverOfferStatusChanged{OfferID: offer, Chamber: "CMA", From: from, To: to, By: "cma-91-005", ChangedAt: m.e.clock.Now()}
	m.must(m.follow.OfferStatusChanged(m.e.ctx, m.event(offer, p), p))
}

func (m digestMarket) searchStatus(search, from, to string) {
	p := events.TakeoverSearchStatusChanged{SearchID: search, Chamber: "CCI", From: from, To: to, By: "cci-91-005", ChangedAt: m.e.clock.Now()}
	m.must(m.follow.SearchStatusChanged(m.e.ctx, m.event(search, p), p))
}

func (m digestMarket) drop(match, offer, search string) {
	p := events.TakeoverMatchStageChanged{MatchID: match, OfferID: offer, SearchID: search, OfferChamber: "CMA", SearchChamber: "CCI",
		Step: "drop", Side: "buyer", AdvisorID: "cci-91-005", From: "proposed", To: "dropped", Reason: "other", ChangedAt: m.e.clock.Now()}
	m.must(m.follow.MatchStageChanged(m.e.ctx, m.event(match, p), p))
}

// TestBuyerDigest: a buyer gets, from 8 o'clock Paris time, one e-mail a
// day listing the new listings matched with their search at or above the
// threshold since the last digest, each by its teaser and score only;
// however many runs and replicas prepare it, and however often a
// proposal is delivered. A listing paused, a match dropped, a search
// withdrawn, a score under the threshold are left out; a day without news
// sends nothing.
func TestBuyerDigest(t *testing.T) {
	e := setupMail(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.mu.Lock()
	e.clock.t = time.Date(2026, 12, 8, 6, 0, 0, 0, time.UTC) // 7:00 in Paris
	e.clock.mu.Unlock()
	seller := e.do(t, http.MethodPost, httpapi.TakeoverOfferPath, "application/json", "", []byte(offerJSON))
	buyer := e.do(t, http.MethodPost, httpapi.BuyerSearchPath, "application/json", "", []byte(buyerJSON))
	other := e.do(t, http.MethodPost, httpapi.BuyerSearchPath, "application/json", "",
		[]byte(strings.ReplaceAll(buyerJSON, "julie.martin@example.fr", "paul.durand@example.fr")))
	if seller.status != http.StatusAccepted || buyer.status != http.StatusAccepted || other.status != http.StatusAccepted {
		t.Fatalf("submissions: %d %d %d", seller.status, buyer.status, other.status)
	}
	sellerID, buyerID, otherID := str(seller.body["request_id"]), str(buyer.body["request_id"]), str(other.body["request_id"])
	if got := e.send(t); len(got) != 3 {
		t.Fatalf("%d e-mails, want the three receipts", len(got))
	}

	const minScore = 75
	m := digestMarket{t: t, e: e, follow: app.FollowListings{Market: e.store, MinScore: minScore}}
	search, otherSearch := m.search(buyerID), m.search(otherID)
	grocery := m.listing(sellerID, "47.11", "class")     // 90: in
	hotel := m.listing(sellerID, "I", "section")         // 75, the threshold: in
	bakery := m.listing(sellerID, "10.71", "class")      // 74: under the threshold
	restaurant := m.listing(sellerID, "56.10", "class")  // 88, then paused
	hairdresser := m.listing(sellerID, "96.02", "class") // 95, then dropped
	m.propose(grocery, search, 90)
	m.propose(hotel, search, minScore)
	m.propose(bakery, search, minScore-1)
	m.propose(restaurant, search, 88)
	m.offerStatus(restaurant, events.OfferPublished, events.OfferPaused)
	dropped := m.propose(hairdresser, search, 95)
	m.drop(dropped, hairdresser, search)
	m.propose(grocery, otherSearch, 99)
	m.searchStatus(otherSearch, events.SearchOpen, events.SearchWithdrawn)
	var n int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM buyer_digest_matches WHERE search_id = $1 AND closed_at IS NULL`, search).Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d open matches kept for the search, want 3 (the threshold and each once under redelivery): %v", n, err)
	}

	digests := app.SendBuyerDigests{Digests: e.store, Hour: 8, Zone: paris, Now: e.clock.Now}
	run := func() int {
		t.Helper()
		n, err := digests.Run(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := run(); n != 0 {
		t.Fatalf("%d digests before 8 o'clock", n)
	}
	e.clock.Advance(time.Hour + 5*time.Minute) // 8:05 in Paris
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 { // replicas at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := digests.Run(e.ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 1 || run() != 0 {
		t.Fatalf("%d digests queued by four replicas, want one", total)
	}
	got := e.send(t)[3:]
	if len(got) != 1 {
		t.Fatalf("%d digests sent, want one, to the buyer whose search is open", len(got))
	}
	d := got[0]
	assertFrench(t, d, buyerID, "julie.martin@example.fr")
	if s := d.Header("Subject"); !strings.Contains(s, "2 nouvelles entreprises à reprendre") {
		t.Errorf("subject %q", s)
	}
	text := d.Text() + html.UnescapeString(d.HTML())
	label := func(id string) string {
		l, ok := ref.NAFLabel(id)
		if !ok {
			t.Fatalf("no NAF label for %s", id)
		}
		return l
	}
	for _, want := range []string{label("47.11"), "Hébergement et restauration", "Essonne (91)", "90 sur 100", "75 sur 100",
		"de 300 000 € à 1 million d'euros", "3 à 5 salariés", "le fonds (de commerce ou artisanal)", "dans 6 à 12 mois"} {
		if !strings.Contains(text, want) {
			t.Errorf("the digest lacks %q:\n%s", want, d.Text())
		}
	}
	if strings.Index(d.Text(), label("47.11")) > strings.Index(d.Text(), "Hébergement et restauration") {
		t.Error("the digest does not list the best score first")
	}
	for what, absent := range map[string]string{"under the threshold": label("10.71"), "paused": label("56.10"),
		"dropped": label("96.02"), "score under the threshold": "74 sur 100"} {
		if strings.Contains(text, absent) {
			t.Errorf("the digest names the listing %s (%q)", what, absent)
		}
	}
	assertNoSeller(t, d, sellerID)
	if st := e.do(t, http.MethodGet, httpapi.BuyerSearchPath+"/"+buyerID, "", "", nil); st.body["proposed_listings"] != float64(2) {
		t.Errorf("status of the buyer's search: %v, want 2 listings proposed", st.body)
	}
	if st := e.do(t, http.MethodGet, httpapi.BuyerSearchPath+"/"+otherID, "", "", nil); st.body["proposed_listings"] != nil {
		t.Errorf("status of the withdrawn search: %v, want no listing proposed", st.body)
	}

	// Later the same day a new match waits for tomorrow; the day after
	// brings it alone; a day without news sends nothing.
	e.clock.Advance(6 * time.Hour)
	cafe := m.listing(sellerID, "56.30", "class")
	m.propose(cafe, search, 80)
	if n := run(); n != 0 {
		t.Fatalf("%d digests on the same day", n)
	}
	e.clock.Advance(18 * time.Hour) // the next day, 8:05
	if n := run(); n != 1 {
		t.Fatalf("%d digests the next day, want one", n)
	}
	got = e.send(t)[4:]
	if len(got) != 1 || !strings.Contains(got[0].Text(), label("56.30")) || strings.Contains(got[0].Text(), label("47.11")) {
		t.Fatalf("the next day's digests: %d, want one naming the new listing only:\n%v", len(got), got)
	}
	if s := got[0].Header("Subject"); s != "Une nouvelle entreprise à reprendre correspond à votre recherche" {
		t.Errorf("subject %q", s)
	}
	assertNoSeller(t, got[0], sellerID)
	e.clock.Advance(24 * time.Hour)
	if n := run(); n != 0 {
		t.Fatalf("%d digests on a day without news", n)
	}
	e.clock.Advance(time.Hour)
	if n := len(e.send(t)); n != 5 {
		t.Fatalf("%d e-mails in all, want the three receipts and two digests", n)
	}

	// A match whose listing is withdrawn after the digest was queued, but
	// before it is sent, is not named: a digest with nothing left sends
	// nothing.
	e.clock.Advance(22 * time.Hour) // 7:05 the day after
	late := m.listing(sellerID, "47.11", "class")
	m.propose(late, search, 85)
	e.clock.Advance(time.Hour) // 8:05
	if n := run(); n != 1 {
		t.Fatalf("%d digests, want one queued", n)
	}
	m.offerStatus(late, events.OfferPublished, events.OfferWithdrawn)
	if n := len(e.send(t)); n != 5 {
		t.Fatalf("%d e-mails, want no digest of a withdrawn listing", n)
	}
}

// assertNoSeller checks that a buyer's e-mail carries nothing that
// identifies the seller: name, e-mail, phone, SIRET, commune, free text,
// request.
func assertNoSeller(t *testing.T, m mailcatch.Message, sellerID string) {
	t.Helper()
	text := m.Text() + html.UnescapeString(m.HTML()) + m.Header("Subject")
	c, ok := ref.Commune("91228")
	if !ok {
		t.Fatal("no commune 91228")
	}
	for _, d := range append(contactData, sellerID, "443 061 841", "44306184100047", "443061841", "91228", c.Name,
		"Je rejoins ma fille", "Lyon") {
		if strings.Contains(text, d) {
			t.Errorf("the buyer's digest carries the seller's %q", d)
		}
	}
}
