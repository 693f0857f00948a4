package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// BenchmarkMatching registers a new listing against a market of N open
// searches and a new search against N open listings (N = 10,000 then
// 100,000, the market seeded once for each N with COPY), each as the
// consumer does it: one transaction that reads the candidates through
// the keys' index, scores them with the embedded rules and stores the
// side and its matches. The market is spread over every NAF sub-class
// and metropolitan département, as searches and listings would be
// (most of it shares neither the sector nor the area of a newcomer).
// p50-ms and p99-ms are of one match pass, in milliseconds: from the
// start of the transaction to the decision (the event claimed, the
// registration lock taken, the advisors and the candidates read, every
// candidate scored); commit-p99-ms is of the whole registration, with
// its writes and the commit (the disk's fsync, which the market's size
// does not change). candidates/op and matches/op show what a pass read
// and proposed.
func BenchmarkMatching(b *testing.B) {
	db := testkit.NewSchemas(b, "takeover_matching")
	e := setup(b, db)
	g := newMarket(b)
	seeded := 0
	for _, n := range []int{10_000, 100_000} {
		g.seed(b, e, n-seeded)
		seeded = n
		b.Run(fmt.Sprintf("new-listing/searches=%d", n), func(b *testing.B) {
			var candidates, matches int
			lat, all := measure(b, func(decided func()) {
				o := g.offer()
				o.RequestID, o.Status = newUUID(), takeover.OfferPublished // a listing as vetted
				_, err := e.store.RegisterOffer(e.ctx, trigger(b), o, takeover.Place{Departement: o.Departement},
					e.matcher.SearchLookup(o), time.Now(), func(_ []takeover.AdvisorLoad, ss []takeover.Search) (app.OfferOutcome, error) {
						reg, _ := o.Register(newUUID(), "", time.Now())
						out := app.OfferOutcome{Offer: reg}
						for _, s := range ss {
							if f, ok := e.matcher.Proposes(reg, s); ok {
								m, _ := takeover.Propose(newUUID(), reg, s, f, time.Now())
								out.Matches = append(out.Matches, m)
							}
						}
						candidates, matches = candidates+len(ss), matches+len(out.Matches)
						decided()
						return out, nil
					})
				if err != nil {
					b.Fatal(err)
				}
			})
			report(b, lat, all, candidates, matches)
		})
		b.Run(fmt.Sprintf("new-search/listings=%d", n), func(b *testing.B) {
			var candidates, matches int
			lat, all := measure(b, func(decided func()) {
				s := g.search()
				s.RequestID = newUUID()
				_, err := e.store.RegisterSearch(e.ctx, trigger(b), s, s.Place(), e.matcher.OfferLookup(s), time.Now(),
					func(_ []takeover.AdvisorLoad, os []takeover.Offer) (app.SearchOutcome, error) {
						reg, _ := s.Register(newUUID(), "", time.Now())
						out := app.SearchOutcome{Search: reg}
						for _, o := range os {
							if f, ok := e.matcher.Proposes(o, reg); ok {
								m, _ := takeover.Propose(newUUID(), o, reg, f, time.Now())
								out.Matches = append(out.Matches, m)
							}
						}
						candidates, matches = candidates+len(os), matches+len(out.Matches)
						decided()
						return out, nil
					})
				if err != nil {
					b.Fatal(err)
				}
			})
			report(b, lat, all, candidates, matches)
		})
	}
}

// measure times each pass on its own: until it calls decided, and whole.
func measure(b *testing.B, pass func(decided func())) (match, whole []time.Duration) {
	for b.Loop() {
		start := time.Now()
		pass(func() { match = append(match, time.Since(start)) })
		whole = append(whole, time.Since(start))
	}
	return match, whole
}

func report(b *testing.B, match, whole []time.Duration, candidates, matches int) {
	at := func(lat []time.Duration, q float64) float64 {
		slices.Sort(lat)
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(match, 0.50), "p50-ms")
	b.ReportMetric(at(match, 0.99), "p99-ms")
	b.ReportMetric(at(whole, 0.99), "commit-p99-ms")
	b.ReportMetric(float64(candidates)/float64(len(match)), "candidates/op")
	b.ReportMetric(float64(matches)/float64(len(match)), "matches/op")
}

// market draws listings and searches as a département-wide platform
// open to the whole country would hold them, from a fixed seed.
type market struct {
	rnd       *rand.Rand
	subclass  []string
	depts     []string
	regionOf  map[string]string
	communes  map[string][][2]string // département -> (commune, EPCI)
	bands     []string
	timelines []string
	deals     []string
	exp       []string
}

func newMarket(b *testing.B) *market {
	ref, err := refdata.Load()
	if err != nil {
		b.Fatal(err)
	}
	// A seeded generator: the same market on every run, for comparable figures.
	g := &market{rnd: rand.New(rand.NewPCG(1, 2)), //nolint:gosec // test data, not secrets
		regionOf: map[string]string{}, communes: map[string][][2]string{},
		bands:     []string{"lt_50k", "50k_100k", "100k_300k", "300k_1m", "1m_3m", "3m_10m"},
		timelines: []string{"lt_6m", "6m_12m", "12m_24m", "gt_24m"},
		deals:     []string{"fonds", "titres", "droit_au_bail", "murs"},
		exp:       []string{"none", "sector", "manager", "business_owner", "buyer"}}
	for div := 1; div <= 99; div++ {
		for _, e := range ref.SearchNAF(fmt.Sprintf("%02d", div), 100) {
			g.subclass = append(g.subclass, e.Code)
		}
	}
	for i := 1; i <= 95; i++ {
		for _, code := range []string{fmt.Sprintf("%02d", i), "2A", "2B"} {
			d, ok := ref.Departement(code)
			if !ok || g.regionOf[code] != "" {
				continue
			}
			g.depts, g.regionOf[code] = append(g.depts, code), d.Region
			for n := 1; n <= 40; n++ {
				if c, ok := ref.Commune(fmt.Sprintf("%s%03d", code, n)); ok && c.EPCI != "" {
					g.communes[code] = append(g.communes[code], [2]string{c.Code, c.EPCI})
				}
			}
		}
	}
	return g
}

func (g *market) pick(s []string) string { return s[g.rnd.IntN(len(s))] }

func (g *market) dealTypes() []string {
	out := []string{g.pick(g.deals)}
	if g.rnd.IntN(2) == 0 {
		out = append(out, g.pick(g.deals))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (g *market) offer() takeover.Offer {
	d := g.pick(g.depts)
	o := takeover.Offer{Chamber: "CMA", NAFCode: g.pick(g.subclass), Departement: d, Region: g.regionOf[d],
		Headcount: g.rnd.IntN(30), RevenueBand: "300k_1m", ProfitBand: "25k_75k", DealTypes: g.dealTypes(),
		Reason: "retirement", Timeline: g.pick(g.timelines), AskingPrice: 20_000 + g.rnd.Int64N(1_500_000)}
	if cs := g.communes[d]; len(cs) > 0 && g.rnd.IntN(4) > 0 { // a quarter confidential
		c := cs[g.rnd.IntN(len(cs))]
		o.CommuneCode, o.EPCI = c[0], c[1]
	} else {
		o.Confidential = true
	}
	return o
}

func (g *market) search() takeover.Search {
	s := takeover.Search{Chamber: "CCI", Mobility: takeover.MobilityLocal, Status: takeover.SearchOpen,
		HeadcountMin: g.rnd.IntN(10), DealTypes: g.dealTypes(), Timeline: g.pick(g.timelines), Experience: g.pick(g.exp)}
	s.HeadcountMax = s.HeadcountMin + g.rnd.IntN(20)
	budget := g.rnd.IntN(len(g.bands))
	s.BudgetBand, s.ContributionBand = g.bands[budget], g.bands[g.rnd.IntN(budget+1)]
	for range 1 + g.rnd.IntN(3) {
		id := g.pick(g.subclass)
		s.Sectors = append(s.Sectors, id[:[]int{6, 6, 5, 4, 2}[g.rnd.IntN(5)]]) // sub-class to division
	}
	s.Sectors = slices.Compact(slices.Sorted(slices.Values(s.Sectors)))
	switch r := g.rnd.IntN(100); {
	case r < 2:
		s.Mobility = takeover.MobilityNational
	case r < 15:
		s.Mobility = takeover.MobilityRegional
	}
	if s.Mobility != takeover.MobilityNational {
		d := g.pick(g.depts)
		s.Departements, s.Regions = []string{d}, []string{g.regionOf[d]}
		if cs := g.communes[d]; len(cs) > 0 && g.rnd.IntN(3) == 0 {
			s.CommuneCodes = []string{cs[g.rnd.IntN(len(cs))][0]}
		}
	}
	return s
}

// seed adds n (published) listings and n searches with COPY, then refreshes the
// planner's statistics.
func (g *market) seed(b *testing.B, e *env, n int) {
	now := time.Now()
	offers := make([][]any, n)
	for i := range offers {
		o := g.offer()
		offers[i] = []any{newUUID(), newUUID(), o.Chamber, o.NAFCode, takeover.NAFLevels(o.NAFCode), o.Departement, o.Region,
			nullable(o.CommuneCode), nullable(o.EPCI), o.Headcount, o.RevenueBand, o.ProfitBand, o.AskingPrice, o.DealTypes,
			o.Reason, o.Timeline, o.Confidential, now, takeover.OfferKeys(o), takeover.OfferPublished}
	}
	searches := make([][]any, n)
	for i := range searches {
		s := g.search()
		searches[i] = []any{newUUID(), newUUID(), s.Chamber, s.Sectors, nonNil(s.CommuneCodes), nonNil(s.EPCICodes),
			nonNil(s.Departements), nonNil(s.Regions), s.Mobility, s.BudgetBand, s.ContributionBand, s.HeadcountMin,
			s.HeadcountMax, s.DealTypes, s.Timeline, s.Experience, now, takeover.SearchKeys(s)}
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"takeover_offers", []string{"offer_id", "request_id", "chamber", "naf_code", "naf_levels", "departement", "region",
			"commune_code", "epci", "headcount", "revenue_band", "profit_band", "asking_price", "deal_types", "reason", "timeline",
			"confidential", "registered_at", "match_keys", "status"}, offers},
		{"buyer_searches", []string{"search_id", "request_id", "chamber", "sectors", "commune_codes", "epci_codes",
			"departements", "regions", "mobility", "budget_band", "contribution_band", "headcount_min", "headcount_max",
			"deal_types", "timeline", "experience", "registered_at", "match_keys"}, searches},
	} {
		if _, err := e.pool.CopyFrom(e.ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			b.Fatalf("copy %s: %v", c.table, err)
		}
	}
	if _, err := e.pool.Exec(e.ctx, `ANALYZE takeover_offers; ANALYZE buyer_searches`); err != nil {
		b.Fatal(err)
	}
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
