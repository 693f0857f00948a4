package events

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// TakeoverOfferRegistered (takeover.offer.registered.v1): takeover-matching
// registered a business for sale and, when one was available, assigned an
// advisor of the lead chamber. Subject: the offer id. Territory: the
// business's département. Like its intake event, it carries no SIRET or
// commune for a confidential offer.
type TakeoverOfferRegistered struct {
	// OfferID is takeover-matching's id of the offer (UUIDv7).
	OfferID string `json:"offer_id"`
	// RequestID is the intake request the offer comes from.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber that owns the offer (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the offer is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the assigned advisor; empty when none was available.
	AdvisorID string `json:"advisor_id,omitempty"`
	// NAFCode is the business's NAF sub-class.
	NAFCode string `json:"naf_code"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// Confidential offers are shown as anonymous teasers.
	Confidential bool `json:"confidential"`
	// RegisteredAt is when the offer was registered.
	RegisteredAt time.Time `json:"registered_at"`
}

// EventName implements Payload.
func (TakeoverOfferRegistered) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "offer", Verb: "registered", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverOfferRegistered) Validate() error {
	return errors.Join(validAggregate("offer_id", p.OfferID, p.RequestID, p.Chamber),
		required("naf_code", p.NAFCode), required("departement", p.Departement))
}

// TakeoverSearchRegistered (takeover.search.registered.v1): takeover-matching
// registered a buyer's search and, when one was available, assigned an
// advisor of the lead chamber. Subject: the search id. Territory: the
// search's first département, or "_" when it names none.
type TakeoverSearchRegistered struct {
	// SearchID is takeover-matching's id of the search (UUIDv7).
	SearchID string `json:"search_id"`
	// RequestID is the intake request the search comes from.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber that owns the search (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the search is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the assigned advisor; empty when none was available.
	AdvisorID string `json:"advisor_id,omitempty"`
	// Draft is true for a search opened from a creation project
	// redirected to takeover (creation.case.redirected_to_takeover): its
	// criteria are for the advisor to complete before it meets offers.
	Draft bool `json:"draft,omitempty"`
	// RegisteredAt is when the search was registered.
	RegisteredAt time.Time `json:"registered_at"`
}

// EventName implements Payload.
func (TakeoverSearchRegistered) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "search", Verb: "registered", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverSearchRegistered) Validate() error {
	return validAggregate("search_id", p.SearchID, p.RequestID, p.Chamber)
}

// TakeoverMatchProposed (takeover.match.proposed.v1): takeover-matching found
// that a buyer's search fits an offer and proposes the match to both
// advisors; an introduction waits for the offer advisor's approval. Subject:
// the match id. Territory: the offer's département.
type TakeoverMatchProposed struct {
	// MatchID is takeover-matching's id of the match (UUIDv7).
	MatchID string `json:"match_id"`
	// OfferID is the business for sale.
	OfferID string `json:"offer_id"`
	// SearchID is the buyer's search.
	SearchID string `json:"search_id"`
	// OfferChamber owns the offer (CCI or CMA).
	OfferChamber string `json:"offer_chamber"`
	// SearchChamber owns the search (CCI or CMA).
	SearchChamber string `json:"search_chamber"`
	// OfferAdvisorID follows the offer, if assigned.
	OfferAdvisorID string `json:"offer_advisor_id,omitempty"`
	// SearchAdvisorID follows the search, if assigned.
	SearchAdvisorID string `json:"search_advisor_id,omitempty"`
	// Score is how well they fit, 0 to 100.
	Score int `json:"score"`
	// Criteria are the criteria that matched: sector, area, budget, size,
	// deal_type, timeline.
	Criteria []string `json:"criteria"`
	// ProposedAt is when the match was found.
	ProposedAt time.Time `json:"proposed_at"`
	// RulesVersion is the edition of the matching rules that scored the
	// pair (takeover-matching's rules.json); absent from matches proposed
	// before it was carried.
	RulesVersion string `json:"rules_version,omitempty"`
	// Contributions give the points each weighed criterion brought to
	// Score (they add up to it), in a fixed order; absent as
	// RulesVersion. Codes and points only: no place nor name.
	Contributions []MatchContribution `json:"contributions,omitempty"`
}

// MatchContribution is what one criterion brought to a match's score.
type MatchContribution struct {
	// Criterion is sector, area, budget, size, timeline or experience.
	Criterion string `json:"criterion"`
	// Level is how the criterion was met: for sector subclass, class,
	// group, division or section (the finest NAF level shared); for area
	// commune, epci, departement, region or national (the closest place
	// shared); for budget in_budget, financed, negotiable or
	// below_budget; for size in_range or near; for timeline same,
	// adjacent or far; for experience the buyer's background (none,
	// sector, manager, business_owner, buyer).
	Level string `json:"level"`
	// Points earned, out of MaxPoints (the criterion's weight).
	Points int `json:"points"`
	// MaxPoints is the criterion's weight in the rules.
	MaxPoints int `json:"max_points"`
}

// EventName implements Payload.
func (TakeoverMatchProposed) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "match", Verb: "proposed", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverMatchProposed) Validate() error {
	var errs []error
	for field, id := range map[string]string{"match_id": p.MatchID, "offer_id": p.OfferID, "search_id": p.SearchID} {
		if _, err := uuid.Parse(id); err != nil {
			errs = append(errs, errors.New(field+" must be a UUID"))
		}
	}
	for field, c := range map[string]string{"offer_chamber": p.OfferChamber, "search_chamber": p.SearchChamber} {
		if c != ChamberCCI && c != ChamberCMA {
			errs = append(errs, errors.New(field+" must be CCI or CMA"))
		}
	}
	if p.Score < 0 || p.Score > 100 {
		errs = append(errs, errors.New("score must be between 0 and 100"))
	}
	sum := 0
	for _, c := range p.Contributions {
		if c.Criterion == "" || c.Points < 0 || c.Points > c.MaxPoints {
			errs = append(errs, errors.New("each contribution needs a criterion and points between 0 and max_points"))
			break
		}
		sum += c.Points
	}
	if len(p.Contributions) > 0 && sum != p.Score {
		errs = append(errs, errors.New("contributions must add up to the score"))
	}
	return errors.Join(errs...)
}

// validAggregate checks the ids and chamber of an aggregate that comes from
// an intake request.
func validAggregate(idField, id, requestID, chamber string) error {
	var errs []error
	if _, err := uuid.Parse(id); err != nil {
		errs = append(errs, errors.New(idField+" must be a UUID"))
	}
	if _, err := uuid.Parse(requestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	if chamber != ChamberCCI && chamber != ChamberCMA {
		errs = append(errs, errors.New("chamber must be CCI or CMA"))
	}
	return errors.Join(errs...)
}

// Statuses of a takeover offer (a listing once vetted) and of a buyer's
// search, as the status-change events name them.
const (
	OfferSubmitted  = "submitted"
	OfferPublished  = "published"
	OfferPaused     = "paused"
	OfferWithdrawn  = "withdrawn"
	OfferConcluded  = "concluded"
	SearchDraft     = "draft"
	SearchOpen      = "open"
	SearchPaused    = "paused"
	SearchWithdrawn = "withdrawn"
	SearchConcluded = "concluded"
	SearchExpired   = "expired"
)

// TakeoverOfferPublished (takeover.offer.published.v1): the offer's advisor
// vetted the seller's file and published the anonymous teaser the seller
// accepted: the offer is now a listing, matched with searches. Subject: the
// offer id. Territory: the business's département. Codes and bands only:
// the vetted file (owner, customers, results...) never leaves the service.
type TakeoverOfferPublished struct {
	// OfferID is the listing.
	OfferID string `json:"offer_id"`
	// Chamber is the lead chamber that owns the offer (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the offer is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the offer's advisor, if assigned.
	AdvisorID string `json:"advisor_id,omitempty"`
	// VettedBy is the advisor or manager who vetted it.
	VettedBy string `json:"vetted_by"`
	// Sector is the business's NAF code at the level the teaser shows
	// (SectorLevel: section, division, group, class or subclass).
	Sector string `json:"sector"`
	// SectorLevel is the NAF level of Sector.
	SectorLevel string `json:"sector_level"`
	// Place is the code of the place the teaser shows at PlaceLevel
	// (commune, epci or departement).
	Place string `json:"place"`
	// PlaceLevel is the level of Place.
	PlaceLevel string `json:"place_level"`
	// Bands of the teaser: revenue, gross operating profit (EBE),
	// headcount and price.
	RevenueBand string `json:"revenue_band"`
	// ProfitBand is the band of the gross operating profit (EBE).
	ProfitBand string `json:"gross_operating_profit_band"`
	// HeadcountBand is the band of the staff.
	HeadcountBand string `json:"headcount_band"`
	// PriceBand is the band of the asking price.
	PriceBand string `json:"price_band"`
	// DealTypes and Timeline are the deal the seller accepts.
	DealTypes []string `json:"deal_types"`
	// Timeline is when the seller means to sell.
	Timeline string `json:"timeline"`
	// PublishedAt is when the listing was published.
	PublishedAt time.Time `json:"published_at"`
}

// EventName implements Payload.
func (TakeoverOfferPublished) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "offer", Verb: "published", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverOfferPublished) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.OfferID); err != nil {
		errs = append(errs, errors.New("offer_id must be a UUID"))
	}
	if p.Chamber != ChamberCCI && p.Chamber != ChamberCMA {
		errs = append(errs, errors.New("chamber must be CCI or CMA"))
	}
	return errors.Join(append(errs, required("vetted_by", p.VettedBy), required("sector", p.Sector),
		required("sector_level", p.SectorLevel), required("place", p.Place), required("place_level", p.PlaceLevel))...)
}

// TakeoverOfferStatusChanged (takeover.offer.status_changed.v1): a listing
// moved in its life (published, paused while negotiating, withdrawn,
// concluded), by its advisor or a manager of its chamber. Subject: the
// offer id. Territory: the business's département.
type TakeoverOfferStatusChanged struct {
	// OfferID is the listing.
	OfferID string `json:"offer_id"`
	// Chamber is the lead chamber that owns the offer (CCI or CMA).
	Chamber string `json:"chamber"`
	// AdvisorID is the offer's advisor, if assigned.
	AdvisorID string `json:"advisor_id,omitempty"`
	// From and To are the statuses before and after (Offer* constants).
	From string `json:"from"`
	// To is the status after the change.
	To string `json:"to"`
	// By is the advisor or manager who changed it.
	By string `json:"by"`
	// ChangedAt is when.
	ChangedAt time.Time `json:"changed_at"`
}

// EventName implements Payload.
func (TakeoverOfferStatusChanged) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "offer", Verb: "status_changed", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverOfferStatusChanged) Validate() error {
	return validStatusChange("offer_id", p.OfferID, p.Chamber, p.From, p.To, p.By)
}

// TakeoverSearchStatusChanged (takeover.search.status_changed.v1): a buyer's
// search moved in its life (open, paused, withdrawn, concluded, or expired
// when not renewed in time; By is then "system"). Subject: the search id.
// Territory: the search's first département, or "_".
type TakeoverSearchStatusChanged struct {
	// SearchID is the search.
	SearchID string `json:"search_id"`
	// Chamber is the lead chamber that owns the search (CCI or CMA).
	Chamber string `json:"chamber"`
	// AdvisorID is the search's advisor, if assigned.
	AdvisorID string `json:"advisor_id,omitempty"`
	// From and To are the statuses before and after (Search* constants).
	From string `json:"from"`
	// To is the status after the change.
	To string `json:"to"`
	// By is the advisor or manager who changed it, or "system" for an
	// expiry.
	By string `json:"by"`
	// ChangedAt is when.
	ChangedAt time.Time `json:"changed_at"`
}

// EventName implements Payload.
func (TakeoverSearchStatusChanged) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "search", Verb: "status_changed", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverSearchStatusChanged) Validate() error {
	return validStatusChange("search_id", p.SearchID, p.Chamber, p.From, p.To, p.By)
}

// TakeoverOfferReviewDue (takeover.offer.review_due.v1): a published or
// paused listing was not updated for the review period (6 months): its
// advisor should review it. Emitted once per period. Subject: the offer
// id. Territory: the business's département.
type TakeoverOfferReviewDue struct {
	// OfferID is the listing.
	OfferID string `json:"offer_id"`
	// Chamber is the lead chamber that owns the offer (CCI or CMA).
	Chamber string `json:"chamber"`
	// AdvisorID is the offer's advisor, if assigned.
	AdvisorID string `json:"advisor_id,omitempty"`
	// Status is the listing's status.
	Status string `json:"status"`
	// UpdatedAt is when the listing last changed.
	UpdatedAt time.Time `json:"updated_at"`
	// DueAt is when the review fell due.
	DueAt time.Time `json:"due_at"`
}

// EventName implements Payload.
func (TakeoverOfferReviewDue) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "offer", Verb: "review_due", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverOfferReviewDue) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.OfferID); err != nil {
		errs = append(errs, errors.New("offer_id must be a UUID"))
	}
	if p.Chamber != ChamberCCI && p.Chamber != ChamberCMA {
		errs = append(errs, errors.New("chamber must be CCI or CMA"))
	}
	return errors.Join(append(errs, required("status", p.Status))...)
}

// validStatusChange checks a status change's id, chamber, statuses and
// author.
func validStatusChange(idField, id, chamber, from, to, by string) error {
	var errs []error
	if _, err := uuid.Parse(id); err != nil {
		errs = append(errs, errors.New(idField+" must be a UUID"))
	}
	if chamber != ChamberCCI && chamber != ChamberCMA {
		errs = append(errs, errors.New("chamber must be CCI or CMA"))
	}
	if from == to {
		errs = append(errs, errors.New("to must differ from from"))
	}
	return errors.Join(append(errs, required("from", from), required("to", to), required("by", by))...)
}

// TakeoverMatchStageChanged (takeover.match.stage_changed.v1): an advisor
// took a step of a match's introduction (takeover-matching's lifecycle:
// proposed, reviewed, interested, introduced, negotiating, concluded or
// dropped). A step that waits for the other side's (one side's review, the
// seller's approval before the buyer's undertaking or the reverse) keeps
// the stage: From equals To. Subject: the match id. Territory: the offer's
// département. Codes and ids only: before the introduction, nothing here
// names the seller's request.
type TakeoverMatchStageChanged struct {
	// MatchID is takeover-matching's id of the match.
	MatchID string `json:"match_id"`
	// OfferID is the business for sale.
	OfferID string `json:"offer_id"`
	// SearchID is the buyer's search.
	SearchID string `json:"search_id"`
	// OfferChamber owns the offer (CCI or CMA).
	OfferChamber string `json:"offer_chamber"`
	// SearchChamber owns the search (CCI or CMA).
	SearchChamber string `json:"search_chamber"`
	// OfferAdvisorID follows the offer, if assigned.
	OfferAdvisorID string `json:"offer_advisor_id,omitempty"`
	// SearchAdvisorID follows the search, if assigned.
	SearchAdvisorID string `json:"search_advisor_id,omitempty"`
	// Step is what was done: review, interest, approve_introduction,
	// accept_undertaking, negotiate, conclude or drop.
	Step string `json:"step"`
	// Side is the side that took it: seller (the offer's advisors) or
	// buyer (the search's).
	Side string `json:"side"`
	// AdvisorID is the advisor who took it.
	AdvisorID string `json:"advisor_id"`
	// From is the stage before the step.
	From string `json:"from"`
	// To is the stage after it.
	To string `json:"to"`
	// Reason is the code a match was dropped for; empty otherwise.
	Reason string `json:"reason,omitempty"`
	// OfferRequestID is the seller's intake request, carried only when To
	// is introduced: the introduction grants the buyer's advisors the
	// seller's request.
	OfferRequestID string `json:"offer_request_id,omitempty"`
	// SearchRequestID is the buyer's intake request, carried only when To
	// is introduced: the introduction grants the seller's advisors the
	// buyer's request.
	SearchRequestID string `json:"search_request_id,omitempty"`
	// ChangedAt is when the step was taken.
	ChangedAt time.Time `json:"changed_at"`
}

// EventName implements Payload.
func (TakeoverMatchStageChanged) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "match", Verb: "stage_changed", Version: 1}
}

// MatchStageIntroduced is the stage at which both sides may know each other.
const MatchStageIntroduced = "introduced"

// Validate checks the invariants consumers rely on.
func (p *TakeoverMatchStageChanged) Validate() error {
	var errs []error
	for field, id := range map[string]string{"match_id": p.MatchID, "offer_id": p.OfferID, "search_id": p.SearchID} {
		if _, err := uuid.Parse(id); err != nil {
			errs = append(errs, errors.New(field+" must be a UUID"))
		}
	}
	for field, c := range map[string]string{"offer_chamber": p.OfferChamber, "search_chamber": p.SearchChamber} {
		if c != ChamberCCI && c != ChamberCMA {
			errs = append(errs, errors.New(field+" must be CCI or CMA"))
		}
	}
	if p.Side != "seller" && p.Side != "buyer" {
		errs = append(errs, errors.New("side must be seller or buyer"))
	}
	errs = append(errs, required("step", p.Step), required("advisor_id", p.AdvisorID), required("from", p.From), required("to", p.To))
	introduced := p.To == MatchStageIntroduced && p.From != MatchStageIntroduced
	for field, id := range map[string]string{"offer_request_id": p.OfferRequestID, "search_request_id": p.SearchRequestID} {
		if _, err := uuid.Parse(id); introduced && err != nil {
			errs = append(errs, errors.New(field+" must be a UUID when the match is introduced"))
		} else if !introduced && id != "" {
			errs = append(errs, errors.New(field+" is carried by the introduction only"))
		}
	}
	return errors.Join(errs...)
}

// TakeoverOfferTakenInCharge (takeover.offer.taken_in_charge.v1): the
// offer's assigned advisor took it in charge (first contact with the
// seller made or planned). Its reminders stop. Subject: the offer id.
// Territory: the business's département.
type TakeoverOfferTakenInCharge struct {
	// OfferID is takeover-matching's id of the offer.
	OfferID string `json:"offer_id"`
	// RequestID is the intake request the offer comes from.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber that owns the offer (CCI or CMA).
	Chamber string `json:"chamber"`
	// AdvisorID is the advisor who took it in charge.
	AdvisorID string `json:"advisor_id"`
	// TakenAt is when they did.
	TakenAt time.Time `json:"taken_at"`
}

// EventName implements Payload.
func (TakeoverOfferTakenInCharge) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "offer", Verb: "taken_in_charge", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverOfferTakenInCharge) Validate() error {
	return errors.Join(validAggregate("offer_id", p.OfferID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID))
}

// TakeoverOfferReassigned (takeover.offer.reassigned.v1): the offer's
// advisor handed it back before taking it in charge ("pas pour moi"), and
// it went to the least loaded other available takeover advisor of the same
// chamber, or to nobody when there was none. Its reminders start again for
// the new advisor. The advisor's own words stay in takeover-matching; the
// event carries the reason's code. Subject: the offer id. Territory: the
// business's département.
type TakeoverOfferReassigned struct {
	// OfferID is takeover-matching's id of the offer.
	OfferID string `json:"offer_id"`
	// RequestID is the intake request the offer comes from.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber that owns the offer (unchanged).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the offer is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the new advisor; empty when none was available, in
	// which case the chamber's takeover advisors must pick it up.
	AdvisorID string `json:"advisor_id,omitempty"`
	// PreviousAdvisorID is the advisor who handed it back.
	PreviousAdvisorID string `json:"previous_advisor_id"`
	// Reason is one of ReassignReasons.
	Reason string `json:"reason"`
	// ReassignedAt is when the offer changed hands.
	ReassignedAt time.Time `json:"reassigned_at"`
}

// EventName implements Payload.
func (TakeoverOfferReassigned) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "offer", Verb: "reassigned", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverOfferReassigned) Validate() error {
	return errors.Join(validAggregate("offer_id", p.OfferID, p.RequestID, p.Chamber),
		validReassignment(p.PreviousAdvisorID, p.Reason))
}

// TakeoverSearchTakenInCharge (takeover.search.taken_in_charge.v1): the
// search's assigned advisor took it in charge (first contact with the
// buyer made or planned). Its reminders stop. Subject: the search id.
// Territory: the search's first département, or "_".
type TakeoverSearchTakenInCharge struct {
	// SearchID is takeover-matching's id of the search.
	SearchID string `json:"search_id"`
	// RequestID is the intake request the search comes from.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber that owns the search (CCI or CMA).
	Chamber string `json:"chamber"`
	// AdvisorID is the advisor who took it in charge.
	AdvisorID string `json:"advisor_id"`
	// TakenAt is when they did.
	TakenAt time.Time `json:"taken_at"`
}

// EventName implements Payload.
func (TakeoverSearchTakenInCharge) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "search", Verb: "taken_in_charge", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverSearchTakenInCharge) Validate() error {
	return errors.Join(validAggregate("search_id", p.SearchID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID))
}

// TakeoverSearchReassigned (takeover.search.reassigned.v1): the search's
// advisor handed it back before taking it in charge ("pas pour moi"), as
// TakeoverOfferReassigned. Subject: the search id. Territory: the search's
// first département, or "_".
type TakeoverSearchReassigned struct {
	// SearchID is takeover-matching's id of the search.
	SearchID string `json:"search_id"`
	// RequestID is the intake request the search comes from.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber that owns the search (unchanged).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the search is shared with, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the new advisor; empty when none was available.
	AdvisorID string `json:"advisor_id,omitempty"`
	// PreviousAdvisorID is the advisor who handed it back.
	PreviousAdvisorID string `json:"previous_advisor_id"`
	// Reason is one of ReassignReasons.
	Reason string `json:"reason"`
	// ReassignedAt is when the search changed hands.
	ReassignedAt time.Time `json:"reassigned_at"`
}

// EventName implements Payload.
func (TakeoverSearchReassigned) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "search", Verb: "reassigned", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverSearchReassigned) Validate() error {
	return errors.Join(validAggregate("search_id", p.SearchID, p.RequestID, p.Chamber),
		validReassignment(p.PreviousAdvisorID, p.Reason))
}

// validReassignment checks who handed an offer or a search back and why.
func validReassignment(previous, reason string) error {
	errs := []error{required("previous_advisor_id", previous)}
	if !slices.Contains(ReassignReasons(), reason) {
		errs = append(errs, errors.New("reason must be one of "+strings.Join(ReassignReasons(), ", ")))
	}
	return errors.Join(errs...)
}

// What an advisor following the sale of a business may have seen when
// they raise a concern about it (TakeoverOfferDifficultySeen.Concerns):
// codes, never free text, so that the event holds nothing a
// right-to-erasure request would have to rewrite.
const (
	ConcernCashFlow       = "cash_flow"       // tight cash, overdraft
	ConcernActivityDrop   = "activity_drop"   // falling revenue, lost customers
	ConcernOverdueDebts   = "overdue_debts"   // unpaid social or tax contributions
	ConcernSupplierDelays = "supplier_delays" // late payments to suppliers
	ConcernOwnerWellbeing = "owner_wellbeing" // the owner's health or exhaustion
)

// ConcernKinds lists the concerns, in the order forms show them.
func ConcernKinds() []string {
	return []string{ConcernCashFlow, ConcernActivityDrop, ConcernOverdueDebts, ConcernSupplierDelays, ConcernOwnerWellbeing}
}

// TakeoverOfferDifficultySeen (takeover.offer.difficulty_seen.v1): an
// advisor of the offer's chambers, following the sale of the business,
// saw it in difficulty and raised a concern (at most one an offer a day).
// difficulty-alert opens a prevention case of source advisor_observation
// for the offer's chambers (one open case a request), which their
// prevention cell calls back; intake, which keeps the SIRET of every
// offer (a confidential one's too, which takeover-matching never holds),
// names the business to difficulty-alert alone on the confidential
// stream (prevention.concern.identified, of the same concern id).
// Subject: the offer id. Territory: the business's département.
//
// Like creation.case.difficulty_seen it carries codes only: no SIRET, no
// name, no free text.
type TakeoverOfferDifficultySeen struct {
	// OfferID is takeover-matching's id of the offer.
	OfferID string `json:"offer_id"`
	// ConcernID is the concern's id (UUIDv7): each concern is a signal of
	// its own.
	ConcernID string `json:"concern_id"`
	// RequestID is the intake request the offer comes from; the
	// prevention case is unique by it while open.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber that owns the offer (CCI or CMA): the
	// lead chamber of the prevention case.
	Chamber string `json:"chamber"`
	// SecondaryChamber is the chamber the offer is shared with, if any:
	// its prevention cell is told too.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorID is the advisor who raised the concern.
	AdvisorID string `json:"advisor_id"`
	// NAFCode is the business's NAF sub-class.
	NAFCode string `json:"naf_code"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// EPCI is the SIREN of the commune's intercommunalité, when known.
	EPCI string `json:"epci,omitempty"`
	// Concerns are what the advisor saw, one or more of ConcernKinds.
	Concerns []string `json:"concerns"`
	// SeenAt is when the advisor raised the concern.
	SeenAt time.Time `json:"seen_at"`
}

// EventName implements Payload.
func (TakeoverOfferDifficultySeen) EventName() Name {
	return Name{Producer: "takeover", Aggregate: "offer", Verb: "difficulty_seen", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *TakeoverOfferDifficultySeen) Validate() error {
	errs := []error{validAggregate("offer_id", p.OfferID, p.RequestID, p.Chamber), required("advisor_id", p.AdvisorID),
		required("naf_code", p.NAFCode), required("departement", p.Departement)}
	if _, err := uuid.Parse(p.ConcernID); err != nil {
		errs = append(errs, errors.New("concern_id must be a UUID"))
	}
	errs = append(errs, validSecondary(p.Chamber, p.SecondaryChamber))
	errs = append(errs, validConcerns(p.Concerns))
	if p.SeenAt.IsZero() {
		errs = append(errs, errors.New("seen_at is required"))
	}
	return errors.Join(errs...)
}

// validConcerns checks a concern's list: one or more known kinds, each
// once.
func validConcerns(concerns []string) error {
	if len(concerns) == 0 {
		return errors.New("concerns must name at least one concern")
	}
	for i, c := range concerns {
		if !slices.Contains(ConcernKinds(), c) {
			return errors.New("concerns must be among " + strings.Join(ConcernKinds(), ", "))
		}
		if slices.Contains(concerns[:i], c) {
			return errors.New("concerns must not repeat " + c)
		}
	}
	return nil
}
