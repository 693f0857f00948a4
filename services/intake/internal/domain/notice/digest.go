package notice

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Listing is a business for sale as a buyer's digest may describe it
// before any introduction: the anonymous teaser the seller accepted
// (takeover.offer.published) and the business's département, with the
// score of its match with the buyer's search. It has no field for the
// seller's name, SIRET, commune, EPCI or any free text, so that no
// composition can leak them.
type Listing struct {
	// Sector is a NAF id at SectorLevel (section letter, division,
	// group, class or sub-class).
	Sector, SectorLevel string
	// Departement is the business's département code.
	Departement string
	// The teaser's bands.
	RevenueBand, ProfitBand, HeadcountBand, PriceBand string
	// DealTypes and Timeline are the deal the seller accepts.
	DealTypes []string
	Timeline  string
	// Score is the match's score, 0 to 100.
	Score int
}

// Labels names reference codes in words (*refdata.Data).
type Labels interface {
	NAFLabel(id string) (string, bool)
	Departement(code string) (refdata.Departement, bool)
}

// DigestDay says which day's digest is due at now: the day (in zone) and
// the cutoff, that day at hour o'clock: a digest names the matches
// proposed before it, so that a match proposed after the day's digest
// waits for the next day's. due is false before the cutoff.
func DigestDay(now time.Time, hour int, zone *time.Location) (day string, cutoff time.Time, due bool) {
	if zone == nil {
		zone = time.UTC
	}
	local := now.In(zone)
	cutoff = time.Date(local.Year(), local.Month(), local.Day(), hour, 0, 0, 0, zone)
	return local.Format(time.DateOnly), cutoff, !now.Before(cutoff)
}

// DigestMail is a buyer's daily digest: the new listings whose match with
// the buyer's search scored at or above the threshold, best first, each
// described by its teaser and score only, and the status link. ok=false
// without listings: a day without news sends nothing.
func (c Composer) DigestMail(r Request, listings []Listing) (m mailer.Message, ok bool) {
	if len(listings) == 0 {
		return mailer.Message{}, false
	}
	ls := slices.Clone(listings)
	slices.SortStableFunc(ls, func(a, b Listing) int { return cmp.Compare(b.Score, a.Score) })
	v := c.view(r)
	if len(ls) == 1 {
		v.Subject = "Une nouvelle entreprise à reprendre correspond à votre recherche"
		v.Intro = []string{"Depuis notre dernier message, une nouvelle entreprise à reprendre correspond à votre recherche :"}
	} else {
		v.Subject = fmt.Sprintf("%d nouvelles entreprises à reprendre correspondent à votre recherche", len(ls))
		v.Intro = []string{fmt.Sprintf("Depuis notre dernier message, %d nouvelles entreprises à reprendre correspondent à votre recherche :", len(ls))}
	}
	for _, l := range ls {
		v.Items = append(v.Items, c.describe(l))
	}
	v.Next = []string{
		"Une annonce vous intéresse ? Dites-le à votre conseiller : il l'examinera avec le conseiller qui accompagne le cédant.",
		"Les annonces restent anonymes : l'identité du cédant et de son entreprise ne vous sera communiquée qu'après une mise en relation acceptée des deux côtés et votre engagement de confidentialité.",
		"Vous recevez au plus un message de ce type par jour, les jours où de nouvelles annonces correspondent à votre recherche.",
	}
	return v.message(r), true
}

// describe is one listing's line: sector, département, bands, deal,
// timeline and score. A code it cannot name is left out rather than
// shown raw.
func (c Composer) describe(l Listing) string {
	var b strings.Builder
	b.WriteString(c.sectorName(l))
	if c.Labels != nil {
		if d, ok := c.Labels.Departement(l.Departement); ok {
			fmt.Fprintf(&b, ", %s (%s)", d.Name, d.Code)
		}
	}
	b.WriteString(".")
	var facts []string
	for _, f := range []struct {
		name string
		cs   request.Choices
		code string
	}{
		{"chiffre d'affaires", request.RevenueBands, l.RevenueBand},
		{"excédent brut d'exploitation", request.ProfitBands, l.ProfitBand},
		{"prix demandé", request.AmountBands, l.PriceBand},
	} {
		if label, ok := f.cs.Label(f.code); ok {
			facts = append(facts, f.name+" : "+lowerFirst(label))
		}
	}
	if h, ok := headcountBands[l.HeadcountBand]; ok {
		facts = append(facts, "effectif : "+h)
	}
	if len(facts) > 0 {
		b.WriteString(" " + upperFirst(strings.Join(facts, " ; ")) + ".")
	}
	var deals []string
	for _, d := range l.DealTypes {
		if label, ok := request.DealTypes.Label(d); ok {
			deals = append(deals, lowerFirst(label))
		}
	}
	if len(deals) > 0 {
		b.WriteString(" Type de cession : " + strings.Join(deals, ", ") + ".")
	}
	if label, ok := request.Timelines.Label(l.Timeline); ok {
		b.WriteString(" Cession envisagée : " + lowerFirst(label) + ".")
	}
	fmt.Fprintf(&b, " Correspondance avec votre recherche : %d sur 100.", l.Score)
	return b.String()
}

// sectorName is the teaser's sector in words, from the NAF reference
// data (sections are fixed in the nomenclature: sectionLabels).
func (c Composer) sectorName(l Listing) string {
	if l.SectorLevel == "section" {
		if s, ok := sectionLabels[l.Sector]; ok {
			return s
		}
	} else if c.Labels != nil {
		if s, ok := c.Labels.NAFLabel(l.Sector); ok {
			return s
		}
	}
	if s, ok := refdata.NAFSection(l.Sector); ok {
		if label, ok := sectionLabels[s]; ok {
			return label
		}
	}
	return "Activité non précisée"
}

// headcountBands name the teaser's staff bands (takeover-matching's).
var headcountBands = map[string]string{
	"0": "sans salarié", "1_2": "1 à 2 salariés", "3_5": "3 à 5 salariés", "6_9": "6 à 9 salariés",
	"10_19": "10 à 19 salariés", "20_49": "20 à 49 salariés", "50_249": "50 à 249 salariés", "gte_250": "250 salariés ou plus",
}

// sectionLabels are the 21 sections of NAF rév. 2 (INSEE); the reference
// data lists divisions and below only.
var sectionLabels = map[string]string{
	"A": "Agriculture, sylviculture et pêche",
	"B": "Industries extractives",
	"C": "Industrie manufacturière",
	"D": "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
	"E": "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
	"F": "Construction",
	"G": "Commerce ; réparation d'automobiles et de motocycles",
	"H": "Transports et entreposage",
	"I": "Hébergement et restauration",
	"J": "Information et communication",
	"K": "Activités financières et d'assurance",
	"L": "Activités immobilières",
	"M": "Activités spécialisées, scientifiques et techniques",
	"N": "Activités de services administratifs et de soutien",
	"O": "Administration publique",
	"P": "Enseignement",
	"Q": "Santé humaine et action sociale",
	"R": "Arts, spectacles et activités récréatives",
	"S": "Autres activités de services",
	"T": "Activités des ménages en tant qu'employeurs",
	"U": "Activités extra-territoriales",
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
