package peers

// The owning services' answers, as this client decodes them: copies of
// their JSON, held to each service's OpenAPI document by
// contract_test.go, so that a member renamed on either side fails a unit
// test. advisor-desk stores none of it.

import (
	"errors"
	"fmt"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// Services that own the cases, by name (their base URL is configured).
const (
	Intake           = "intake"
	CreationSupport  = "creation-support"
	TakeoverMatching = "takeover-matching"
	DifficultyAlert  = "difficulty-alert"
)

// ErrUnavailable is an owning service that did not answer, or answered
// with a server error: the page says to try again.
var ErrUnavailable = errors.New("owning service unavailable")

// Refused is an owning service's problem+json answer to a refused request
// (401, 403, 404, 409, 422...): its status and French words.
type Refused struct {
	Service string
	Status  int
	Title   string
	Detail  string
	Fields  []FieldError
	// body is the problem as sent, for the extension members of a
	// refusal (SessionFull); never logged.
	body []byte
}

// FieldError names a bad field of a refused action.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Refused) Error() string {
	return fmt.Sprintf("%s refused the request: %d %s", e.Service, e.Status, e.Title)
}

// CreationCase is creation-support's case (GET /api/v1/creation-cases/{id});
// its status is one of casefile's statuses.
type CreationCase struct {
	ID               string     `json:"id"`
	RequestID        string     `json:"request_id"`
	Chamber          string     `json:"chamber"`
	SecondaryChamber string     `json:"secondary_chamber"`
	AdvisorID        string     `json:"advisor_id"`
	Status           string     `json:"status"`
	Stage            string     `json:"stage"`
	StageLabel       string     `json:"stage_label"` // the stage of the creation journey, in French
	NAFCode          string     `json:"naf_code"`
	CommuneCode      string     `json:"commune_code"`
	Departement      string     `json:"departement"`
	RoutingRule      string     `json:"routing_rule"`
	OpenedAt         time.Time  `json:"opened_at"`
	TakenAt          *time.Time `json:"taken_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	HandBacks        []HandBack `json:"hand_backs"`
	// NextAction is nil when none is planned; Timeline comes with a
	// single case, not with a list.
	NextAction *NextAction   `json:"next_action"`
	Timeline   []StageChange `json:"timeline"`
	// Facts are shown to the lead chamber's follow-up only (nil
	// otherwise).
	Facts *Facts `json:"facts"`
	// Outcome is nil while the case is in the journey; Registration and
	// Checkpoints, like Facts, are the lead chamber's follow-up.
	Outcome      *Outcome      `json:"outcome"`
	Registration *Registration `json:"registration"`
	Checkpoints  []Checkpoint  `json:"checkpoints"`
	// DifficultyConcerns are the concerns its advisor raised during the
	// follow-up, newest first.
	DifficultyConcerns []DifficultyConcern `json:"difficulty_concerns"`
	// Sessions are the sessions the case is registered to, by date (the
	// lead chamber's follow-up only).
	Sessions []Enrolment `json:"sessions"`
}

// Waiting tells whether the case waits to be taken in charge (the rule:
// casefile.Waiting).
func (c CreationCase) Waiting() bool { return casefile.Waiting(c.Status) }

// HandBack is one "pas pour moi" of a case's history.
type HandBack struct {
	AdvisorID      string    `json:"advisor_id"`
	Chamber        string    `json:"chamber"`
	Reason         string    `json:"reason"`
	Comment        string    `json:"comment"`
	ToOtherChamber bool      `json:"to_other_chamber"`
	At             time.Time `json:"at"`
}

// Offer is takeover-matching's business for sale, whole ("full") or, for
// a confidential offer seen through a match, its anonymous teaser
// ("teaser", without chamber, advisor, commune, SIRET or price).
type Offer struct {
	View             string    `json:"view"`
	OfferID          string    `json:"offer_id"`
	RequestID        string    `json:"request_id"`
	Chamber          string    `json:"chamber"`
	SecondaryChamber string    `json:"secondary_chamber"`
	AdvisorID        string    `json:"advisor_id"`
	NAFCode          string    `json:"naf_code"`
	Departement      string    `json:"departement"`
	CommuneCode      string    `json:"commune_code"`
	EPCI             string    `json:"epci"`
	SIRET            string    `json:"siret"`
	Headcount        int       `json:"headcount"`
	RevenueBand      string    `json:"revenue_band"`
	ProfitBand       string    `json:"gross_operating_profit_band"`
	AskingPrice      int64     `json:"asking_price"`
	DealTypes        []string  `json:"deal_types"`
	Reason           string    `json:"reason"`
	Timeline         string    `json:"timeline"`
	Confidential     bool      `json:"confidential"`
	RegisteredAt     time.Time `json:"registered_at"`
	// Status is where the listing stands: submitted (until vetted),
	// published, paused, withdrawn or concluded; UpdatedAt its last change.
	Status    string    `json:"status"`
	UpdatedAt time.Time `json:"updated_at"`
	// Once vetted, what the teaser shows: in a teaser, NAFCode is the
	// sector at SectorLevel and these are set; in the full view, Listing.
	SectorLevel   string   `json:"sector_level"`
	Place         string   `json:"place"`
	PlaceLevel    string   `json:"place_level"`
	HeadcountBand string   `json:"headcount_band"`
	PriceBand     string   `json:"price_band"`
	Listing       *Listing `json:"listing"`
	// File and History are for the offer's own chambers: the vetted
	// file, and its status changes, oldest first.
	File    *VettedFile     `json:"file"`
	History []ListingChange `json:"history"`
	// DifficultyConcerns are the concerns its advisors raised, newest
	// first (its own chambers only).
	DifficultyConcerns []DifficultyConcern `json:"difficulty_concerns"`
	Care
}

// ListingChange is one step of the life of a listing or a search: By is
// an advisor, or "system" for an expiry.
type ListingChange struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Listing is a vetted offer's teaser, as its own chambers see it.
type Listing struct {
	Sector        string   `json:"sector"`
	SectorLevel   string   `json:"sector_level"`
	Place         string   `json:"place"`
	PlaceLevel    string   `json:"place_level"`
	RevenueBand   string   `json:"revenue_band"`
	ProfitBand    string   `json:"gross_operating_profit_band"`
	HeadcountBand string   `json:"headcount_band"`
	PriceBand     string   `json:"price_band"`
	DealTypes     []string `json:"deal_types"`
	Timeline      string   `json:"timeline"`
}

// Teaser tells whether only the anonymous teaser was sent.
func (o Offer) Teaser() bool { return o.View == "teaser" }

// Search is takeover-matching's buyer's search: codes and bands only.
type Search struct {
	SearchID         string   `json:"search_id"`
	RequestID        string   `json:"request_id"`
	Chamber          string   `json:"chamber"`
	SecondaryChamber string   `json:"secondary_chamber"`
	AdvisorID        string   `json:"advisor_id"`
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
	// Status is "open", or "draft" for a search opened from a creation
	// project redirected to takeover, whose criteria its advisor has yet
	// to complete.
	Status       string    `json:"status"`
	RegisteredAt time.Time `json:"registered_at"`
	// RenewedAt is its last renewal or reopening, from which its expiry
	// counts (nil: never).
	RenewedAt *time.Time `json:"renewed_at"`
	// History is its status changes, for its own chambers.
	History []ListingChange `json:"history"`
	Care
}

// Match is takeover-matching's proposed match, with its offer as the
// reader may see it.
type Match struct {
	MatchID         string    `json:"match_id"`
	OfferID         string    `json:"offer_id"`
	SearchID        string    `json:"search_id"`
	OfferChamber    string    `json:"offer_chamber"`
	SearchChamber   string    `json:"search_chamber"`
	OfferAdvisorID  string    `json:"offer_advisor_id"`
	SearchAdvisorID string    `json:"search_advisor_id"`
	Score           int       `json:"score"`
	Criteria        []string  `json:"criteria"`
	ProposedAt      time.Time `json:"proposed_at"`
	// Explanation is the plain French sentence of why the sides fit
	// (absent for matches scored before it was kept); Active is false once
	// one side left the market (paused, withdrawn, concluded, expired).
	Explanation string `json:"explanation"`
	Active      bool   `json:"active"`
	Offer       Offer  `json:"offer"`
	Introduction
}

// Introduction is a match's lifecycle as both sides read it: its stage
// (proposed, reviewed, interested, introduced, negotiating, concluded or
// dropped), what each side did, the steps taken and
// the steps the reader may take now (NextSteps: review, interest,
// approve_introduction, accept_undertaking, negotiate, conclude, drop).
type Introduction struct {
	Stage                string           `json:"stage"`
	SellerReviewed       bool             `json:"seller_reviewed"`
	BuyerReviewed        bool             `json:"buyer_reviewed"`
	IntroductionApproved bool             `json:"introduction_approved"`
	Undertaking          *Undertaking     `json:"undertaking"`
	DealDate             string           `json:"deal_date"`
	DropReason           string           `json:"drop_reason"`
	History              []MatchStepTaken `json:"history"`
	NextSteps            []string         `json:"next_steps"`
}

// Undertaking is the confidentiality undertaking a buyer accepted: the
// edition of its text and the day (YYYY-MM-DD) they signed it.
type Undertaking struct {
	Version    string `json:"version"`
	AcceptedOn string `json:"accepted_on"`
}

// MatchStepTaken is one step of a match's history: who (an advisor of
// which side), when, and the stages before and after (equal when the step
// waits for the other side's); Reason is a drop's.
type MatchStepTaken struct {
	Step      string    `json:"step"`
	Side      string    `json:"side"`
	AdvisorID string    `json:"advisor_id"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// PreventionCase is difficulty-alert's confidential case. A self report
// has its score, kinds and questionnaire; a case a creation advisor raised
// at a post-creation checkpoint its creation case and checkpoint instead;
// a concern a takeover advisor raised its offer and the concerns.
type PreventionCase struct {
	CaseID         string `json:"case_id"`
	Source         string `json:"source"`
	CreationCaseID string `json:"creation_case_id"`
	Checkpoint     string `json:"checkpoint"`
	// TakeoverOfferID is the offer of a concern a takeover advisor
	// raised, whose codes are then Kinds.
	TakeoverOfferID      string    `json:"takeover_offer_id"`
	RequestID            string    `json:"request_id"`
	Chamber              string    `json:"chamber"`
	SecondaryChamber     string    `json:"secondary_chamber"`
	AdvisorIDs           []string  `json:"advisor_ids"`
	Status               string    `json:"status"`
	Level                string    `json:"level"`
	Score                int       `json:"score"`
	Kinds                []string  `json:"kinds"`
	QuestionnaireVersion string    `json:"questionnaire_version"`
	NAFCode              string    `json:"naf_code"`
	Departement          string    `json:"departement"`
	ReportedAt           time.Time `json:"reported_at"`
	OpenedAt             time.Time `json:"opened_at"`
	// The lifecycle: who took the case in charge and when, who closed it,
	// when and why (with difficulty-alert's French labels), and its
	// actions, oldest first.
	StatusLabel      string             `json:"status_label"`
	TakenBy          string             `json:"taken_by"`
	TakenAt          *time.Time         `json:"taken_at"`
	ClosedBy         string             `json:"closed_by"`
	ClosedAt         *time.Time         `json:"closed_at"`
	CloseReason      string             `json:"close_reason"`
	CloseReasonLabel string             `json:"close_reason_label"`
	Actions          []PreventionAction `json:"actions"`
	// Business is the case's business (score, explanation, signals),
	// when difficulty-alert knows it; never its SIREN.
	Business *PreventionBusiness `json:"business"`
}

// Request is what advisor-desk shows of intake's request: its applicant
// and, for a creation, the project's description. Anonymised is a request
// past its retention period: no contact details any more.
type Request struct {
	RequestID string `json:"request_id"`
	Kind      string `json:"kind"`
	Details   struct {
		Anonymised  bool      `json:"anonymised"`
		Applicant   Applicant `json:"applicant"`
		Description string    `json:"description"`
	} `json:"details"`
}

// Applicant is the person behind a request: personal data, shown, never
// logged nor stored by advisor-desk.
type Applicant struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
}

// AsRefused returns the refusal err carries, if any.
func AsRefused(err error) (*Refused, bool) {
	var r *Refused
	ok := errors.As(err, &r)
	return r, ok
}
