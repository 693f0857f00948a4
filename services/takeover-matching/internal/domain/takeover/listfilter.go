package takeover

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"
)

// ListFilter narrows a list of offers or searches. Market lists the
// marketplace of both chambers (published listings, open searches), the
// other fields keep the rows that carry their value; an empty one keeps
// every row.
//
// On the marketplace an offer is filtered on what its teaser shows (its
// sector at the level the seller chose, its band of price), never on a
// finer code: a filter must not tell a buyer's advisor more than the
// teaser does.
type ListFilter struct {
	Market bool
	// Status is one of OfferStatuses or SearchStatuses (on the
	// marketplace: published or open only).
	Status string
	// Chamber is the lead chamber, CCI or CMA.
	Chamber string
	// Sector is a NAF id at any level: section "G", division "47",
	// group "47.1", class "47.11" or sub-class "47.11F".
	Sector      string
	Departement string
	// DealType is one the offer or the search considers.
	DealType string
	// Band is an offer's teaser price band, a search's budget band.
	Band string
}

// Marketplace statuses: what the market shows.
const (
	marketOffer  = OfferPublished
	marketSearch = SearchOpen
)

var (
	sectionRe     = regexp.MustCompile(`^[A-U]$`)
	belowSection  = regexp.MustCompile(`^[0-9]{2}(\.[0-9]([0-9][A-Z]?)?)?$`)
	departementRe = regexp.MustCompile(`^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-6])$`)
)

// ParseListFilter reads a list's query parameters (scope, status,
// chamber, naf, departement, deal_type and price_band for offers or
// budget_band for searches), reporting every bad one at once.
func ParseListFilter(get func(string) string, offers bool) (ListFilter, InvalidCriteria) {
	var ps InvalidCriteria
	add := func(field, detail string) { ps = append(ps, FieldProblem{field, "invalid", detail}) }
	f := ListFilter{Status: get("status"), Chamber: get("chamber"), Departement: strings.ToUpper(get("departement")),
		DealType: get("deal_type")}
	switch get("scope") {
	case "", "own":
	case "market":
		f.Market = true
	default:
		add("scope", "Portée inconnue : own (les dossiers de votre chambre) ou market (la place de marché).")
	}
	statuses, market, bandField := OfferStatuses, marketOffer, "price_band"
	if !offers {
		statuses, market, bandField = SearchStatuses, marketSearch, "budget_band"
	}
	f.Band = get(bandField)
	switch {
	case f.Status == "":
	case !slices.Contains(statuses, f.Status):
		add("status", "Statut inconnu : "+strings.Join(statuses, ", ")+".")
	case f.Market && f.Status != market:
		add("status", "La place de marché ne montre que le statut "+market+".")
	}
	if f.Chamber != "" && f.Chamber != events.ChamberCCI && f.Chamber != events.ChamberCMA {
		add("chamber", "Chambre inconnue : CCI ou CMA.")
	}
	if v := get("naf"); v != "" {
		if s, ok := sectorID(v); ok {
			f.Sector = s
		} else {
			add("naf", "Code NAF attendu : une section (G), une division (47), un groupe (47.1), une classe (47.11) ou une sous-classe (47.11F).")
		}
	}
	if f.Departement != "" && !departementRe.MatchString(f.Departement) {
		add("departement", "Code de département attendu (91, 2A, 974).")
	}
	if f.DealType != "" && !slices.Contains(dealTypes, f.DealType) {
		add("deal_type", "Type de reprise inconnu : "+strings.Join(dealTypes, ", ")+".")
	}
	if f.Band != "" && !slices.Contains(bandOrder, f.Band) {
		add(bandField, "Tranche inconnue : "+strings.Join(bandOrder, ", ")+".")
	}
	return f, ps
}

// sectorID is the canonical id of a NAF section or code below one.
func sectorID(v string) (string, bool) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if sectionRe.MatchString(v) {
		return v, true
	}
	c := CanonicalNAF(v)
	if !belowSection.MatchString(c) {
		return "", false
	}
	_, ok := refdata.NAFSection(c)
	return c, ok
}

// SectorScope says which stored NAF ids fall within a filter's sector:
// the section itself, or the ids from Low (included) to High (excluded)
// in byte order, which are those below it (a section's divisions, or the
// ids starting with the sector). Ancestors are the coarser ids that
// contain the sector (a search looking for "47" wants a business of
// "47.11F"); a section has none.
type SectorScope struct {
	Section   string
	Low, High string
	Ancestors []string
}

// ScopeOf is the scope of a filter's sector (from ParseListFilter).
func ScopeOf(sector string) SectorScope {
	if sectionRe.MatchString(sector) {
		sc := SectorScope{Section: sector}
		for d := 1; d <= 99; d++ {
			div := fmt.Sprintf("%02d", d)
			if s, ok := refdata.NAFSection(div); ok && s == sector {
				if sc.Low == "" {
					sc.Low = div
				}
				sc.High = successor(div)
			}
		}
		return sc
	}
	a := nafAncestors(sector)
	if len(a) > 0 {
		a = a[:len(a)-1]
	}
	return SectorScope{Low: sector, High: successor(sector), Ancestors: a}
}

// successor is the first string after every string starting with p, in
// byte order ("47" -> "48", "09" -> "0:").
func successor(p string) string {
	b := []byte(p)
	b[len(b)-1]++
	return string(b)
}

// Within tells whether a stored NAF id (a code, or a search's sector at
// any level) lies within the scope: the rule the adapters' queries
// apply, stated for the tests.
func (sc SectorScope) Within(id string) bool {
	return (sc.Section != "" && id == sc.Section) || (sc.Low <= id && id < sc.High)
}
