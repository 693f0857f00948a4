package takeover

import "slices"

// Candidate keys. An offer and a search are stored with keys that pair a
// NAF level with a place: "10.7|d:91" says "group 10.7, département 91".
// An offer's keys cross every level of its sub-class (section to
// sub-class) with every place it lies in (its département, région, EPCI,
// commune, and "*" for the nationwide buyers); a search's keys cross
// every level of each of its sectors, down to the sector itself, with
// every place it covers ("*" alone for a nationwide buyer, its régions
// for a regional one). A pair that shares a NAF level and meets the
// mobility filter (AreaMatches) shares exactly the key of that level and
// place, so an inverted index on the keys finds the candidates of one
// side by looking up one level only: the cost follows the candidates,
// not the market. The keys do not depend on the rules; the level looked
// up does (Matcher.candidateDepth).

// OfferKeys are the keys an offer is stored with.
func OfferKeys(o Offer) []string {
	return cross(nafAncestors(o.NAFCode), offerPlaces(o))
}

// SearchKeys are the keys a search is stored with.
func SearchKeys(s Search) []string {
	var levels []string
	for _, sec := range s.Sectors {
		levels = append(levels, nafAncestors(sec)...)
	}
	return cross(sortedSet(levels), searchPlaces(s))
}

// searchKeysOf are the keys that find the searches an offer may be
// proposed to: its level at the candidate depth with each of its places.
func (m Matcher) searchKeysOf(o Offer) []string {
	a := nafAncestors(o.NAFCode)
	d := m.candidateDepth()
	if len(a) <= d {
		return nil
	}
	return cross(a[d:d+1], offerPlaces(o))
}

// offerKeysOf are the keys that find the offers a search may be
// proposed: each of its sectors at the candidate depth (a sector coarser
// than that meets no offer deeply enough) with each of its places.
func (m Matcher) offerKeysOf(s Search) []string {
	d := m.candidateDepth()
	var levels []string
	for _, sec := range s.Sectors {
		if a := nafAncestors(sec); len(a) > d {
			levels = append(levels, a[d])
		}
	}
	return cross(sortedSet(levels), searchPlaces(s))
}

// Candidate tells whether the lookups pair o and s and the store reads
// one for the other: they share a NAF level at the candidate depth, the
// offer lies within the buyer's mobility and they share a deal type.
// Every pair the matcher proposes is a candidate.
func (m Matcher) Candidate(o Offer, s Search) bool {
	d, _ := sectorMeet(o, s)
	return d >= m.candidateDepth() && AreaMatches(o, s) && DealTypesOverlap(o, s)
}

// candidateDepth is the coarsest NAF depth (0 the section … 4 the
// sub-class) at which a pair sharing nothing finer could still reach the
// threshold with every other criterion at its best: pairs that share
// less can never be proposed and are not read.
func (m Matcher) candidateDepth() int {
	others := 100 - m.Rules.weight(CriterionSector)
	for d := range len(SectorLevels) {
		level := SectorLevels[len(SectorLevels)-1-d]
		if others+m.Rules.points(CriterionSector, m.Rules.file.Sector, level) >= m.Threshold {
			return d
		}
	}
	return len(SectorLevels) - 1
}

// offerPlaces are the places an offer lies in, as keys.
func offerPlaces(o Offer) []string {
	out := []string{"*", "d:" + o.Departement}
	for prefix, v := range map[string]string{"r:": o.Region, "e:": o.EPCI, "c:": o.CommuneCode} {
		if v != "" {
			out = append(out, prefix+v)
		}
	}
	return out
}

// searchPlaces are the places a search covers, as keys (AreaMatches).
func searchPlaces(s Search) []string {
	if s.Mobility == MobilityNational {
		return []string{"*"}
	}
	var out []string
	add := func(prefix string, vs []string) {
		for _, v := range vs {
			out = append(out, prefix+v)
		}
	}
	add("d:", s.Departements)
	add("e:", s.EPCICodes)
	add("c:", s.CommuneCodes)
	if s.Mobility == MobilityRegional {
		add("r:", s.Regions)
	}
	return out
}

// cross pairs every level with every place, sorted and without repeats.
func cross(levels, places []string) []string {
	out := make([]string, 0, len(levels)*len(places))
	for _, l := range levels {
		for _, p := range places {
			out = append(out, l+"|"+p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
