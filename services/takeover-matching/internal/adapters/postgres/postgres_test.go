package postgres_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/takeover-matching/internal/adapters/postgres"
	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
	"github.com/ccicma/platform/services/takeover-matching/migrations"
)

// TestStore runs the adapter tests in parallel in one database, each in a
// schema of its own owned by takeover_matching's role.
func TestStore(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "takeover_matching")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *env)
	}{
		{"HighestAdvisorRevisionWins", testHighestAdvisorRevisionWins},
		{"CandidateAdvisors", testCandidateAdvisors},
		{"CandidateSearchesAgreeWithTheGates", testCandidateSearchesAgreeWithTheGates},
		{"CandidateOffersAgreeWithTheGates", testCandidateOffersAgreeWithTheGates},
		{"OneOfferPerRequest", testOneOfferPerRequest},
		{"ConfidentialOfferRefusesIdentifiers", testConfidentialOfferRefusesIdentifiers},
		{"ReadsAndLists", testReadsAndLists},
		{"ListFilters", testListFilters},
		{"MatchKeepsItsExplanation", testMatchKeepsItsExplanation},
		{"ReviewDueOncePerPeriod", testReviewDueOncePerPeriod},
		{"SearchesExpire", testSearchesExpire},
		{"OneConcernADay", testOneConcernADay},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, setup(t, db))
		})
	}
}

type wakes struct{ n atomic.Int32 }

func (w *wakes) Wake() { w.n.Add(1) }

type env struct {
	ctx     context.Context
	pool    *pgxpool.Pool
	store   *postgres.Store
	wakes   *wakes
	matcher takeover.Matcher
}

func setup(t testing.TB, db *testkit.Schemas) *env {
	t.Helper()
	ctx := testkit.Context(t)
	pool := db.Pool(t, outbox.Migrations(), inbox.Migrations(), projection.Migrations(), migrations.Set())
	w := &wakes{}
	rules, err := takeover.EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	return &env{ctx: ctx, pool: pool, store: postgres.New(pool, w), wakes: w,
		matcher: takeover.Matcher{Rules: rules, Threshold: rules.Threshold()}}
}

func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func trigger(t testing.TB) events.Event {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	ev, err := events.New("intake", id, "91", events.AdvisorUpdated{AdvisorID: "x", Revision: 1, Chamber: "CCI"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (e *env) advisor(t *testing.T, a takeover.Advisor) {
	t.Helper()
	if err := e.store.UpsertAdvisor(e.ctx, a); err != nil {
		t.Fatal(err)
	}
}

func newUUID() string { return uuid.Must(uuid.NewV7()).String() }

// registerOffer stores o (a fresh id and request unless set; published
// unless its status is set) and returns what decide was offered.
func (e *env) registerOffer(t *testing.T, o takeover.Offer, place takeover.Place, now time.Time) ([]takeover.AdvisorLoad, []takeover.Search, takeover.Offer) {
	t.Helper()
	if o.RequestID == "" {
		o.RequestID = newUUID()
	}
	if o.Status == "" { // these tests are about candidates: a listing as vetted
		o.Status = takeover.OfferPublished
	}
	var cands []takeover.AdvisorLoad
	var seen []takeover.Search
	_, err := e.store.RegisterOffer(e.ctx, trigger(t), o, place, e.matcher.SearchLookup(o), now, func(c []takeover.AdvisorLoad, s []takeover.Search) (app.OfferOutcome, error) {
		cands, seen = c, s
		advisor, _ := takeover.ChooseAdvisor(c)
		reg, _ := o.Register(newUUID(), advisor, now)
		o = reg
		return app.OfferOutcome{Offer: reg}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cands, seen, o
}

func (e *env) registerSearch(t *testing.T, s takeover.Search, place takeover.Place, now time.Time) ([]takeover.AdvisorLoad, []takeover.Offer, takeover.Search) {
	t.Helper()
	if s.RequestID == "" {
		s.RequestID = newUUID()
	}
	var cands []takeover.AdvisorLoad
	var seen []takeover.Offer
	_, err := e.store.RegisterSearch(e.ctx, trigger(t), s, place, e.matcher.OfferLookup(s), now, func(c []takeover.AdvisorLoad, o []takeover.Offer) (app.SearchOutcome, error) {
		cands, seen = c, o
		advisor, _ := takeover.ChooseAdvisor(c)
		reg, _ := s.Register(newUUID(), advisor, now)
		s = reg
		return app.SearchOutcome{Search: reg}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cands, seen, s
}

func testHighestAdvisorRevisionWins(t *testing.T, e *env) {
	until := time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)
	base := takeover.Advisor{AdvisorID: "cma-91-a", Chamber: "CMA", Departements: []string{"91"}, Specialities: []string{"takeover"},
		Capacity: 5, Active: true}
	r2 := base
	r2.Revision, r2.AbsentUntil, r2.Communes, r2.Roles = 2, &until, []string{"91228"}, []string{"advisor", "manager"}
	r1 := base
	r1.Revision, r1.Capacity = 1, 99
	e.advisor(t, r2)
	e.advisor(t, r1) // late and stale: ignored
	got, ok, err := e.store.Advisor(e.ctx, "cma-91-a")
	if err != nil || !ok {
		t.Fatalf("advisor: %v, %v", ok, err)
	}
	if got.Revision != 2 || got.Capacity != 5 || got.AbsentUntil == nil || !got.AbsentUntil.Equal(until) ||
		!slices.Equal(got.Communes, []string{"91228"}) || !slices.Equal(got.Roles, []string{"advisor", "manager"}) {
		t.Fatalf("advisor = %+v", got)
	}
	r3 := base
	r3.Revision = 3 // back from absence, territory widened
	e.advisor(t, r3)
	got, _, _ = e.store.Advisor(e.ctx, "cma-91-a")
	if got.AbsentUntil != nil || len(got.Communes) != 0 {
		t.Fatalf("revision 3 not applied: %+v", got)
	}
}

func testCandidateAdvisors(t *testing.T, e *env) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(24*time.Hour)
	for _, a := range []takeover.Advisor{
		{AdvisorID: "ok-whole-dept", Chamber: "CMA", Departements: []string{"91"}, Specialities: []string{"takeover"}, Active: true, Capacity: 5},
		{AdvisorID: "ok-back-from-absence", Chamber: "CMA", Departements: []string{"91"}, Specialities: []string{"creation", "takeover"}, Active: true, Capacity: 5, AbsentUntil: &past},
		{AdvisorID: "ok-commune", Chamber: "CMA", Departements: []string{"91"}, Communes: []string{"91228"}, Specialities: []string{"takeover"}, Active: true, Capacity: 5},
		{AdvisorID: "ok-epci", Chamber: "CMA", Departements: []string{"91"}, EPCIs: []string{"200056232"}, Specialities: []string{"takeover"}, Active: true, Capacity: 5},
		{AdvisorID: "no-other-commune", Chamber: "CMA", Departements: []string{"91"}, Communes: []string{"91001"}, Specialities: []string{"takeover"}, Active: true, Capacity: 5},
		{AdvisorID: "no-absent", Chamber: "CMA", Departements: []string{"91"}, Specialities: []string{"takeover"}, Active: true, Capacity: 5, AbsentUntil: &future},
		{AdvisorID: "no-inactive", Chamber: "CMA", Departements: []string{"91"}, Specialities: []string{"takeover"}, Active: false, Capacity: 5},
		{AdvisorID: "no-creation-only", Chamber: "CMA", Departements: []string{"91"}, Specialities: []string{"creation"}, Active: true, Capacity: 5},
		{AdvisorID: "no-other-chamber", Chamber: "CCI", Departements: []string{"91"}, Specialities: []string{"takeover"}, Active: true, Capacity: 5},
		{AdvisorID: "no-other-dept", Chamber: "CMA", Departements: []string{"75"}, Specialities: []string{"takeover"}, Active: true, Capacity: 5},
	} {
		a.Revision = 1
		e.advisor(t, a)
	}
	ids := func(c []takeover.AdvisorLoad) []string {
		var out []string
		for _, a := range c {
			out = append(out, a.AdvisorID)
		}
		return out
	}
	offer := takeover.Offer{Chamber: "CMA", NAFCode: "10.71C", Departement: "91", CommuneCode: "91228", EPCI: "200056232",
		DealTypes: []string{"fonds"}, AskingPrice: 1}
	cands, _, reg := e.registerOffer(t, offer, takeover.Place{Departement: "91", Commune: "91228", EPCI: "200056232"}, now)
	want := []string{"ok-back-from-absence", "ok-commune", "ok-epci", "ok-whole-dept"}
	if !slices.Equal(ids(cands), want) {
		t.Fatalf("candidates %v, want %v", ids(cands), want)
	}
	if reg.AdvisorID != "ok-back-from-absence" {
		t.Fatalf("assigned %q", reg.AdvisorID)
	}
	if n := e.count(t, `SELECT open_cases FROM advisors WHERE advisor_id = 'ok-back-from-absence'`); n != 1 {
		t.Fatalf("load %d after one assignment, want 1", n)
	}
	// A confidential offer: no commune, no EPCI; narrowed advisors of the
	// département still cover it.
	conf := takeover.Offer{Chamber: "CMA", NAFCode: "10.71C", Departement: "91", DealTypes: []string{"fonds"}, AskingPrice: 1, Confidential: true}
	cands, _, reg = e.registerOffer(t, conf, takeover.Place{Departement: "91"}, now)
	want = []string{"no-other-commune", "ok-back-from-absence", "ok-commune", "ok-epci", "ok-whole-dept"}
	if !slices.Equal(ids(cands), want) {
		t.Fatalf("confidential candidates %v, want %v", ids(cands), want)
	}
	if reg.AdvisorID == "ok-back-from-absence" {
		t.Fatal("the loaded advisor got the second offer")
	}
}

// searchVariants are searches around a bakery in the Essonne; some fit it.
func searchVariants() []takeover.Search {
	base := takeover.Search{Chamber: "CCI", Sectors: []string{"10.71C"}, Departements: []string{"91"}, Regions: []string{"11"},
		Mobility: "local", BudgetBand: "100k_300k", HeadcountMax: 10, DealTypes: []string{"fonds"}, Timeline: "lt_6m"}
	var out []takeover.Search
	add := func(f func(*takeover.Search)) {
		s := base
		f(&s)
		out = append(out, s)
	}
	add(func(*takeover.Search) {})
	for _, sec := range []string{"10", "10.7", "10.71", "10.71D", "10.72", "10.8", "11.07A", "47", "56.10A"} {
		add(func(s *takeover.Search) { s.Sectors = []string{sec} })
	}
	add(func(s *takeover.Search) { s.DealTypes = []string{"murs"} })
	add(func(s *takeover.Search) { s.DealTypes = []string{"murs", "fonds"} })
	add(func(s *takeover.Search) { s.Departements, s.Regions = []string{"77"}, []string{"11"} })
	add(func(s *takeover.Search) {
		s.Departements, s.Regions, s.Mobility = []string{"77"}, []string{"11"}, "regional"
	})
	add(func(s *takeover.Search) {
		s.Departements, s.Regions, s.Mobility = []string{"69"}, []string{"84"}, "regional"
	})
	add(func(s *takeover.Search) { s.Departements, s.Regions, s.Mobility = nil, nil, "national" })
	add(func(s *takeover.Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"200056232"} })
	add(func(s *takeover.Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"247800584"} })
	add(func(s *takeover.Search) { s.Departements, s.Regions, s.CommuneCodes = nil, nil, []string{"91228"} })
	return out
}

func offerVariants() []takeover.Offer {
	base := takeover.Offer{Chamber: "CMA", NAFCode: "10.71C", Departement: "91", Region: "11", CommuneCode: "91228",
		EPCI: "200056232", Headcount: 3, AskingPrice: 200_000, DealTypes: []string{"fonds"}, Timeline: "lt_6m"}
	var out []takeover.Offer
	add := func(f func(*takeover.Offer)) {
		o := base
		f(&o)
		out = append(out, o)
	}
	add(func(*takeover.Offer) {})
	add(func(o *takeover.Offer) { o.CommuneCode, o.EPCI, o.Confidential = "", "", true })
	add(func(o *takeover.Offer) { o.NAFCode = "10.71D" })
	add(func(o *takeover.Offer) { o.NAFCode = "47.11F" })
	add(func(o *takeover.Offer) { o.DealTypes = []string{"titres", "murs"} })
	add(func(o *takeover.Offer) { o.Departement, o.Region, o.CommuneCode, o.EPCI = "77", "11", "77288", "" })
	add(func(o *takeover.Offer) { o.Departement, o.Region, o.CommuneCode, o.EPCI = "69", "84", "69123", "" })
	return out
}

// testCandidateSearchesAgreeWithTheGates: the indexed query returns
// exactly the open searches the domain calls candidates (sector at the
// candidate level, place, deal type), among which every one it proposes.
func testCandidateSearchesAgreeWithTheGates(t *testing.T, e *env) {
	now := time.Now()
	var stored []takeover.Search
	for _, s := range searchVariants() {
		_, _, reg := e.registerSearch(t, s, takeover.Place{}, now)
		stored = append(stored, reg)
	}
	for i, o := range offerVariants() {
		_, seen, reg := e.registerOffer(t, o, takeover.Place{Departement: o.Departement}, now)
		var want, got []string
		for _, s := range stored {
			if e.matcher.Candidate(reg, s) {
				want = append(want, s.ID)
			}
		}
		for _, s := range seen {
			got = append(got, s.ID)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("offer variant %d: candidates %v, want %v", i, got, want)
		}
		if i == 0 && len(want) < 5 {
			t.Fatalf("only %d searches fit the base offer: the variants test little", len(want))
		}
	}
}

func testCandidateOffersAgreeWithTheGates(t *testing.T, e *env) {
	now := time.Now()
	var stored []takeover.Offer
	for _, o := range offerVariants() {
		_, _, reg := e.registerOffer(t, o, takeover.Place{Departement: o.Departement}, now)
		stored = append(stored, reg)
	}
	for i, s := range searchVariants() {
		_, seen, reg := e.registerSearch(t, s, takeover.Place{}, now)
		var want, got []string
		for _, o := range stored {
			if e.matcher.Candidate(o, reg) {
				want = append(want, o.ID)
			}
		}
		for _, o := range seen {
			got = append(got, o.ID)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("search variant %d: candidates %v, want %v", i, got, want)
		}
	}
}

// testOneOfferPerRequest: a second event for the same request (another
// event id, as after a replay once the inbox forgot the first) stores
// nothing and emits nothing; the same event twice is skipped by the inbox.
func testOneOfferPerRequest(t *testing.T, e *env) {
	req := newUUID()
	o := takeover.Offer{RequestID: req, Chamber: "CCI", NAFCode: "47.11F", Departement: "91", DealTypes: []string{"fonds"}, AskingPrice: 1}
	decide := func(_ []takeover.AdvisorLoad, _ []takeover.Search) (app.OfferOutcome, error) {
		reg, p := o.Register(newUUID(), "", time.Now())
		ev, err := events.New(app.Name, reg.ID, "91", p, time.Now())
		return app.OfferOutcome{Offer: reg, Events: []events.Event{ev}}, err
	}
	first := trigger(t)
	for i, ev := range []events.Event{first, first, trigger(t)} {
		applied, err := e.store.RegisterOffer(e.ctx, ev, o, takeover.Place{Departement: "91"}, takeover.SearchQuery{}, time.Now(), decide)
		if err != nil {
			t.Fatal(err)
		}
		if want := i != 1; applied != want {
			t.Fatalf("delivery %d: applied %v, want %v", i, applied, want)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM takeover_offers WHERE request_id = $1`, req); n != 1 {
		t.Fatalf("%d offers, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("%d outbox rows, want 1", n)
	}
	if e.wakes.n.Load() == 0 {
		t.Fatal("the relay was never woken")
	}
}

// testConfidentialOfferRefusesIdentifiers: the table itself refuses a
// confidential offer with a SIRET or a commune, whatever the code does.
func testConfidentialOfferRefusesIdentifiers(t *testing.T, e *env) {
	for _, o := range []takeover.Offer{
		{Chamber: "CCI", NAFCode: "47.11F", Departement: "91", DealTypes: []string{"fonds"}, Confidential: true, SIRET: "35600000000048"},
		{Chamber: "CCI", NAFCode: "47.11F", Departement: "91", DealTypes: []string{"fonds"}, Confidential: true, CommuneCode: "91228"},
	} {
		o.RequestID = newUUID()
		_, err := e.store.RegisterOffer(e.ctx, trigger(t), o, takeover.Place{Departement: "91"}, takeover.SearchQuery{}, time.Now(),
			func([]takeover.AdvisorLoad, []takeover.Search) (app.OfferOutcome, error) {
				reg, _ := o.Register(newUUID(), "", time.Now())
				reg.SIRET, reg.CommuneCode = o.SIRET, o.CommuneCode // what a bug would do
				return app.OfferOutcome{Offer: reg}, nil
			})
		if err == nil || !strings.Contains(err.Error(), "check") {
			t.Fatalf("confidential offer with identifiers stored (err %v)", err)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM takeover_offers`); n != 0 {
		t.Fatalf("%d offers stored", n)
	}
}

func testReadsAndLists(t *testing.T, e *env) {
	now := time.Now().Truncate(time.Microsecond)
	var cma, shared takeover.Offer
	for i, o := range []takeover.Offer{
		{Chamber: "CMA", NAFCode: "10.71C", Departement: "91", DealTypes: []string{"fonds"}, AskingPrice: 1, SIRET: "35600000000048", CommuneCode: "91228"},
		{Chamber: "CCI", SecondaryChamber: "CMA", NAFCode: "47.11F", Departement: "91", DealTypes: []string{"titres"}, AskingPrice: 2},
		{Chamber: "CCI", NAFCode: "47.11F", Departement: "91", DealTypes: []string{"titres"}, AskingPrice: 3},
	} {
		_, _, reg := e.registerOffer(t, o, takeover.Place{Departement: "91"}, now)
		switch i {
		case 0:
			cma = reg
		case 1:
			shared = reg
		}
	}
	got, ok, err := e.store.Offer(e.ctx, cma.ID)
	if err != nil || !ok || got.SIRET != cma.SIRET || got.CommuneCode != "91228" || !got.RegisteredAt.Equal(now) || !slices.Equal(got.DealTypes, cma.DealTypes) {
		t.Fatalf("Offer = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := e.store.Offer(e.ctx, newUUID()); ok || err != nil {
		t.Fatalf("unknown offer: %v, %v", ok, err)
	}
	if byReq, ok, err := e.store.OfferByRequest(e.ctx, cma.RequestID); !ok || err != nil || byReq.ID != cma.ID {
		t.Fatalf("OfferByRequest: %v, %v", ok, err)
	}
	list, err := e.store.Offers(e.ctx, "CMA", takeover.ListFilter{}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != cma.ID || list[1].ID != shared.ID {
		t.Fatalf("CMA's offers: %v", list)
	}
	page2, err := e.store.Offers(e.ctx, "CMA", takeover.ListFilter{}, list[0].ID, 10)
	if err != nil || len(page2) != 1 || page2[0].ID != shared.ID {
		t.Fatalf("page after %s: %v, %v", list[0].ID, page2, err)
	}
	if cci, _ := e.store.Offers(e.ctx, "CCI", takeover.ListFilter{}, "", 10); len(cci) != 2 {
		t.Fatalf("CCI's offers: %d, want 2", len(cci))
	}
	_, _, s := e.registerSearch(t, takeover.Search{Chamber: "CCI", Sectors: []string{"10"}, Departements: []string{"91"},
		DealTypes: []string{"fonds"}, Mobility: "local"}, takeover.Place{Departement: "91"}, now)
	if got, ok, err := e.store.Search(e.ctx, s.ID); !ok || err != nil || !slices.Equal(got.Sectors, []string{"10"}) {
		t.Fatalf("Search = %+v, %v, %v", got, ok, err)
	}
	if ss, err := e.store.Searches(e.ctx, "CMA", takeover.ListFilter{}, "", 10); err != nil || len(ss) != 0 {
		t.Fatalf("CMA's searches: %v, %v", ss, err)
	}
}

// testMatchKeepsItsExplanation: a match is read back with its rules
// version, each criterion's contribution and its sentence.
func testMatchKeepsItsExplanation(t *testing.T, e *env) {
	now := time.Now().Truncate(time.Microsecond)
	_, _, o := e.registerOffer(t, offerVariants()[0], takeover.Place{Departement: "91"}, now)
	s := searchVariants()[0]
	s.RequestID, s.ContributionBand, s.Experience = newUUID(), "50k_100k", "sector"
	var match takeover.Match
	_, err := e.store.RegisterSearch(e.ctx, trigger(t), s, takeover.Place{}, e.matcher.OfferLookup(s), now,
		func(_ []takeover.AdvisorLoad, offers []takeover.Offer) (app.SearchOutcome, error) {
			reg, _ := s.Register(newUUID(), "", now)
			if len(offers) != 1 {
				t.Errorf("offers %v, want the base offer", offers)
				return app.SearchOutcome{Search: reg}, nil
			}
			f, ok := e.matcher.Proposes(offers[0], reg)
			if !ok {
				t.Errorf("the base pair is not proposed: %+v", f)
			}
			match, _ = takeover.Propose(newUUID(), offers[0], reg, f, now)
			return app.SearchOutcome{Search: reg, Matches: []takeover.Match{match}}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := e.store.Match(e.ctx, match.ID)
	if err != nil || !ok {
		t.Fatalf("Match: %v, %v", ok, err)
	}
	if got.OfferID != o.ID || got.RulesVersion != "2026.1" || !slices.Equal(got.Contributions, match.Contributions) ||
		len(got.Contributions) != 6 || got.Explanation != match.Explanation ||
		!strings.HasPrefix(got.Explanation, "même activité (10.71C), même département, prix dans le budget avec un apport de 38 %") {
		t.Fatalf("match read back = %+v\nwant %+v", got, match)
	}
}
