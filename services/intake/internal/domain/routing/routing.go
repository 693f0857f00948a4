// Package routing is intake's "aiguillage": from the kind of request, the
// activity's NAF code (a buyer search's sectors), the headcount (with the
// "droit de suite" of artisans, at takeover too) and the commune's
// département, it decides which chamber leads a request, which one follows,
// and says why in French. The decision carries the commune's EPCI.
//
// The rules are data, not code: a versioned table (rules.json, embedded,
// replaceable by another table the configuration reads at startup and
// ParseRules checks) of ordered rules, the first that matches deciding.
// The package does no I/O.
package routing

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"
)

// The kinds of request the table's "request" condition names.
const (
	RequestCreation      = "creation"
	RequestTakeoverOffer = "takeover_offer"
	RequestBuyerSearch   = "buyer_search"
	RequestDifficulty    = "difficulty"
)

// maxSearchSubclasses bounds the sub-classes a search's sectors may cover
// (the whole nomenclature has 732).
const maxSearchSubclasses = 1000

// Input is what the decision depends on.
type Input struct {
	// Request is the kind of request (Request*); empty reads as a creation.
	Request string
	// Sectors are the NAF ids a buyer search names, at any level ("47",
	// "47.1", "47.11", "47.11F"), canonical and checked, the main one
	// first. Only buyer searches use them: each sub-class they cover is
	// routed as a business of Headcount employees, and the table's
	// "sectors" rules decide from the chambers involved.
	Sectors []string
	// NAFCode is the activity's NAF sub-class, written "47.11F" or
	// "4711F"; empty when unknown. A code that is not a sub-class of the
	// nomenclature counts as unknown.
	NAFCode   string
	Headcount int
	// Departement is the code of the commune's département; empty when
	// the commune is unknown.
	Departement string
	// EPCI is the SIREN of the commune's intercommunalité, when known. It
	// decides nothing: the decision carries it, with the département, to
	// place the request in an advisor's territory.
	EPCI string
	// AlreadyRegistered: the business is already registered in the
	// secteur des métiers (RNE), so the droit de suite keeps it artisanal
	// below 250 employees.
	AlreadyRegistered bool
	// TakeoverOfArtisanFonds: the business takes over the fonds of a
	// registered artisan, so it may register with 11 to 99 employees. For
	// a takeover offer: its fonds is for sale; for a buyer search: a fonds
	// is sought.
	TakeoverOfArtisanFonds bool
}

// Reference is the reference data the router looks codes up in
// (*refdata.Data).
type Reference interface {
	NAF(code string) (refdata.NAFEntry, bool)
	Artisanat(nafCode string) (refdata.ArtisanalActivity, bool)
	Departement(code string) (refdata.Departement, bool)
	// SearchNAF lists the sub-classes under a NAF id, for buyer searches.
	SearchNAF(query string, limit int) []refdata.NAFEntry
}

// Router decides routings for the served départements.
type Router struct {
	Ref          Reference
	Departements []string // served départements; others are flagged for forwarding
	// Rules is the routing table; nil means the embedded one.
	Rules *Rules
}

// Decision is a routing with what it was decided on, for the record.
type Decision struct {
	// Routing is the decision as events carry it: chambers, rule id,
	// French reason, territory flag and table version.
	Routing events.Routing
	// Input is the input as read: NAFCode in canonical form when it is a
	// known sub-class, as given otherwise.
	Input Input
	// NAFKnown tells whether Input.NAFCode is a sub-class of NAFVersion.
	NAFKnown   bool
	NAFVersion string
	// Artisanal is the sub-class's status in the list of artisanal
	// activities ("" when not listed), Family its family.
	Artisanal refdata.ArtisanalKind
	Family    string
	// TurnTo says where to turn when neither chamber is competent.
	TurnTo string
	// Region is the code of the département's région, when known.
	Region string
}

// Route decides the routing of a request.
func (r Router) Route(in Input) events.Routing { return r.Decide(in).Routing }

// Decide decides the routing of a request and records what it relied on.
func (r Router) Decide(in Input) Decision {
	rules := r.Rules
	if rules == nil {
		var err error
		if rules, err = EmbeddedRules(); err != nil {
			return unavailable(in, err)
		}
	}
	f := r.facts(in)
	if f.in.Request == RequestBuyerSearch {
		r.sectorFacts(rules, &f)
	}
	d := Decision{Input: f.in, NAFKnown: f.known, NAFVersion: refdata.NAFVersion,
		Artisanal: f.art.Kind, Family: f.art.Family, Region: f.region}
	rule := rules.first(f)
	d.TurnTo = rule.Then.TurnTo
	d.Routing = events.Routing{
		LeadChamber:      rule.Then.Lead,
		SecondaryChamber: rule.Then.Secondary,
		RuleID:           rule.ID,
		Reason:           f.render(rule.Then.Reason, rule.Then.TurnTo),
		RulesVersion:     rules.Version(),
		EPCI:             in.EPCI,
	}
	if in.Departement != "" && !slices.Contains(r.Departements, in.Departement) {
		d.Routing.OutOfTerritory = true
		d.Routing.Reason += " " + f.render(rules.table.OutOfTerritoryReason, "")
	}
	return d
}

// unavailable is the decision when the embedded table cannot be read,
// which its test rules out: both chambers receive the request rather than
// none.
func unavailable(in Input, err error) Decision {
	return Decision{Input: in, NAFVersion: refdata.NAFVersion, Routing: events.Routing{
		LeadChamber: events.ChamberCCI, SecondaryChamber: events.ChamberCMA, RuleID: "rules-unavailable",
		Reason: fmt.Sprintf("La table d'aiguillage est illisible (%v) : la CCI accueille la demande et la partage avec la CMA.", err),
	}}
}

// facts are the input with what the reference data says about it.
type facts struct {
	in          Input
	known       bool // in.NAFCode is a canonical, existing sub-class
	label       string
	art         refdata.ArtisanalActivity // zero when not listed
	departement string                    // "Essonne (91)", or the code alone
	region      string
	// For a buyer search: which chambers its sectors involve (sectors*),
	// and the lead of the first sub-class that names one.
	sectors   string
	firstLead string
}

// The values of the "sectors" condition.
const (
	sectorsArtisanal  = "artisanal"  // the CMA alone
	sectorsCommercial = "commercial" // the CCI alone
	sectorsMixed      = "mixed"      // both chambers
	sectorsNone       = "none"       // neither
)

// sectorFacts routes each sub-class a search's sectors cover, as a
// business of the headcount sought, with the rules that are not about
// sectors, and sums up the chambers involved. The search's own NAF code,
// for the rules and reasons about one activity, is its first sub-class.
func (r Router) sectorFacts(rules *Rules, f *facts) {
	involved := map[string]bool{}
	var first string
	for _, s := range f.in.Sectors {
		for _, e := range r.Ref.SearchNAF(s, maxSearchSubclasses) {
			if first == "" {
				first = e.Code
			}
			sub := r.facts(Input{Request: f.in.Request, NAFCode: e.Code, Headcount: f.in.Headcount,
				AlreadyRegistered: f.in.AlreadyRegistered, TakeoverOfArtisanFonds: f.in.TakeoverOfArtisanFonds})
			o := rules.first(sub).Then
			if f.firstLead == "" {
				f.firstLead = o.Lead
			}
			for _, c := range []string{o.Lead, o.Secondary} {
				if c != "" {
					involved[c] = true
				}
			}
		}
	}
	switch {
	case len(involved) == 2:
		f.sectors = sectorsMixed
	case involved[events.ChamberCMA]:
		f.sectors = sectorsArtisanal
	case involved[events.ChamberCCI]:
		f.sectors = sectorsCommercial
	default:
		f.sectors = sectorsNone
	}
	if f.in.NAFCode == "" && first != "" {
		one := r.facts(Input{NAFCode: first})
		f.in.NAFCode, f.known, f.label, f.art = one.in.NAFCode, one.known, one.label, one.art
	}
}

func (r Router) facts(in Input) facts {
	if in.Request == "" {
		in.Request = RequestCreation
	}
	f := facts{in: in, departement: in.Departement}
	if c, ok := refdata.NormalizeNAF(in.NAFCode); ok {
		if e, ok := r.Ref.NAF(c); ok {
			f.in.NAFCode, f.known, f.label = e.Code, true, e.Label
			f.art, _ = r.Ref.Artisanat(e.Code)
		}
	}
	if dep, ok := r.Ref.Departement(in.Departement); ok && in.Departement != "" {
		f.departement = fmt.Sprintf("%s, %s", dep.Name, dep.Code)
		f.region = dep.Region
	}
	return f
}

// first returns the first rule that holds; the validated table ends with a
// catch-all, so there always is one.
func (r *Rules) first(f facts) Rule {
	for _, ru := range r.table.Rules {
		if ru.When.hold(f) {
			return ru
		}
	}
	return r.table.Rules[len(r.table.Rules)-1]
}

func (c Conditions) hold(f facts) bool {
	if c.Request != nil && !slices.Contains(c.Request, f.in.Request) {
		return false
	}
	if c.Sectors != "" && c.Sectors != f.sectors || c.FirstSectorLead != "" && c.FirstSectorLead != f.firstLead {
		return false
	}
	if c.NAFMissing != nil && *c.NAFMissing == f.known {
		return false
	}
	if (c.NAFArtisanal != "" || c.NAFPrefixes != nil) && !f.known {
		return false
	}
	if c.NAFArtisanal != "" && c.NAFArtisanal != artisanalStatus(f.art.Kind) {
		return false
	}
	if c.NAFPrefixes != nil && !slices.ContainsFunc(c.NAFPrefixes, func(p string) bool { return strings.HasPrefix(f.in.NAFCode, p) }) {
		return false
	}
	h := f.in.Headcount
	return (c.HeadcountMin == nil || h >= *c.HeadcountMin) &&
		(c.HeadcountMax == nil || h <= *c.HeadcountMax) &&
		(c.AlreadyRegistered == nil || *c.AlreadyRegistered == f.in.AlreadyRegistered) &&
		(c.TakeoverOfArtisanFonds == nil || *c.TakeoverOfArtisanFonds == f.in.TakeoverOfArtisanFonds)
}

func artisanalStatus(k refdata.ArtisanalKind) string {
	if k == "" {
		return artisanalNone
	}
	return string(k)
}

// render fills a reason template, validated by ParseRules.
func (f facts) render(tmpl, turnTo string) string {
	naf, label, family := "code non renseigné", "activité non précisée", "non artisanale"
	if f.known {
		naf, label = f.in.NAFCode, f.label
	} else if c := strings.TrimSpace(f.in.NAFCode); c != "" && len(c) <= 12 {
		naf = "code « " + c + " » non reconnu"
	} else if c != "" {
		naf = "code non reconnu"
	}
	if f.art.Family != "" {
		family = familyNames[f.art.Family]
	}
	departement := f.departement
	if departement == "" {
		departement = "département inconnu"
	}
	return strings.NewReplacer(
		"{naf}", naf,
		"{naf_label}", label,
		"{naf_version}", refdata.NAFVersion,
		"{headcount}", strconv.Itoa(f.in.Headcount),
		"{employees}", employees(f.in.Headcount),
		"{family}", family,
		"{turn_to}", turnTo,
		"{departement}", departement,
		"{sectors}", strings.Join(f.in.Sectors, ", "),
	).Replace(tmpl)
}

// familyNames spell the families of the list of artisanal activities.
var familyNames = map[string]string{
	refdata.FamilyAlimentation: "alimentation",
	refdata.FamilyBatiment:     "bâtiment",
	refdata.FamilyFabrication:  "fabrication",
	refdata.FamilyServices:     "services",
}

// employees writes a headcount in French: "aucun salarié", "1 salarié",
// "12 salariés".
func employees(n int) string {
	switch {
	case n <= 0:
		return "aucun salarié"
	case n == 1:
		return "1 salarié"
	}
	return strconv.Itoa(n) + " salariés"
}
