package takeover

import (
	"fmt"
	"slices"
	"testing"
)

// TestKeysFindExactlyTheCandidates: for every pair of a set of offers and
// searches around a bakery, both lookups (an offer's among the searches'
// keys, a search's among the offers') find the pair exactly when it
// shares a NAF level at least as deep as the candidate depth and the
// offer lies within the buyer's mobility, at two candidate depths.
func TestKeysFindExactlyTheCandidates(t *testing.T) {
	var offers []Offer
	for _, f := range []func(*Offer){
		func(*Offer) {},
		func(o *Offer) { o.CommuneCode, o.EPCI, o.Confidential = "", "", true },
		func(o *Offer) { o.CommuneCode, o.Confidential = "", true },
		func(o *Offer) { o.NAFCode = "10.71D" },
		func(o *Offer) { o.NAFCode = "11.07A" },
		func(o *Offer) { o.NAFCode = "47.11F" },
		func(o *Offer) { o.Departement, o.Region, o.CommuneCode, o.EPCI = "77", "11", "77288", "" },
		func(o *Offer) { o.Departement, o.Region, o.CommuneCode, o.EPCI = "69", "84", "69123", "" },
	} {
		o := bakery()
		f(&o)
		offers = append(offers, o)
	}
	var searches []Search
	for _, f := range []func(*Search){
		func(*Search) {},
		func(s *Search) { s.Sectors = []string{"10"} },
		func(s *Search) { s.Sectors = []string{"10.7"} },
		func(s *Search) { s.Sectors = []string{"10.72Z", "47"} },
		func(s *Search) { s.Sectors = []string{"11.07A"} },
		func(s *Search) { s.Sectors = []string{"56.10A"} },
		func(s *Search) { s.Departements = []string{"77"} },
		func(s *Search) { s.Departements, s.Mobility = []string{"77"}, MobilityRegional },
		func(s *Search) {
			s.Departements, s.Regions, s.Mobility = []string{"69"}, []string{"84"}, MobilityRegional
		},
		func(s *Search) { s.Departements, s.Regions, s.Mobility = nil, nil, MobilityNational },
		func(s *Search) { s.Departements, s.Regions, s.EPCICodes = nil, nil, []string{"200056232"} },
		func(s *Search) { s.Departements, s.Regions, s.CommuneCodes = nil, nil, []string{"91228"} },
		func(s *Search) { s.Departements, s.Regions, s.CommuneCodes = nil, nil, []string{"69123"} },
	} {
		s := buyer()
		f(&s)
		searches = append(searches, s)
	}
	r, err := EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	for _, threshold := range []int{60, 70} {
		m := Matcher{Rules: r, Threshold: threshold}
		depth := m.candidateDepth()
		found := 0
		for i, o := range offers {
			for j, s := range searches {
				d, _ := sectorMeet(o, s)
				want := d >= depth && AreaMatches(o, s)
				if _, proposed := m.Proposes(o, s); proposed && !want {
					t.Errorf("threshold %d, offer %d, search %d: proposed but not a candidate", threshold, i, j)
				}
				if m.Candidate(o, s) != (want && DealTypesOverlap(o, s)) {
					t.Errorf("threshold %d, offer %d, search %d: Candidate disagrees", threshold, i, j)
				}
				bySearch := intersects(m.SearchLookup(o).Keys, SearchKeys(s))
				byOffer := intersects(m.OfferLookup(s).Keys, OfferKeys(o))
				if bySearch != want || byOffer != want {
					t.Errorf("threshold %d, offer %d, search %d: found %v (offer's lookup) and %v (search's), want %v",
						threshold, i, j, bySearch, byOffer, want)
				}
				if want {
					found++
				}
			}
		}
		if found < 20 {
			t.Errorf("threshold %d: only %d candidate pairs: the variants test little", threshold, found)
		}
	}
}

func intersects(a, b []string) bool {
	return slices.ContainsFunc(a, func(k string) bool { return slices.Contains(b, k) })
}

func TestKeys(t *testing.T) {
	o := bakery()
	o.CommuneCode, o.Confidential = "", true
	keys := OfferKeys(o)
	if len(keys) != 5*4 || !slices.Contains(keys, "C|*") || !slices.Contains(keys, "10.71C|e:200056232") || slices.Contains(keys, "10.71C|c:91228") {
		t.Fatalf("offer keys %v", keys)
	}
	s := buyer()
	s.Sectors = []string{"10", "10.7"}
	if got, want := SearchKeys(s), []string{"10.7|d:91", "10|d:91", "C|d:91"}; !slices.Equal(got, want) {
		t.Fatalf("search keys %v, want %v", got, want)
	}
	s.Mobility = MobilityRegional
	if got := fmt.Sprint(SearchKeys(s)); got != "[10.7|d:91 10.7|r:11 10|d:91 10|r:11 C|d:91 C|r:11]" {
		t.Fatalf("regional search keys %s", got)
	}
}
