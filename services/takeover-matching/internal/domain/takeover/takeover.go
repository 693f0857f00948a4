// Package takeover is takeover-matching's domain: businesses for sale
// (offers), buyers' searches, the rule that scores a search against an offer
// and the rule that picks the advisor of a new offer or search. No I/O.
package takeover

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// ErrNoChamber reports a request routed to neither chamber: there is
// nothing to register (the applicant was told where to turn).
var ErrNoChamber = errors.New("request routed to no chamber")

// Mobility of a buyer (TakeoverSearchSubmitted.Mobility).
const (
	MobilityLocal    = "local"
	MobilityRegional = "regional"
	MobilityNational = "national"
)

// RegionOf returns the région code of a département ("" when unknown). The
// reference data answers it; the domain only asks.
type RegionOf func(departement string) string

// Offer is a business for sale. A confidential offer has no SIRET and no
// commune: intake never sends them, and nothing here may add them.
type Offer struct {
	ID               string
	RequestID        string
	Chamber          string
	SecondaryChamber string
	AdvisorID        string
	NAFCode          string // canonical sub-class, "10.71C"
	Departement      string
	Region           string
	CommuneCode      string // empty when confidential
	EPCI             string
	SIRET            string // empty when confidential
	Headcount        int
	RevenueBand      string
	ProfitBand       string
	AskingPrice      int64
	DealTypes        []string
	Reason           string
	Timeline         string
	Confidential     bool
	RegisteredAt     time.Time
	// Status is OfferSubmitted until its advisor vets it, then
	// OfferPublished, and so on (lifecycle.go).
	Status string
	// UpdatedAt is when it last changed (vetting, status), else its
	// registration.
	UpdatedAt time.Time
	// Teaser is what buyers' advisors read of the listing, set by vetting
	// (nil before).
	Teaser *Teaser
	// File is the vetted file, private to the offer's chambers: the
	// store reads it only for them (nil otherwise, and before vetting).
	File *File
	// History is its status changes, oldest first, read for its own
	// chambers only (nil otherwise).
	History []StatusChange
	// Care is when its advisor took it in charge, and who (care.go).
	Care Care
	// Concerns are the concerns raised about the business, newest first,
	// read for its own chambers only (nil otherwise; concern.go).
	Concerns []Concern
}

// Search is a buyer's search.
type Search struct {
	ID               string
	RequestID        string
	Chamber          string
	SecondaryChamber string
	AdvisorID        string
	Sectors          []string // canonical NAF ids at any level: "10", "10.7", "10.71", "10.71C"
	CommuneCodes     []string
	EPCICodes        []string
	Departements     []string
	Regions          []string // régions of Departements, for regional mobility
	Mobility         string
	BudgetBand       string
	ContributionBand string
	HeadcountMin     int
	HeadcountMax     int
	DealTypes        []string
	Timeline         string
	Experience       string
	// Status is SearchOpen, or SearchDraft for a search opened from a
	// redirected creation project until its advisor completes it.
	Status string
	// CreationCaseID is the creation case a draft came from, if any.
	CreationCaseID string
	RegisteredAt   time.Time
	// CompletedAt is when a draft was completed (zero otherwise).
	CompletedAt time.Time
	// UpdatedAt is when its status last changed (zero if never).
	UpdatedAt time.Time
	// RenewedAt is when it was last renewed or reopened (zero if never):
	// its expiry counts from then (ValidFrom).
	RenewedAt time.Time
	// History is its status changes, oldest first, read for its own
	// chambers only (nil otherwise).
	History []StatusChange
	// Care is when its advisor took it in charge, and who (care.go).
	Care Care
}

// Territory is the département that places the search in an advisor's
// territory and its events' subject: the first one it names, or "".
func (s Search) Territory() string {
	if len(s.Departements) == 0 {
		return ""
	}
	return s.Departements[0]
}

// Place is where the search's advisor should be: one consistent location,
// the first commune sought with its own département, else the first
// département sought. A search naming only EPCIs has no département (the
// event carries none for it): its place is its first EPCI alone, and the
// chamber's advisors of every département are candidates, those narrowed
// to that EPCI included.
func (s Search) Place() Place {
	switch {
	case len(s.CommuneCodes) > 0:
		return Place{Departement: departementOf(s.CommuneCodes[0]), Commune: s.CommuneCodes[0]}
	case len(s.Departements) > 0:
		return Place{Departement: s.Departements[0]}
	case len(s.EPCICodes) > 0:
		return Place{EPCI: s.EPCICodes[0]}
	}
	return Place{}
}

// departementOf is the département of an INSEE commune code: its first
// two characters, three overseas (97x, 98x).
func departementOf(insee string) string {
	if len(insee) >= 3 && insee[:2] == "97" || len(insee) >= 3 && insee[:2] == "98" {
		return insee[:3]
	}
	if len(insee) >= 2 {
		return insee[:2]
	}
	return ""
}

// OfferFrom reads a submitted offer. The id, advisor and registration time
// are set by Register.
func OfferFrom(p events.TakeoverOfferSubmitted, regionOf RegionOf) (Offer, error) {
	if p.Routing.LeadChamber == "" {
		return Offer{}, fmt.Errorf("offer request %s: %w", p.RequestID, ErrNoChamber)
	}
	o := Offer{
		RequestID: p.RequestID, Chamber: p.Routing.LeadChamber, SecondaryChamber: p.Routing.SecondaryChamber,
		NAFCode: CanonicalNAF(p.NAFCode), Departement: p.Departement, Region: regionOf(p.Departement),
		CommuneCode: p.CommuneCode, EPCI: p.Routing.EPCI, SIRET: p.SIRET, Headcount: p.Headcount,
		RevenueBand: p.RevenueBand, ProfitBand: p.GrossOperatingProfitBand, AskingPrice: p.AskingPrice,
		DealTypes: sortedSet(p.DealTypes), Reason: p.Reason, Timeline: p.Timeline, Confidential: p.Confidential,
	}
	if o.Confidential {
		// Belt and braces: the event's validation already refuses these.
		o.SIRET, o.CommuneCode = "", ""
	}
	return o, nil
}

// SearchFrom reads a submitted search.
func SearchFrom(p events.TakeoverSearchSubmitted, regionOf RegionOf) (Search, error) {
	if p.Routing.LeadChamber == "" {
		return Search{}, fmt.Errorf("search request %s: %w", p.RequestID, ErrNoChamber)
	}
	s := Search{
		RequestID: p.RequestID, Chamber: p.Routing.LeadChamber, SecondaryChamber: p.Routing.SecondaryChamber,
		CommuneCodes: sortedSet(p.CommuneCodes), EPCICodes: sortedSet(p.EPCICodes),
		Departements: slices.Clone(p.Departements), Mobility: p.Mobility, BudgetBand: p.BudgetBand, Status: SearchOpen,
		ContributionBand: p.PersonalContributionBand, HeadcountMin: p.HeadcountMin, HeadcountMax: p.HeadcountMax,
		DealTypes: sortedSet(p.DealTypes), Timeline: p.Timeline, Experience: p.Experience,
	}
	for _, sec := range p.Sectors {
		s.Sectors = append(s.Sectors, CanonicalNAF(sec))
	}
	s.Sectors = sortedSet(s.Sectors)
	var regions []string
	for _, d := range s.Departements {
		if r := regionOf(d); r != "" {
			regions = append(regions, r)
		}
	}
	s.Regions = sortedSet(regions)
	return s, nil
}

// CanonicalNAF writes a NAF id of any level in the dotted, upper-case form
// ("1071c" -> "10.71C", "107" -> "10.7"), so that ids compare as prefixes.
func CanonicalNAF(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	if len(id) > 2 && id[2] != '.' {
		id = id[:2] + "." + id[2:]
	}
	return id
}

// NAFLevels lists the ids of every level a sub-class belongs to, from the
// division down: "10.71C" -> "10", "10.7", "10.71", "10.71C". A search
// sector matches the sub-class when it is one of them.
func NAFLevels(subclass string) []string {
	c := CanonicalNAF(subclass)
	var out []string
	for _, n := range []int{2, 4, 5, 6} {
		if len(c) >= n {
			out = append(out, c[:n])
		}
	}
	return out
}

// Register completes an offer: its id, the advisor chosen and the time; it
// returns the event to emit.
func (o Offer) Register(id, advisorID string, now time.Time) (Offer, events.TakeoverOfferRegistered) {
	o.ID, o.AdvisorID, o.RegisteredAt, o.UpdatedAt = id, advisorID, now.UTC(), now.UTC()
	if o.Status == "" {
		o.Status = OfferSubmitted // matched once vetted
	}
	return o, events.TakeoverOfferRegistered{
		OfferID: o.ID, RequestID: o.RequestID, Chamber: o.Chamber, SecondaryChamber: o.SecondaryChamber,
		AdvisorID: o.AdvisorID, NAFCode: o.NAFCode, Departement: o.Departement, Confidential: o.Confidential,
		RegisteredAt: o.RegisteredAt,
	}
}

// Register completes a search (open unless it is a draft) and returns the
// event to emit.
func (s Search) Register(id, advisorID string, now time.Time) (Search, events.TakeoverSearchRegistered) {
	s.ID, s.AdvisorID, s.RegisteredAt = id, advisorID, now.UTC()
	if s.Status == "" {
		s.Status = SearchOpen
	}
	return s, events.TakeoverSearchRegistered{
		SearchID: s.ID, RequestID: s.RequestID, Chamber: s.Chamber, SecondaryChamber: s.SecondaryChamber,
		AdvisorID: s.AdvisorID, Draft: s.Status == SearchDraft, RegisteredAt: s.RegisteredAt,
	}
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
