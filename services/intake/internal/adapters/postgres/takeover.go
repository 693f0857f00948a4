package postgres

import (
	"context"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// takeoverOfferDetails is the stored offer, with the owner's personal data
// and, for a confidential offer, what identifies the business.
type takeoverOfferDetails struct {
	Applicant        request.Applicant `json:"applicant"`
	SIRET            string            `json:"siret"`
	NAFCode          string            `json:"naf_code"`
	CommuneCode      string            `json:"commune_code"`
	Headcount        int               `json:"headcount"`
	RevenueBand      string            `json:"revenue_band"`
	ProfitBand       string            `json:"gross_operating_profit_band"`
	LegalForm        string            `json:"legal_form,omitempty"`
	CraftsRegistered bool              `json:"crafts_registered,omitempty"`
	AskingPrice      int64             `json:"asking_price"`
	DealTypes        []string          `json:"deal_types"`
	Reason           string            `json:"reason"`
	ReasonDetails    string            `json:"reason_details,omitempty"`
	Timeline         string            `json:"timeline"`
	Confidential     bool              `json:"confidential"`
}

// SaveTakeoverOffer implements app.Requests.
func (s *Store) SaveTakeoverOffer(ctx context.Context, o request.TakeoverOffer, idem *app.Idempotency, evs []events.Event) (string, error) {
	return s.save(ctx, requestRow{
		id: o.ID, kind: request.KindTakeoverOffer, naf: o.NAFCode, commune: o.Commune.Code, departement: o.Commune.Departement,
		routing: o.Routing, basis: o.RoutingBasis, submittedAt: o.SubmittedAt,
		details: takeoverOfferDetails{
			Applicant: o.Applicant, SIRET: o.SIRET, NAFCode: o.NAFCode, CommuneCode: o.Commune.Code, Headcount: o.Headcount,
			RevenueBand: o.RevenueBand, ProfitBand: o.ProfitBand, LegalForm: o.LegalForm, CraftsRegistered: o.CraftsRegistered,
			AskingPrice: o.AskingPrice, DealTypes: o.DealTypes,
			Reason: o.Reason, ReasonDetails: o.ReasonDetails, Timeline: o.Timeline, Confidential: o.Confidential,
		},
	}, idem, evs, nil)
}

// buyerSearchDetails is the stored search, with the buyer's personal data
// and exact amounts.
type buyerSearchDetails struct {
	Applicant            request.Applicant `json:"applicant"`
	Sectors              []string          `json:"sectors"`
	Communes             []string          `json:"communes,omitempty"`
	EPCIs                []string          `json:"epcis,omitempty"`
	Departements         []string          `json:"departements,omitempty"`
	Mobility             string            `json:"mobility"`
	Budget               int64             `json:"budget"`
	PersonalContribution int64             `json:"personal_contribution"`
	HeadcountMin         int               `json:"headcount_min"`
	HeadcountMax         int               `json:"headcount_max"`
	DealTypes            []string          `json:"deal_types"`
	Timeline             string            `json:"timeline"`
	Experience           string            `json:"experience"`
	ExperienceDetails    string            `json:"experience_details,omitempty"`
}

// SaveBuyerSearch implements app.Requests. The row's département is the
// search's home département, if any; it has no commune and no NAF code of
// its own (its sectors are in the details).
func (s *Store) SaveBuyerSearch(ctx context.Context, b request.BuyerSearch, idem *app.Idempotency, evs []events.Event) (string, error) {
	return s.save(ctx, requestRow{
		id: b.ID, kind: request.KindBuyerSearch, departement: b.Territory,
		routing: b.Routing, basis: b.RoutingBasis, submittedAt: b.SubmittedAt,
		details: buyerSearchDetails{
			Applicant: b.Applicant, Sectors: b.Sectors, Communes: b.Communes, EPCIs: b.EPCIs, Departements: b.Departements,
			Mobility: b.Mobility, Budget: b.Budget, PersonalContribution: b.PersonalContribution,
			HeadcountMin: b.HeadcountMin, HeadcountMax: b.HeadcountMax, DealTypes: b.DealTypes, Timeline: b.Timeline,
			Experience: b.Experience, ExperienceDetails: b.ExperienceDetails,
		},
	}, idem, evs, nil)
}
