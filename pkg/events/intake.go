package events

import (
	"errors"
	"time"

	"github.com/google/uuid"
)

// Chamber codes used in payloads.
const (
	ChamberCCI = "CCI" // chambre de commerce et d'industrie
	ChamberCMA = "CMA" // chambre de métiers et de l'artisanat
)

// Routing is the "aiguillage" decision intake took for a request: which
// chamber leads, which one (if any) follows, and why.
type Routing struct {
	// LeadChamber is CCI or CMA; empty when neither chamber is competent.
	LeadChamber string `json:"lead_chamber,omitempty"`
	// SecondaryChamber is the other chamber when both are competent.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// RuleID names the routing rule that fired, e.g. "artisanal-always-small".
	RuleID string `json:"rule_id"`
	// Reason is a French sentence an advisor can read.
	Reason string `json:"reason"`
	// OutOfTerritory is set when the commune lies outside the served
	// départements: the request is accepted and flagged for forwarding.
	OutOfTerritory bool `json:"out_of_territory,omitempty"`
	// RulesVersion is the version of the routing table that decided, so that
	// a decision can be explained after the table has changed.
	RulesVersion string `json:"rules_version,omitempty"`
	// EPCI is the SIREN of the commune's intercommunalité, when known; with
	// the département it places the request in an advisor's territory.
	EPCI string `json:"epci,omitempty"`
}

// CreationSubmitted (intake.creation.submitted.v1): an entrepreneur submitted
// a creation project. Subject: the request id.
type CreationSubmitted struct {
	// RequestID is intake's id of the submission (UUIDv7).
	RequestID string `json:"request_id"`
	// NAFCode is the activity's NAF sub-class ("47.11F"); empty if unknown.
	NAFCode string `json:"naf_code,omitempty"`
	// NAFVersion names the nomenclature of NAFCode, e.g. "NAFRev2".
	NAFVersion string `json:"naf_version,omitempty"`
	// CommuneCode is the INSEE code of the commune of the project.
	CommuneCode string `json:"commune_code"`
	// Departement is the département code of the commune.
	Departement string `json:"departement"`
	// LegalForm is the legal form considered (code list of intake), if any.
	LegalForm string `json:"legal_form,omitempty"`
	// PlannedHeadcount is the number of employees planned at start.
	PlannedHeadcount int `json:"planned_headcount"`
	// HasSIRET tells whether the applicant already has an establishment.
	HasSIRET bool `json:"has_siret"`
	// Routing is the chamber decision.
	Routing Routing `json:"routing"`
	// SubmittedAt is when intake accepted the request.
	SubmittedAt time.Time `json:"submitted_at"`
}

// EventName implements Payload.
func (CreationSubmitted) EventName() Name {
	return Name{Producer: "intake", Aggregate: "creation", Verb: "submitted", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationSubmitted) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.RequestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	if p.CommuneCode == "" || p.Departement == "" {
		errs = append(errs, errors.New("commune_code and departement are required"))
	}
	if p.Routing.RuleID == "" {
		errs = append(errs, errors.New("routing.rule_id is required"))
	}
	if c := p.Routing.LeadChamber; c != "" && c != ChamberCCI && c != ChamberCMA {
		errs = append(errs, errors.New("routing.lead_chamber must be CCI, CMA or empty"))
	}
	return errors.Join(errs...)
}

// Takeover deal types (TakeoverOfferSubmitted.DealTypes,
// TakeoverSearchSubmitted.DealTypes).
const (
	DealFonds       = "fonds"         // the business assets (fonds de commerce or artisanal)
	DealTitres      = "titres"        // the company's shares
	DealDroitAuBail = "droit_au_bail" // the lease right alone
	DealMurs        = "murs"          // the premises
)

// Difficulty levels of a self-diagnosis score (DifficultyReported.Level).
const (
	DifficultyNone      = "none"      // below the vigilance threshold
	DifficultyVigilance = "vigilance" // from the vigilance threshold to the alert threshold
	DifficultyCallBack  = "call_back" // above the alert threshold: an advisor calls back
)

// TakeoverOfferSubmitted (intake.takeover.offer_submitted.v1): an owner put
// a business up for sale. Subject: the request id. A confidential offer is an
// anonymous teaser until an advisor approves an introduction: its event
// carries neither the SIRET nor the commune (nor its EPCI), only the
// département, the activity and the bands. Contact details and the free-text reason never
// leave intake.
type TakeoverOfferSubmitted struct {
	// RequestID is intake's id of the submission (UUIDv7).
	RequestID string `json:"request_id"`
	// NAFCode is the business's NAF sub-class ("10.71C").
	NAFCode string `json:"naf_code"`
	// NAFVersion names the nomenclature of NAFCode, e.g. "NAFRev2".
	NAFVersion string `json:"naf_version"`
	// Departement is the département code of the business's commune.
	Departement string `json:"departement"`
	// CommuneCode is the INSEE code of the business's commune; absent when
	// the offer is confidential.
	CommuneCode string `json:"commune_code,omitempty"`
	// SIRET identifies the establishment for sale; absent when the offer is
	// confidential.
	SIRET string `json:"siret,omitempty"`
	// Headcount is the number of employees.
	Headcount int `json:"headcount"`
	// RevenueBand is the yearly revenue band: lt_100k, 100k_300k, 300k_1m,
	// 1m_3m, 3m_10m or gte_10m (euros).
	RevenueBand string `json:"revenue_band"`
	// GrossOperatingProfitBand is the gross operating profit (EBE) band:
	// negative, lt_25k, 25k_75k, 75k_150k, 150k_300k, 300k_1m or gte_1m (euros).
	GrossOperatingProfitBand string `json:"gross_operating_profit_band"`
	// AskingPrice is the asking price in euros.
	AskingPrice int64 `json:"asking_price"`
	// DealTypes are what is for sale, one or more of fonds, titres,
	// droit_au_bail and murs.
	DealTypes []string `json:"deal_types"`
	// Reason is why the owner sells: retirement, personal, new_project,
	// partner_departure, economic or other.
	Reason string `json:"reason"`
	// Timeline is when the owner wants to sell: lt_6m, 6m_12m, 12m_24m or
	// gt_24m.
	Timeline string `json:"timeline"`
	// Confidential: the owner wants an anonymous teaser until an advisor
	// approves an introduction to a buyer.
	Confidential bool `json:"confidential"`
	// Routing is the chamber decision.
	Routing Routing `json:"routing"`
	// SubmittedAt is when intake accepted the request.
	SubmittedAt time.Time `json:"submitted_at"`
}

// EventName implements Payload.
func (TakeoverOfferSubmitted) EventName() Name {
	return Name{Producer: "intake", Aggregate: "takeover", Verb: "offer_submitted", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverOfferSubmitted) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.RequestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	if p.NAFCode == "" || p.Departement == "" {
		errs = append(errs, errors.New("naf_code and departement are required"))
	}
	if p.Confidential && (p.SIRET != "" || p.CommuneCode != "" || p.Routing.EPCI != "") {
		errs = append(errs, errors.New("a confidential offer carries neither siret, commune_code nor routing.epci"))
	}
	if len(p.DealTypes) == 0 {
		errs = append(errs, errors.New("deal_types must not be empty"))
	}
	if p.AskingPrice <= 0 {
		errs = append(errs, errors.New("asking_price must be positive"))
	}
	errs = append(errs, p.Routing.validate())
	return errors.Join(errs...)
}

// TakeoverSearchSubmitted (intake.takeover.search_submitted.v1): someone
// looks for a business to take over. Subject: the request id. Amounts are
// bands, because a buyer's budget and contribution say something about a
// person; contact details and free texts never leave intake.
type TakeoverSearchSubmitted struct {
	// RequestID is intake's id of the submission (UUIDv7).
	RequestID string `json:"request_id"`
	// Sectors are the NAF ids sought, at any level: division "10", group
	// "10.7", class "10.71" or sub-class "10.71C"; none covers another.
	Sectors []string `json:"sectors"`
	// NAFVersion names the nomenclature of Sectors, e.g. "NAFRev2".
	NAFVersion string `json:"naf_version"`
	// CommuneCodes are the INSEE codes of the communes sought.
	CommuneCodes []string `json:"commune_codes,omitempty"`
	// EPCICodes are the SIREN codes of the intercommunalités sought.
	EPCICodes []string `json:"epci_codes,omitempty"`
	// Departements are the départements the search covers: those listed and
	// those of the listed communes, sorted. Empty when the search names only
	// EPCI or is nationwide.
	Departements []string `json:"departements,omitempty"`
	// Mobility is how far the buyer would go: local (the areas only),
	// regional or national.
	Mobility string `json:"mobility"`
	// BudgetBand is the band of the total budget: lt_50k, 50k_100k,
	// 100k_300k, 300k_1m, 1m_3m, 3m_10m or gte_10m (euros).
	BudgetBand string `json:"budget_band"`
	// PersonalContributionBand is the band of the buyer's own contribution,
	// on the BudgetBand scale.
	PersonalContributionBand string `json:"personal_contribution_band"`
	// HeadcountMin is the smallest number of employees sought.
	HeadcountMin int `json:"headcount_min"`
	// HeadcountMax is the largest number of employees sought.
	HeadcountMax int `json:"headcount_max"`
	// DealTypes are the kinds of deal considered, one or more of fonds,
	// titres, droit_au_bail and murs.
	DealTypes []string `json:"deal_types"`
	// Timeline is when the buyer wants to take over: lt_6m, 6m_12m, 12m_24m
	// or gt_24m.
	Timeline string `json:"timeline"`
	// Experience is the buyer's background: none, sector, manager,
	// business_owner or buyer.
	Experience string `json:"experience"`
	// Routing is the chamber decision.
	Routing Routing `json:"routing"`
	// SubmittedAt is when intake accepted the request.
	SubmittedAt time.Time `json:"submitted_at"`
}

// EventName implements Payload.
func (TakeoverSearchSubmitted) EventName() Name {
	return Name{Producer: "intake", Aggregate: "takeover", Verb: "search_submitted", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverSearchSubmitted) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.RequestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	if len(p.Sectors) == 0 {
		errs = append(errs, errors.New("sectors must not be empty"))
	}
	if len(p.DealTypes) == 0 {
		errs = append(errs, errors.New("deal_types must not be empty"))
	}
	if p.HeadcountMin < 0 || p.HeadcountMax < p.HeadcountMin {
		errs = append(errs, errors.New("headcount_min must be between 0 and headcount_max"))
	}
	errs = append(errs, p.Routing.validate())
	return errors.Join(errs...)
}

// DifficultyReported (intake.difficulty.reported.v1): a business reported
// difficulties. Subject: the request id. Confidential: the event carries
// neither the SIRET, the commune, the contact details nor what the applicant
// wrote; only the routed chambers' prevention advisors may see the report.
type DifficultyReported struct {
	// RequestID is intake's id of the report (UUIDv7).
	RequestID string `json:"request_id"`
	// NAFCode is the business's NAF sub-class ("56.10A"), if the applicant
	// gave it.
	NAFCode string `json:"naf_code,omitempty"`
	// NAFVersion names the nomenclature of NAFCode, e.g. "NAFRev2".
	NAFVersion string `json:"naf_version,omitempty"`
	// Departement is the département code of the business's commune.
	Departement string `json:"departement"`
	// Kinds are what is happening, one or more of cash_flow,
	// unpaid_social_debts, unpaid_tax_debts, major_customer_loss, dispute,
	// manager_health, supplier_issue and other.
	Kinds []string `json:"kinds"`
	// QuestionnaireVersion names the self-diagnosis questionnaire (questions
	// and weights) that produced Score.
	QuestionnaireVersion string `json:"questionnaire_version"`
	// Score is the self-diagnosis score, 0 (no sign of difficulty) to 100.
	Score int `json:"score"`
	// Level is what the score calls for with intake's thresholds: none,
	// vigilance or call_back.
	Level string `json:"level"`
	// Routing is the chamber decision.
	Routing Routing `json:"routing"`
	// ReportedAt is when intake accepted the report.
	ReportedAt time.Time `json:"reported_at"`
}

// EventName implements Payload.
func (DifficultyReported) EventName() Name {
	return Name{Producer: "intake", Aggregate: "difficulty", Verb: "reported", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyReported) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.RequestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	if p.Departement == "" {
		errs = append(errs, errors.New("departement is required"))
	}
	if len(p.Kinds) == 0 {
		errs = append(errs, errors.New("kinds must not be empty"))
	}
	if p.Score < 0 || p.Score > 100 {
		errs = append(errs, errors.New("score must be between 0 and 100"))
	}
	switch p.Level {
	case DifficultyNone, DifficultyVigilance, DifficultyCallBack:
	default:
		errs = append(errs, errors.New("level must be none, vigilance or call_back"))
	}
	errs = append(errs, p.Routing.validate())
	return errors.Join(errs...)
}

// validate checks what consumers rely on in a routing decision.
func (r Routing) validate() error {
	var errs []error
	if r.RuleID == "" {
		errs = append(errs, errors.New("routing.rule_id is required"))
	}
	for _, c := range []string{r.LeadChamber, r.SecondaryChamber} {
		if c != "" && c != ChamberCCI && c != ChamberCMA {
			errs = append(errs, errors.New("routing chambers must be CCI, CMA or empty"))
		}
	}
	if r.LeadChamber == "" && r.SecondaryChamber != "" {
		errs = append(errs, errors.New("routing.secondary_chamber without a lead chamber"))
	}
	return errors.Join(errs...)
}
