package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// The buyer search's look-ups, for browsers without JavaScript as for the
// others: sectors by words, communes by postcode. What is ticked among the
// results is added to the list typed on the next post, whichever button
// sends it.
const (
	actionSector      = "sector"       // NAF sub-classes matching words
	actionAreaCommune = "area_commune" // the communes of a postcode
	actionAdd         = "add"          // add the ticked results, nothing else
	sectorQueryField  = "sector_query"
	sectorPickField   = "sector_pick"
	areaPostcodeField = "area_postcode"
	communePickField  = "commune_pick"
	sectorSuggestions = 15
	maxCodesLen       = 1000 // a list of codes typed; the domain caps the count
)

// searchFields are the controls of the buyer search form, in page order.
type searchFields struct {
	contactFields
	Sectors *field
	// Areas carries the problems of the areas as a whole (none given, too
	// many); it is the fieldset around the three lists.
	Areas, Departements, Communes, EPCIs, Mobility                        *field
	Budget, Contribution, HeadcountMin, HeadcountMax, DealTypes, Timeline *field
	Experience, ExperienceDetails                                         *field
}

func (f searchFields) list() []*field {
	return append(f.contactFields.list(), f.Sectors, f.Areas, f.Departements, f.Communes, f.EPCIs, f.Mobility,
		f.Budget, f.Contribution, f.HeadcountMin, f.HeadcountMax, f.DealTypes, f.Timeline, f.Experience, f.ExperienceDetails)
}

// searchPage is the data of search.html: a buyer looking for a business.
type searchPage struct {
	form
	F searchFields
	// SectorQuery and AreaPostcode are the look-ups' search boxes.
	SectorQuery, AreaPostcode *field
	SectorSearched            bool
	SectorChoices             []option
	CommuneSearched           bool
	CommuneChoices            []option
	// Known* say what the valid codes typed stand for.
	KnownSectors, KnownDepartements, KnownCommunes, KnownEPCIs []string

	sent map[*field][]string // the codes of each list, as typed
}

func (s *site) newSearchPage(v url.Values, token string) requestForm[request.BuyerSearchInput] {
	const path = "/reprise"
	p := &searchPage{form: form{ID: "reprise-form", Path: path, Token: token, ref: s.Ref}}
	p.F = searchFields{contactFields: newContactFields(),
		Sectors: &field{Name: "search.sectors", Label: "Secteurs d'activité recherchés", Type: "textarea", Rows: 3, MaxLength: maxCodesLen,
			Hint: "Codes NAF séparés par des virgules ou un par ligne : une division (47), un groupe (47.1), une classe (47.11) ou une sous-classe (47.11F). " +
				"Vous ne les connaissez pas ? Cherchez-les par mots-clés juste en dessous.",
			Missing: "Indiquez au moins un secteur d'activité : un code NAF, ou cherchez-le par mots-clés."},
		Areas: &field{Name: "search.areas", Label: "Zones recherchées", Type: "fieldset", Anchor: "search-areas-departements",
			Hint: "Au moins une zone (départements, communes ou intercommunalités), sauf si vous cherchez partout en France."},
		Departements: &field{Name: "search.areas.departements", Label: "Départements", Type: "text", Unmarked: true, MaxLength: 300,
			Hint: "Numéros séparés par des virgules (exemple : 91, 77, 2A)."},
		Communes: &field{Name: "search.areas.communes", Label: "Communes", Type: "textarea", Rows: 2, Unmarked: true, MaxLength: maxCodesLen,
			Hint: "Codes INSEE à 5 caractères, séparés par des virgules ou un par ligne (exemple : 91228 pour Évry-Courcouronnes). " +
				"Trouvez-les par leur code postal ci-dessous."},
		EPCIs: &field{Name: "search.areas.epcis", Label: "Intercommunalités", Type: "text", Unmarked: true, MaxLength: maxCodesLen,
			Hint: "Numéros SIREN à 9 chiffres de la communauté de communes ou d'agglomération (exemple : 200059228 pour Grand Paris Sud)."},
		Mobility: &field{Name: "search.mobility", Label: "Jusqu'où êtes-vous prêt ou prête à aller ?", Type: "radios",
			Options: choiceOptions(request.Mobilities, false), Missing: "Choisissez jusqu'où vous êtes prêt ou prête à aller."},
		Budget: &field{Name: "search.budget", Label: "Budget total de la reprise", Type: "text", Inputmode: "numeric", MaxLength: 20,
			Hint:      "En euros, financements compris (exemple : 300 000).",
			Missing:   "Indiquez votre budget total en euros, même approximatif.",
			NotNumber: "Indiquez le budget en euros, en chiffres (exemple : 300 000)."},
		Contribution: &field{Name: "search.personal_contribution", Label: "Apport personnel", Type: "text", Inputmode: "numeric", MaxLength: 20,
			Hint:      "En euros, la part du budget que vous apportez vous-même ; 0 si vous n'en avez pas.",
			Missing:   "Indiquez votre apport personnel en euros, 0 si vous n'en avez pas.",
			NotNumber: "Indiquez l'apport en euros, en chiffres (exemple : 60 000)."},
		HeadcountMin: &field{Name: "search.headcount_min", Label: "Nombre minimal de salariés", Type: "text", Inputmode: "numeric", Optional: true,
			Hint: "Laissez vide pour une entreprise de toute taille.", MaxLength: 6,
			NotNumber: "Indiquez un nombre entier de salariés, ou laissez vide."},
		HeadcountMax: &field{Name: "search.headcount_max", Label: "Nombre maximal de salariés", Type: "text", Inputmode: "numeric",
			Hint: "0 pour une entreprise sans salarié.", MaxLength: 6,
			Missing:   "Indiquez le nombre maximal de salariés de l'entreprise recherchée.",
			NotNumber: "Indiquez un nombre entier de salariés (exemple : 10)."},
		DealTypes: &field{Name: "search.deal_types", Label: "Ce que vous souhaitez reprendre", Type: "checkboxes",
			Hint: "Cochez tout ce qui vous intéresse.", Options: choiceOptions(request.DealTypes, false),
			Missing: "Cochez au moins un type de reprise."},
		Timeline: &field{Name: "search.timeline", Label: "Quand souhaitez-vous reprendre ?", Type: "radios",
			Options: choiceOptions(request.Timelines, false), Missing: "Choisissez quand vous souhaitez reprendre."},
		Experience: &field{Name: "search.experience", Label: "Votre expérience", Type: "radios",
			Options: choiceOptions(request.Experiences, false), Missing: "Choisissez ce qui décrit le mieux votre expérience."},
		ExperienceDetails: &field{Name: "search.experience_details", Label: "Votre parcours en quelques lignes", Type: "textarea", Optional: true,
			Hint:      fmt.Sprintf("Métiers exercés, secteurs, diplômes (%d caractères au plus).", request.MaxExperienceDetailsLen),
			MaxLength: request.MaxExperienceDetailsLen},
	}
	p.SectorQuery = &field{Name: sectorQueryField, Label: "Chercher un secteur par mots-clés", Type: "text", Unmarked: true, MaxLength: maxNAFQuery,
		Hint: "Exemple : boulangerie, plomberie, restaurant."}
	p.AreaPostcode = &field{Name: areaPostcodeField, Label: "Trouver une commune par son code postal ou son nom", Type: "text", Unmarked: true,
		MaxLength: refdata.MaxCommuneQuery, Hint: "5 chiffres (exemple : 91100) ou le nom de la commune (exemple : Évry)."}
	p.fields = p.F.list()
	p.fill(v)
	if v != nil {
		p.SectorQuery.set(v)
		p.AreaPostcode.set(v)
		p.F.Sectors.Value = addCodes(p.F.Sectors.Value, v[sectorPickField], func(a, b string) bool { return nafCanon(a) == nafCanon(b) })
		p.F.Communes.Value = addCodes(p.F.Communes.Value, v[communePickField], strings.EqualFold)
	}
	p.sent = map[*field][]string{}
	for _, f := range []*field{p.F.Sectors, p.F.Departements, p.F.Communes, p.F.EPCIs} {
		p.sent[f] = codes(f.Value)
	}
	p.name()
	return p
}

// name says what the valid codes typed stand for.
func (p *searchPage) name() {
	for _, c := range p.sent[p.F.Sectors] {
		if l, ok := p.ref.NAFLabel(c); ok {
			p.KnownSectors = append(p.KnownSectors, nafCanon(c)+" — "+l)
		}
	}
	for _, c := range p.sent[p.F.Departements] {
		if d, ok := p.ref.Departement(departement(c)); ok {
			p.KnownDepartements = append(p.KnownDepartements, d.Name+" ("+d.Code+")")
		}
	}
	for _, c := range p.sent[p.F.Communes] {
		if cm, ok := p.ref.Commune(strings.ToUpper(c)); ok {
			p.KnownCommunes = append(p.KnownCommunes, cm.Name+" ("+cm.Code+")")
		}
	}
	for _, c := range p.sent[p.F.EPCIs] {
		if e, ok := p.ref.EPCI(c); ok {
			p.KnownEPCIs = append(p.KnownEPCIs, e.Name+" ("+e.Code+")")
		}
	}
}

func (p *searchPage) base() *form { return &p.form }

func (p *searchPage) lookup(action string) bool {
	switch action {
	case actionSector:
		p.SectorSearched = true
		for _, e := range p.ref.SearchNAF(p.SectorQuery.trimmed(), sectorSuggestions) {
			p.SectorChoices = append(p.SectorChoices, option{Value: e.Code, Label: e.Code + " — " + e.Label})
		}
	case actionAreaCommune:
		p.CommuneSearched = true
		q := p.AreaPostcode.trimmed()
		cs := p.ref.CommunesByPostcode(q)
		if len(cs) == 0 {
			cs = p.ref.SearchCommunes(q, communeSuggestions)
		}
		for _, c := range cs {
			p.CommuneChoices = append(p.CommuneChoices, option{Value: c.Code, Label: c.Name + " (" + c.Code + ")"})
		}
	case actionAdd:
	default:
		return false
	}
	return true
}

func (p *searchPage) input() request.BuyerSearchInput {
	f := p.F
	upper := func(cs []string) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = strings.ToUpper(c)
		}
		return out
	}
	deps := make([]string, 0, len(p.sent[f.Departements]))
	for _, c := range p.sent[f.Departements] {
		deps = append(deps, departement(c))
	}
	return request.BuyerSearchInput{
		Contact: f.contactFields.input(),
		Sectors: p.sent[f.Sectors], Communes: upper(p.sent[f.Communes]), EPCIs: p.sent[f.EPCIs], Departements: deps,
		Mobility: f.Mobility.Value, Budget: intValue(f.Budget, false), PersonalContribution: intValue(f.Contribution, false),
		HeadcountMin: int(intValue(f.HeadcountMin, true)), HeadcountMax: int(intValue(f.HeadcountMax, false)),
		DealTypes: f.DealTypes.Values, Timeline: f.Timeline.Value, Experience: f.Experience.Value,
		ExperienceDetails: f.ExperienceDetails.trimmed(),
	}
}

// itemPattern is the field of a problem about one code of a list:
// "search.sectors[2]".
var itemPattern = regexp.MustCompile(`^(.+)\[(\d+)\]$`)

// invalid gathers the problems about single codes of a list into one
// problem that quotes them, so that the list's field says which codes are
// wrong rather than their positions.
func (p *searchPage) invalid(ps request.Problems) {
	bad := map[*field][]string{}
	var kept request.Problems
	for _, pr := range ps {
		if m := itemPattern.FindStringSubmatch(pr.Field); m != nil {
			f := p.form.field(m[1])
			i, _ := strconv.Atoi(m[2])
			if list, ok := p.sent[f]; ok && f != nil && i < len(list) {
				bad[f] = append(bad[f], list[i])
				continue
			}
		}
		kept = append(kept, pr)
	}
	for _, f := range []*field{p.F.Sectors, p.F.Departements, p.F.Communes, p.F.EPCIs} {
		if len(bad[f]) > 0 {
			kept = append(kept, request.Problem{Field: f.Name, Code: "unknown", Message: p.unknownCodes(f, bad[f])})
		}
	}
	p.setProblems(kept, nil)
}

// unknownCodes words the codes of a list that match nothing.
func (p *searchPage) unknownCodes(f *field, bad []string) string {
	one := len(bad) == 1
	plural := func(singular, plural string) string {
		if one {
			return singular
		}
		return plural
	}
	switch f {
	case p.F.Sectors:
		return plural("Code NAF inconnu : ", "Codes NAF inconnus : ") + listCodes(bad) +
			". Indiquez une division (47), un groupe (47.1), une classe (47.11) ou une sous-classe (47.11F), ou cherchez le secteur par mots-clés."
	case p.F.Departements:
		return plural("Département inconnu : ", "Départements inconnus : ") + listCodes(bad) +
			". Indiquez le numéro du département (exemple : 91, 2A, 974)."
	case p.F.Communes:
		return plural("Commune inconnue : ", "Communes inconnues : ") + listCodes(bad) +
			". Indiquez le code INSEE à 5 caractères (et non le code postal), ou trouvez la commune par son code postal."
	default:
		return plural("Intercommunalité inconnue : ", "Intercommunalités inconnues : ") + listCodes(bad) +
			". Indiquez son numéro SIREN à 9 chiffres."
	}
}

// nafCanon writes a NAF id of any level the way the nomenclature does:
// "4711f" -> "47.11F".
func nafCanon(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), ".", ""))
	if len(s) > 2 {
		s = s[:2] + "." + s[2:]
	}
	return s
}

// departement reads a département number as the reference data writes
// it: "2a" -> "2A", "1" -> "01".
func departement(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		s = "0" + s
	}
	return s
}
