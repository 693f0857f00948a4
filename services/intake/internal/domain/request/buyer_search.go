package request

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// Limits of a buyer search's fields.
const (
	MaxSectors              = 20
	MaxAreas                = 50 // communes, EPCI and départements together
	MaxExperienceDetailsLen = 2000
)

// Mobilities say how far a buyer would go.
var Mobilities = Choices{
	{"local", "Uniquement dans les zones indiquées"},
	{"regional", "Dans toute la région des zones indiquées"},
	{"national", "Partout en France"},
}

// Experiences are a buyer's background.
var Experiences = Choices{
	{"none", "Pas d'expérience de direction d'entreprise"},
	{"sector", "Expérience salariée dans le secteur recherché"},
	{"manager", "Expérience de cadre dirigeant ou de manager"},
	{"business_owner", "Chef d'entreprise, actuel ou ancien"},
	{"buyer", "A déjà repris une entreprise"},
}

// AmountBands are the bands in which events carry a buyer's budget and
// personal contribution: the exact amounts say something about a person
// and stay in intake.
var AmountBands = Choices{
	{"lt_50k", "Moins de 50 000 €"},
	{"50k_100k", "De 50 000 € à 100 000 €"},
	{"100k_300k", "De 100 000 € à 300 000 €"},
	{"300k_1m", "De 300 000 € à 1 million d'euros"},
	{"1m_3m", "De 1 à 3 millions d'euros"},
	{"3m_10m", "De 3 à 10 millions d'euros"},
	{"gte_10m", "10 millions d'euros ou plus"},
}

// amountBandLimits[i] is the exclusive upper bound of AmountBands[i].
var amountBandLimits = []int64{50_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000}

// AmountBand returns the code of the band of n euros.
func AmountBand(n int64) string {
	for i, limit := range amountBandLimits {
		if n < limit {
			return AmountBands[i].Code
		}
	}
	return AmountBands[len(AmountBands)-1].Code
}

// BuyerSearchInput is a buyer's search as typed.
type BuyerSearchInput struct {
	Contact ContactInput
	// Sectors are NAF ids at any level: "10", "10.7" or "107", "10.71" or
	// "1071", "10.71C" or "1071C".
	Sectors []string
	// Areas.
	Communes     []string // INSEE codes
	EPCIs        []string // SIREN codes
	Departements []string
	Mobility     string
	// Money, in euros.
	Budget, PersonalContribution int64
	// Size of the business sought.
	HeadcountMin, HeadcountMax int
	DealTypes                  []string
	Timeline                   string
	Experience                 string
	ExperienceDetails          string // free text, optional
}

// BuyerSearch is a validated buyer search.
type BuyerSearch struct {
	ID                   string
	Applicant            Applicant
	Sectors              []string // canonical NAF ids, none covering another, in the order given
	Communes             []string // canonical INSEE codes, in the order given
	EPCIs                []string
	Departements         []string // as listed, canonical
	Mobility             string
	Budget               int64
	PersonalContribution int64
	HeadcountMin         int
	HeadcountMax         int
	DealTypes            []string
	Timeline             string
	Experience           string
	ExperienceDetails    string
	// Territory is the search's home département: that of the first commune
	// listed, else the first département listed; empty when the search
	// names only EPCI or no area (national). It is the events' territory
	// token and the département the router checks.
	Territory string
	// EPCI is the search's home intercommunalité: that of the first
	// commune listed, else the first EPCI listed; the routing carries it.
	EPCI string
	// Covered are the départements listed and those of the listed
	// communes, sorted.
	Covered []string
	Routing events.Routing
	// RoutingBasis is what the routing relied on, kept for advisors.
	RoutingBasis routing.Basis
	SubmittedAt  time.Time
}

// SearchReference is the reference data a buyer search needs.
type SearchReference interface {
	Reference
	NAFLabel(id string) (string, bool)
	SearchNAF(query string, limit int) []refdata.NAFEntry
	Departement(code string) (refdata.Departement, bool)
	EPCI(siren string) (refdata.EPCI, bool)
}

// NewBuyerSearch validates input and routes the search by its sectors. All
// problems are reported at once.
func NewBuyerSearch(id string, in BuyerSearchInput, ref SearchReference, router routing.Router, now time.Time) (BuyerSearch, error) {
	var ps Problems
	b := BuyerSearch{ID: id, SubmittedAt: now.UTC(), Budget: in.Budget, PersonalContribution: in.PersonalContribution,
		HeadcountMin: in.HeadcountMin, HeadcountMax: in.HeadcountMax}
	b.Applicant = applicant(&ps, in.Contact)
	b.Sectors = sectors(&ps, in.Sectors, ref)
	b.Mobility = choice(&ps, "search.mobility", in.Mobility, Mobilities)
	areas(&ps, &b, in, ref)
	amount(&ps, "search.budget", in.Budget, 1, "Budget total")
	switch {
	case in.PersonalContribution < 0 || in.PersonalContribution > MaxAmount:
		amount(&ps, "search.personal_contribution", in.PersonalContribution, 0, "Apport personnel")
	case in.PersonalContribution > in.Budget && in.Budget > 0:
		ps.add("search.personal_contribution", "exceeds_budget", "L'apport personnel ne peut pas dépasser le budget total.")
	}
	headcount(&ps, "search.headcount_min", in.HeadcountMin)
	headcount(&ps, "search.headcount_max", in.HeadcountMax)
	if in.HeadcountMax < in.HeadcountMin && in.HeadcountMin >= 0 && in.HeadcountMax >= 0 {
		ps.add("search.headcount_max", "order", "Le nombre maximal de salariés doit être supérieur ou égal au nombre minimal.")
	}
	b.DealTypes = choiceSet(&ps, "search.deal_types", in.DealTypes, DealTypes)
	b.Timeline = choice(&ps, "search.timeline", in.Timeline, Timelines)
	b.Experience = choice(&ps, "search.experience", in.Experience, Experiences)
	b.ExperienceDetails = text(&ps, "search.experience_details", in.ExperienceDetails, 0, MaxExperienceDetailsLen,
		fmt.Sprintf("Parcours : %d caractères au plus.", MaxExperienceDetailsLen))
	if err := ps.err(); err != nil {
		return BuyerSearch{}, err
	}
	// The routing table decides from the chambers the sectors involve, for
	// the smallest business sought, with the droit de suite when a fonds
	// is sought.
	decision := router.Decide(routing.Input{Request: routing.RequestBuyerSearch, Sectors: b.Sectors, Headcount: b.HeadcountMin,
		Departement: b.Territory, EPCI: b.EPCI, TakeoverOfArtisanFonds: slices.Contains(b.DealTypes, events.DealFonds)})
	b.Routing, b.RoutingBasis = decision.Routing, decision.Basis()
	return b, nil
}

// sectors validates and normalises the NAF ids sought: canonical form, no
// duplicates, and none covered by a broader one also listed ("47" makes
// "47.11F" redundant). The order given is kept: the first sector is the
// buyer's main one.
func sectors(ps *Problems, raw []string, ref SearchReference) []string {
	const field = "search.sectors"
	switch {
	case len(raw) == 0:
		ps.add(field, "required", "Indiquez au moins un secteur d'activité (code NAF : division, groupe, classe ou sous-classe).")
		return nil
	case len(raw) > MaxSectors:
		ps.add(field, "too_many", fmt.Sprintf("%d secteurs au plus.", MaxSectors))
		return nil
	}
	var ids []string
	for i, r := range raw {
		id, ok := nafID(r)
		if ok {
			_, ok = ref.NAFLabel(id)
		}
		if !ok {
			ps.add(fmt.Sprintf("%s[%d]", field, i), "unknown", "Code NAF inconnu : une division (47), un groupe (47.1), une classe (47.11) ou une sous-classe (47.11F) de la NAF rév. 2.")
			continue
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	all := slices.Clone(ids)
	return slices.DeleteFunc(ids, func(id string) bool {
		return slices.ContainsFunc(all, func(broader string) bool { return broader != id && strings.HasPrefix(id, broader) })
	})
}

// nafID reads a NAF id of any level, with or without its dot, into its
// canonical form: "47", "47.1", "47.11", "47.11F". It checks the shape only.
func nafID(s string) (string, bool) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), ".", ""))
	if len(s) < 2 || len(s) > 5 {
		return "", false
	}
	for i := range len(s) {
		c := s[i]
		digit := '0' <= c && c <= '9'
		if i < 4 && !digit || i == 4 && !('A' <= c && c <= 'Z') {
			return "", false
		}
	}
	if len(s) == 2 {
		return s, true
	}
	return s[:2] + "." + s[2:], true
}

// areas validates the communes, EPCI and départements sought and sets the
// search's territory.
func areas(ps *Problems, b *BuyerSearch, in BuyerSearchInput, ref SearchReference) {
	n := len(in.Communes) + len(in.EPCIs) + len(in.Departements)
	switch {
	case n > MaxAreas:
		ps.add("search.areas", "too_many", fmt.Sprintf("%d zones au plus (communes, intercommunalités et départements ensemble).", MaxAreas))
		return
	case n == 0 && b.Mobility != "national":
		ps.add("search.areas", "required", "Indiquez au moins une zone (commune, intercommunalité ou département), ou choisissez « Partout en France ».")
		return
	}
	covered := map[string]bool{}
	for i, code := range in.Communes {
		c, ok := ref.Commune(code)
		if !ok {
			ps.add(fmt.Sprintf("search.areas.communes[%d]", i), "unknown", "Commune inconnue : indiquez son code INSEE à 5 caractères (exemple : 91228).")
			continue
		}
		if !slices.Contains(b.Communes, c.Code) {
			b.Communes = append(b.Communes, c.Code)
		}
		covered[c.Departement] = true
		if b.Territory == "" {
			b.Territory, b.EPCI = c.Departement, c.EPCI
		}
	}
	for i, code := range in.EPCIs {
		e, ok := ref.EPCI(code)
		if !ok {
			ps.add(fmt.Sprintf("search.areas.epcis[%d]", i), "unknown", "Intercommunalité inconnue : indiquez son numéro SIREN à 9 chiffres.")
			continue
		}
		if !slices.Contains(b.EPCIs, e.Code) {
			b.EPCIs = append(b.EPCIs, e.Code)
		}
	}
	if b.EPCI == "" && len(b.EPCIs) > 0 {
		b.EPCI = b.EPCIs[0]
	}
	var firstDept string
	for i, code := range in.Departements {
		d, ok := ref.Departement(code)
		if !ok {
			ps.add(fmt.Sprintf("search.areas.departements[%d]", i), "unknown", "Département inconnu (exemples : 91, 2A, 974).")
			continue
		}
		if !slices.Contains(b.Departements, d.Code) {
			b.Departements = append(b.Departements, d.Code)
		}
		covered[d.Code] = true
		if firstDept == "" {
			firstDept = d.Code
		}
	}
	if b.Territory == "" {
		b.Territory = firstDept
	}
	for d := range covered {
		b.Covered = append(b.Covered, d)
	}
	slices.Sort(b.Covered)
}

// Submitted is the event announcing the search, without personal data:
// amounts as bands, no free text.
func (b BuyerSearch) Submitted() events.TakeoverSearchSubmitted {
	return events.TakeoverSearchSubmitted{
		RequestID: b.ID, Sectors: slices.Clone(b.Sectors), NAFVersion: refdata.NAFVersion,
		CommuneCodes: slices.Clone(b.Communes), EPCICodes: slices.Clone(b.EPCIs), Departements: slices.Clone(b.Covered),
		Mobility: b.Mobility, BudgetBand: AmountBand(b.Budget), PersonalContributionBand: AmountBand(b.PersonalContribution),
		HeadcountMin: b.HeadcountMin, HeadcountMax: b.HeadcountMax, DealTypes: slices.Clone(b.DealTypes),
		Timeline: b.Timeline, Experience: b.Experience, Routing: b.Routing, SubmittedAt: b.SubmittedAt,
	}
}
