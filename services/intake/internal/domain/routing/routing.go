// Package routing is intake's "aiguillage": from the activity's NAF code,
// the headcount and the commune, it decides which chamber leads a request,
// which one follows, and says why in French. Rules are an ordered table:
// the first that matches decides. No I/O.
package routing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"
)

// ArtisanalHeadcountLimit: an artisanal business employs fewer than eleven
// people (Code de l'artisanat, L. 111-1).
const ArtisanalHeadcountLimit = 11

// Input is what the decision depends on.
type Input struct {
	NAFCode     string // canonical sub-class, empty when unknown
	Headcount   int
	Departement string
}

// Reference gives the artisanal status of a NAF sub-class.
type Reference interface {
	Artisanat(nafCode string) (refdata.ArtisanalActivity, bool)
}

// Router decides routings for the served départements.
type Router struct {
	Ref          Reference
	Departements []string // served départements; others are flagged for forwarding
}

type rule struct {
	id      string
	matches func(in Input, art refdata.ArtisanalActivity, artisanal bool) bool
	decide  func(in Input, art refdata.ArtisanalActivity) events.Routing
}

// rules are tried in order; fallback decides when none matches.
func rules() []rule {
	return []rule{
		{
			id:      "naf-unknown",
			matches: func(in Input, _ refdata.ArtisanalActivity, _ bool) bool { return in.NAFCode == "" },
			decide: func(Input, refdata.ArtisanalActivity) events.Routing {
				return events.Routing{LeadChamber: events.ChamberCCI, SecondaryChamber: events.ChamberCMA,
					Reason: "Activité sans code NAF : la CCI accueille la demande et la partage avec la CMA jusqu'à ce que l'activité soit précisée."}
			},
		},
		{
			// Farming belongs to the chamber of agriculture, except the
			// artisanal trades listed inside it (maréchalerie in 01.62Z).
			id: "agriculture",
			matches: func(in Input, _ refdata.ArtisanalActivity, art bool) bool {
				return !art && division(in.NAFCode) <= "03"
			},
			decide: func(Input, refdata.ArtisanalActivity) events.Routing {
				return events.Routing{Reason: "Activité agricole : elle relève de la chambre d'agriculture, ni de la CCI ni de la CMA."}
			},
		},
		{
			id:      "liberal-profession",
			matches: func(in Input, _ refdata.ArtisanalActivity, art bool) bool { return !art && liberal(in.NAFCode) },
			decide: func(Input, refdata.ArtisanalActivity) events.Routing {
				return events.Routing{Reason: "Profession libérale : elle ne relève ni de la CCI ni de la CMA ; adressez-vous à l'URSSAF (guichet des professions libérales) ou à l'ordre professionnel."}
			},
		},
		{
			id: "artisanal-always-small",
			matches: func(in Input, a refdata.ArtisanalActivity, art bool) bool {
				return art && a.Kind == refdata.ArtisanalAlways && in.Headcount < ArtisanalHeadcountLimit
			},
			decide: func(in Input, a refdata.ArtisanalActivity) events.Routing {
				return events.Routing{LeadChamber: events.ChamberCMA,
					Reason: fmt.Sprintf("Activité artisanale (%s, famille %s) et moins de %d salariés : la CMA est compétente.", in.NAFCode, a.Family, ArtisanalHeadcountLimit)}
			},
		},
		{
			id: "artisanal-always-large",
			matches: func(in Input, a refdata.ArtisanalActivity, art bool) bool {
				return art && a.Kind == refdata.ArtisanalAlways
			},
			decide: func(in Input, a refdata.ArtisanalActivity) events.Routing {
				return events.Routing{LeadChamber: events.ChamberCCI, SecondaryChamber: events.ChamberCMA,
					Reason: fmt.Sprintf("Activité artisanale (%s) mais %d salariés ou plus : la CCI est compétente ; la CMA suit le dossier au titre du droit de suite éventuel.", in.NAFCode, ArtisanalHeadcountLimit)}
			},
		},
		{
			id: "artisanal-partly",
			matches: func(in Input, a refdata.ArtisanalActivity, art bool) bool {
				return art && a.Kind == refdata.ArtisanalPartly && in.Headcount < ArtisanalHeadcountLimit
			},
			decide: func(in Input, _ refdata.ArtisanalActivity) events.Routing {
				return events.Routing{LeadChamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI,
					Reason: fmt.Sprintf("Le code %s n'est artisanal que pour une partie de ses activités : la CMA accueille la demande et la partage avec la CCI jusqu'à ce que l'activité exacte soit connue.", in.NAFCode)}
			},
		},
		{
			id: "artisanal-partly-large",
			matches: func(_ Input, a refdata.ArtisanalActivity, art bool) bool {
				return art && a.Kind == refdata.ArtisanalPartly
			},
			decide: func(in Input, _ refdata.ArtisanalActivity) events.Routing {
				return events.Routing{LeadChamber: events.ChamberCCI, SecondaryChamber: events.ChamberCMA,
					Reason: fmt.Sprintf("Le code %s n'est artisanal que pour une partie de ses activités et l'entreprise compte %d salariés ou plus : la CCI est compétente ; la CMA suit le dossier si l'activité exacte est artisanale (droit de suite).", in.NAFCode, ArtisanalHeadcountLimit)}
			},
		},
	}
}

// fallback: what is neither artisanal, agricultural nor liberal is commerce,
// industry or services, the CCI's field.
var fallback = rule{
	id: "commercial",
	decide: func(in Input, _ refdata.ArtisanalActivity) events.Routing {
		return events.Routing{LeadChamber: events.ChamberCCI,
			Reason: fmt.Sprintf("Activité commerciale, industrielle ou de services (%s) non artisanale : la CCI est compétente.", in.NAFCode)}
	},
}

// Route decides the routing of a request.
func (r Router) Route(in Input) events.Routing {
	art, isArt := r.Ref.Artisanat(in.NAFCode)
	chosen := fallback
	for _, ru := range rules() {
		if ru.matches(in, art, isArt) {
			chosen = ru
			break
		}
	}
	d := chosen.decide(in, art)
	d.RuleID = chosen.id
	if in.Departement != "" && !slices.Contains(r.Departements, in.Departement) {
		d.OutOfTerritory = true
		d.Reason += " La commune est hors du territoire servi : la demande sera transmise aux chambres compétentes."
	}
	return d
}

func division(naf string) string {
	if len(naf) < 2 {
		return ""
	}
	return naf[:2]
}

// liberalPrefixes are NAF classes of regulated liberal professions (law,
// accounting, architecture, veterinary and health care).
var liberalPrefixes = []string{"69.", "71.11", "75.", "86.2", "86.9"}

func liberal(naf string) bool {
	return slices.ContainsFunc(liberalPrefixes, func(p string) bool { return strings.HasPrefix(naf, p) })
}
