package takeover

import (
	"fmt"
	"strings"
)

// explain writes the plain French sentence an advisor reads for a fit,
// criterion by criterion in the order of the contributions, e.g. "même
// activité (47.11F), même EPCI, prix dans le budget avec un apport de
// 30 %, …". code is the offer's NAF id at the level the sectors meet;
// no place is named, only how close it is, so that the sentence says
// nothing a teaser hides.
func explain(cs []Contribution, code string, price priceLevel) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		if p := phrase(c, code, price); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// phrases give each level of each criterion its words; the sector's take
// the NAF id.
var phrases = map[string]map[string]string{
	CriterionSector: {LevelSubclass: "même activité (%s)", LevelClass: "même classe d'activité (%s)",
		LevelGroup: "même groupe d'activités (%s)", LevelDivision: "même division d'activités (%s)",
		LevelSection: "même section d'activités (%s)"},
	CriterionArea: {LevelCommune: "même commune", LevelEPCI: "même EPCI", LevelDepartement: "même département",
		LevelRegion: "même région", LevelNational: "repreneur mobile dans toute la France"},
	CriterionSize:     {LevelInRange: "effectif dans la fourchette recherchée", LevelNear: "effectif proche de la fourchette recherchée"},
	CriterionTimeline: {LevelSame: "même échéance", LevelAdjacent: "échéances voisines", LevelFar: "échéances éloignées"},
	CriterionExperience: {"sector": "expérience du secteur", "business_owner": "déjà chef d'entreprise",
		"buyer": "déjà repreneur", "manager": "expérience de direction", "none": "sans expérience préalable"},
}

func phrase(c Contribution, code string, price priceLevel) string {
	switch c.Criterion {
	case CriterionSector:
		return fmt.Sprintf(phrases[CriterionSector][c.Level], code)
	case CriterionBudget:
		return pricePhrase(c.Level, price)
	}
	return phrases[c.Criterion][c.Level]
}

// pricePhrase says where the price stands and the share of it the
// buyer's personal contribution brings.
func pricePhrase(level string, p priceLevel) string {
	apport := fmt.Sprintf(" avec un apport de %d %%", p.apport)
	if p.apport >= 100 {
		apport = ", couvert par l'apport"
	}
	switch level {
	case LevelInBudget:
		return "prix dans le budget" + apport
	case LevelFinanced:
		if p.apport < 100 {
			return "prix au-dessus du budget, finançable" + apport
		}
		return "prix au-dessus du budget" + apport
	case LevelNegotiable:
		return fmt.Sprintf("prix à négocier (%d %% au-dessus de la capacité de financement)", p.over)
	case LevelBelowBudget:
		return "prix très en dessous du budget"
	}
	return ""
}
