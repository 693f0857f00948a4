package httpapi

import (
	"time"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// offerJSON is an offer as its chamber's advisors see it. SIRET and
// commune are absent for a confidential offer: the service never had them.
type offerJSON struct {
	View             string    `json:"view"` // "full"
	OfferID          string    `json:"offer_id"`
	RequestID        string    `json:"request_id"`
	Chamber          string    `json:"chamber"`
	SecondaryChamber string    `json:"secondary_chamber,omitempty"`
	AdvisorID        string    `json:"advisor_id,omitempty"`
	NAFCode          string    `json:"naf_code"`
	Departement      string    `json:"departement"`
	CommuneCode      string    `json:"commune_code,omitempty"`
	EPCI             string    `json:"epci,omitempty"`
	SIRET            string    `json:"siret,omitempty"`
	Headcount        int       `json:"headcount"`
	RevenueBand      string    `json:"revenue_band"`
	ProfitBand       string    `json:"gross_operating_profit_band"`
	AskingPrice      int64     `json:"asking_price"`
	DealTypes        []string  `json:"deal_types"`
	Reason           string    `json:"reason"`
	Timeline         string    `json:"timeline"`
	Confidential     bool      `json:"confidential"`
	RegisteredAt     time.Time `json:"registered_at"`
	// Status is submitted until vetted, then published, paused,
	// withdrawn or concluded; UpdatedAt is its last change.
	Status    string       `json:"status"`
	UpdatedAt time.Time    `json:"updated_at"`
	Listing   *listingJSON `json:"listing,omitempty"`
	// File, History and DifficultyConcerns (newest first) are for the
	// offer's own chambers only.
	File               *fileJSON     `json:"file,omitempty"`
	History            []changeJSON  `json:"history,omitempty"`
	DifficultyConcerns []concernJSON `json:"difficulty_concerns,omitempty"`
	careJSON
}

// careJSON is when an offer or a search was taken in charge, and by whom
// (absent while it waits for its advisor).
type careJSON struct {
	TakenInChargeAt *time.Time `json:"taken_in_charge_at,omitempty"`
	TakenInChargeBy string     `json:"taken_in_charge_by,omitempty"`
}

func careView(c takeover.Care) careJSON {
	if !c.Taken() {
		return careJSON{}
	}
	at := c.TakenAt
	return careJSON{TakenInChargeAt: &at, TakenInChargeBy: c.TakenBy}
}

// teaserJSON is the anonymous teaser of an offer, which the buyer's side
// of a match sees until the introduction (access.Offer). It is a
// type of its own, without the fields that could identify the business,
// so that no code path can fill them in.
type teaserJSON struct {
	View         string   `json:"view"` // "teaser"
	OfferID      string   `json:"offer_id"`
	NAFCode      string   `json:"naf_code"`
	Departement  string   `json:"departement"`
	RevenueBand  string   `json:"revenue_band"`
	ProfitBand   string   `json:"gross_operating_profit_band"`
	DealTypes    []string `json:"deal_types"`
	Confidential bool     `json:"confidential"`
	// Once vetted, the teaser the seller accepted: NAFCode is then the
	// sector at SectorLevel.
	SectorLevel   string `json:"sector_level,omitempty"`
	Place         string `json:"place,omitempty"`
	PlaceLevel    string `json:"place_level,omitempty"`
	HeadcountBand string `json:"headcount_band,omitempty"`
	PriceBand     string `json:"price_band,omitempty"`
	Timeline      string `json:"timeline,omitempty"`
	Status        string `json:"status"`
}

// offerView renders an offer as much as v allows (v is never None here).
func offerView(o takeover.Offer, v access.View) any {
	if v == access.Teaser {
		tz := teaserJSON{View: "teaser", OfferID: o.ID, NAFCode: o.NAFCode, Departement: o.Departement,
			RevenueBand: o.RevenueBand, ProfitBand: o.ProfitBand, DealTypes: o.DealTypes, Confidential: o.Confidential, Status: o.Status}
		if t := o.Teaser; t != nil {
			tz.NAFCode, tz.SectorLevel, tz.Place, tz.PlaceLevel = t.Sector, t.SectorLevel, t.Place, t.PlaceLevel
			tz.RevenueBand, tz.ProfitBand, tz.HeadcountBand, tz.PriceBand = t.RevenueBand, t.ProfitBand, t.HeadcountBand, t.PriceBand
			tz.DealTypes, tz.Timeline = t.DealTypes, t.Timeline
		}
		return tz
	}
	return offerJSON{View: "full", OfferID: o.ID, RequestID: o.RequestID, Chamber: o.Chamber,
		SecondaryChamber: o.SecondaryChamber, AdvisorID: o.AdvisorID, NAFCode: o.NAFCode, Departement: o.Departement,
		CommuneCode: o.CommuneCode, EPCI: o.EPCI, SIRET: o.SIRET, Headcount: o.Headcount, RevenueBand: o.RevenueBand,
		ProfitBand: o.ProfitBand, AskingPrice: o.AskingPrice, DealTypes: o.DealTypes, Reason: o.Reason,
		Timeline: o.Timeline, Confidential: o.Confidential, RegisteredAt: o.RegisteredAt, Status: o.Status,
		UpdatedAt: o.UpdatedAt, Listing: listingView(o.Teaser), File: fileView(o.File), History: historyView(o.History),
		DifficultyConcerns: concernsView(o.Concerns), careJSON: careView(o.Care)}
}

// searchJSON is a buyer's search: codes and bands only.
type searchJSON struct {
	SearchID string `json:"search_id"`
	// RequestID is absent for the seller's side until the introduction.
	RequestID        string   `json:"request_id,omitempty"`
	Chamber          string   `json:"chamber"`
	SecondaryChamber string   `json:"secondary_chamber,omitempty"`
	AdvisorID        string   `json:"advisor_id,omitempty"`
	Sectors          []string `json:"sectors"`
	CommuneCodes     []string `json:"commune_codes"`
	EPCICodes        []string `json:"epci_codes"`
	Departements     []string `json:"departements"`
	Mobility         string   `json:"mobility"`
	BudgetBand       string   `json:"budget_band"`
	ContributionBand string   `json:"personal_contribution_band"`
	HeadcountMin     int      `json:"headcount_min"`
	HeadcountMax     int      `json:"headcount_max"`
	DealTypes        []string `json:"deal_types"`
	Timeline         string   `json:"timeline"`
	Experience       string   `json:"experience"`
	// Status is "open", or "draft" until its advisor completes a search
	// opened from a redirected creation project.
	Status         string     `json:"status"`
	CreationCaseID string     `json:"creation_case_id,omitempty"`
	RegisteredAt   time.Time  `json:"registered_at"`
	CompletedAt    *time.Time `json:"completed_at,omitempty"`
	// UpdatedAt is its last status change; RenewedAt its last renewal or
	// reopening (its expiry counts from then).
	UpdatedAt *time.Time   `json:"updated_at,omitempty"`
	RenewedAt *time.Time   `json:"renewed_at,omitempty"`
	History   []changeJSON `json:"history,omitempty"`
	careJSON
}

func searchView(s takeover.Search) searchJSON {
	v := searchJSON{SearchID: s.ID, RequestID: s.RequestID, Chamber: s.Chamber, SecondaryChamber: s.SecondaryChamber,
		AdvisorID: s.AdvisorID, Sectors: s.Sectors, CommuneCodes: s.CommuneCodes, EPCICodes: s.EPCICodes,
		Departements: s.Departements, Mobility: s.Mobility, BudgetBand: s.BudgetBand, ContributionBand: s.ContributionBand,
		HeadcountMin: s.HeadcountMin, HeadcountMax: s.HeadcountMax, DealTypes: s.DealTypes, Timeline: s.Timeline,
		Experience: s.Experience, Status: s.Status, CreationCaseID: s.CreationCaseID, RegisteredAt: s.RegisteredAt,
		History: historyView(s.History), careJSON: careView(s.Care)}
	if !s.CompletedAt.IsZero() {
		v.CompletedAt = &s.CompletedAt
	}
	if !s.UpdatedAt.IsZero() {
		v.UpdatedAt = &s.UpdatedAt
	}
	if !s.RenewedAt.IsZero() {
		v.RenewedAt = &s.RenewedAt
	}
	return v
}

// matchJSON is a proposed match with its offer as the reader may see it.
type matchJSON struct {
	MatchID         string   `json:"match_id"`
	OfferID         string   `json:"offer_id"`
	SearchID        string   `json:"search_id"`
	OfferChamber    string   `json:"offer_chamber"`
	SearchChamber   string   `json:"search_chamber"`
	OfferAdvisorID  string   `json:"offer_advisor_id,omitempty"`
	SearchAdvisorID string   `json:"search_advisor_id,omitempty"`
	Score           int      `json:"score"`
	Criteria        []string `json:"criteria"`
	// RulesVersion, Contributions and Explanation say how the score was
	// reached; absent for the matches proposed before they were kept.
	RulesVersion  string             `json:"rules_version,omitempty"`
	Contributions []contributionJSON `json:"contributions,omitempty"`
	Explanation   string             `json:"explanation,omitempty"`
	ProposedAt    time.Time          `json:"proposed_at"`
	// Active is false once the listing is no longer published or the
	// search no longer open.
	Active bool `json:"active"`
	Offer  any  `json:"offer"`
	introductionJSON
}

// contributionJSON is what one criterion brought to a match's score.
type contributionJSON struct {
	Criterion string `json:"criterion"`
	Level     string `json:"level"`
	Points    int    `json:"points"`
	MaxPoints int    `json:"max_points"`
}

func matchView(v app.VisibleMatch) matchJSON {
	m := v.Match
	out := matchJSON{MatchID: m.ID, OfferID: m.OfferID, SearchID: m.SearchID, OfferChamber: m.OfferChamber,
		SearchChamber: m.SearchChamber, OfferAdvisorID: m.OfferAdvisorID, SearchAdvisorID: m.SearchAdvisorID,
		Score: m.Score, Criteria: m.Criteria, RulesVersion: m.RulesVersion, Explanation: m.Explanation,
		ProposedAt: m.ProposedAt, Active: v.Active, Offer: offerView(v.Offer, v.View),
		introductionJSON: introductionView(v.Introduction, v.Next)}
	for _, c := range m.Contributions {
		out.Contributions = append(out.Contributions, contributionJSON{Criterion: c.Criterion, Level: c.Level,
			Points: c.Points, MaxPoints: c.Max})
	}
	return out
}
