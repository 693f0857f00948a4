package takeover

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/events"
)

// File is the seller's full file, vetted by the offer's advisor. It stays
// private to the offer's chambers: never in an event, never in the teaser.
type File struct {
	Owner         string // who sells: the owner's situation, short text
	Business      string // the business and its history
	Customers     string
	Equipment     string
	Staff         string
	Results       string // the last years' results, commented
	ReasonForSale string
	Revenue       int64 // last yearly revenue, euros
	Profit        int64 // last gross operating profit (EBE), euros; may be negative
	Headcount     int
	Price         int64 // asking price, euros
}

// Teaser is the anonymous presentation of a listing the seller accepts:
// the sector at a chosen NAF level, the place at a chosen level, bands
// and the deal. It holds codes only.
type Teaser struct {
	SectorLevel   string // LevelSection ... LevelSubclass
	Sector        string // the NAF code at SectorLevel
	PlaceLevel    string // PlaceCommune, PlaceEPCI or PlaceDepartement
	Place         string // the code at PlaceLevel
	RevenueBand   string
	ProfitBand    string
	HeadcountBand string
	PriceBand     string
	DealTypes     []string
	Timeline      string
}

// Levels of a teaser's place.
const (
	PlaceCommune     = "commune"
	PlaceEPCI        = "epci"
	PlaceDepartement = "departement"
)

// Vetting is what an advisor sends to vet an offer: the file and the
// teaser's choices (its sector and place are derived from the offer at
// the chosen levels).
type Vetting struct {
	File          File
	SectorLevel   string
	PlaceLevel    string
	RevenueBand   string
	ProfitBand    string
	HeadcountBand string
	PriceBand     string
	DealTypes     []string
	Timeline      string
}

// Bounds of a file's texts and amounts.
const (
	MaxOwnerLen = 200
	MaxTextLen  = 2000
	MaxAmount   = 1_000_000_000 // euros
	MaxStaff    = 100_000
)

// ErrNotSubmitted reports a vetting of an offer already vetted.
var ErrNotSubmitted = errors.New("the offer is not waiting for vetting")

// Band codes a teaser accepts: revenue and profit as on the intake form,
// price on the budget scale (so that a buyer's advisor compares them),
// headcount in steps of the usual size classes.
var (
	revenueBands   = []string{"lt_100k", "100k_300k", "300k_1m", "1m_3m", "3m_10m", "gte_10m"}
	profitBands    = []string{"negative", "lt_25k", "25k_75k", "75k_150k", "150k_300k", "300k_1m", "gte_1m"}
	headcountBands = []string{"0", "1_2", "3_5", "6_9", "10_19", "20_49", "50_249", "gte_250"}
)

// TeaserSectorLevels and TeaserPlaceLevels are the levels a teaser may
// show its sector and place at; the sector's coarsest first, as
// nafAncestors lists a code's levels.
var (
	TeaserSectorLevels = []string{LevelSection, LevelDivision, LevelGroup, LevelClass, LevelSubclass}
	TeaserPlaceLevels  = []string{PlaceCommune, PlaceEPCI, PlaceDepartement}
)

// Vet checks v against the offer (every field at once: InvalidCriteria)
// and publishes the listing by by at now: ErrNotSubmitted for an offer
// already vetted. It returns the published offer, its history step and
// the event (codes and bands only).
func (o Offer) Vet(v Vetting, by string, now time.Time) (Offer, StatusChange, events.TakeoverOfferPublished, error) {
	if o.Status != OfferSubmitted {
		return o, StatusChange{}, events.TakeoverOfferPublished{}, ErrNotSubmitted
	}
	var ps InvalidCriteria
	add := func(field, code, detail string) { ps = append(ps, FieldProblem{field, code, detail}) }
	checkFile(add, v.File)
	t := o.teaser(add, v)
	if len(ps) > 0 {
		return o, StatusChange{}, events.TakeoverOfferPublished{}, ps
	}
	c := StatusChange{From: o.Status, To: OfferPublished, By: by, At: now.UTC()}
	f := v.File
	o.Status, o.UpdatedAt, o.Teaser, o.File = OfferPublished, c.At, &t, &f
	// The vetted figures and the deal the seller accepts are what the
	// listing is matched on from now on.
	o.DealTypes, o.Timeline, o.AskingPrice, o.Headcount = t.DealTypes, t.Timeline, f.Price, f.Headcount
	return o, c, events.TakeoverOfferPublished{OfferID: o.ID, Chamber: o.Chamber, SecondaryChamber: o.SecondaryChamber,
		AdvisorID: o.AdvisorID, VettedBy: by, Sector: t.Sector, SectorLevel: t.SectorLevel, Place: t.Place,
		PlaceLevel: t.PlaceLevel, RevenueBand: t.RevenueBand, ProfitBand: t.ProfitBand, HeadcountBand: t.HeadcountBand,
		PriceBand: t.PriceBand, DealTypes: t.DealTypes, Timeline: t.Timeline, PublishedAt: c.At}, nil
}

// checkFile checks the texts (required, bounded) and amounts of a file.
func checkFile(add func(field, code, detail string), f File) {
	for _, tx := range []struct {
		field, v string
		max      int
	}{
		{"file.owner", f.Owner, MaxOwnerLen}, {"file.business", f.Business, MaxTextLen},
		{"file.customers", f.Customers, MaxTextLen}, {"file.equipment", f.Equipment, MaxTextLen},
		{"file.staff", f.Staff, MaxTextLen}, {"file.results", f.Results, MaxTextLen},
		{"file.reason_for_sale", f.ReasonForSale, MaxTextLen},
	} {
		switch n := utf8.RuneCountInString(strings.TrimSpace(tx.v)); {
		case n == 0:
			add(tx.field, "required", "Ce champ est obligatoire.")
		case n > tx.max:
			add(tx.field, "too_long", fmt.Sprintf("%d caractères au plus.", tx.max))
		}
	}
	if f.Revenue < 0 || f.Revenue > MaxAmount {
		add("file.revenue", "range", "Le chiffre d'affaires va de 0 à 1 milliard d'euros.")
	}
	if f.Profit < -MaxAmount || f.Profit > MaxAmount {
		add("file.gross_operating_profit", "range", "L'EBE va de -1 à 1 milliard d'euros.")
	}
	if f.Headcount < 0 || f.Headcount > MaxStaff {
		add("file.headcount", "range", "Les effectifs vont de 0 à 100 000 salariés.")
	}
	if f.Price <= 0 || f.Price > MaxAmount {
		add("file.price", "range", "Le prix demandé va de 1 euro à 1 milliard d'euros.")
	}
}

// teaser builds the teaser of v for o, reporting each bad choice.
func (o Offer) teaser(add func(field, code, detail string), v Vetting) Teaser {
	t := Teaser{SectorLevel: v.SectorLevel, PlaceLevel: v.PlaceLevel, RevenueBand: v.RevenueBand,
		ProfitBand: v.ProfitBand, HeadcountBand: v.HeadcountBand, PriceBand: v.PriceBand,
		DealTypes: sortedSet(v.DealTypes), Timeline: v.Timeline}
	if i := slices.Index(TeaserSectorLevels, v.SectorLevel); i < 0 {
		add("teaser.sector_level", "unknown", "Niveau d'activité inconnu (section, division, groupe, classe ou sous-classe).")
	} else if a := nafAncestors(o.NAFCode); i < len(a) {
		t.Sector = a[i]
	} else {
		add("teaser.sector_level", "unavailable", "Le code d'activité de l'entreprise ne descend pas à ce niveau.")
	}
	t.Place = map[string]string{PlaceCommune: o.CommuneCode, PlaceEPCI: o.EPCI, PlaceDepartement: o.Departement}[v.PlaceLevel]
	switch {
	case !slices.Contains(TeaserPlaceLevels, v.PlaceLevel):
		add("teaser.place_level", "unknown", "Niveau de lieu inconnu (commune, EPCI ou département).")
	case t.Place == "":
		add("teaser.place_level", "unavailable", "Le lieu de l'entreprise n'est pas connu à ce niveau (cession confidentielle).")
	}
	oneOf(add, "teaser.revenue_band", v.RevenueBand, revenueBands, "Tranche de chiffre d'affaires inconnue.")
	oneOf(add, "teaser.gross_operating_profit_band", v.ProfitBand, profitBands, "Tranche d'EBE inconnue.")
	oneOf(add, "teaser.headcount_band", v.HeadcountBand, headcountBands, "Tranche d'effectif inconnue.")
	oneOf(add, "teaser.price_band", v.PriceBand, bandOrder, "Tranche de prix inconnue.")
	if len(t.DealTypes) == 0 {
		add("teaser.deal_types", "required", "Indiquez au moins un type de cession.")
	}
	for i, d := range t.DealTypes {
		oneOf(add, fmt.Sprintf("teaser.deal_types[%d]", i), d, dealTypes, "Type de cession inconnu.")
	}
	if _, ok := timelines[v.Timeline]; !ok {
		add("teaser.timeline", "unknown", "Échéance inconnue.")
	}
	return t
}
