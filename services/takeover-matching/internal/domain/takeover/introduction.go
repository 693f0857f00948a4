package takeover

import (
	"errors"
	"regexp"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

// The stages of a match's introduction (its lifecycle), in order. A match
// is proposed; it is reviewed once the advisors of both sides reviewed it;
// the buyer then says they are interested; it is introduced once the
// seller's advisor approved the introduction and the buyer accepted the
// confidentiality undertaking (in either order); then negotiating, and
// concluded. It may be dropped at any stage before concluded.
const (
	StageProposed    = "proposed"
	StageReviewed    = "reviewed"
	StageInterested  = "interested"
	StageIntroduced  = "introduced"
	StageNegotiating = "negotiating"
	StageConcluded   = "concluded"
	StageDropped     = "dropped"
)

// The sides of a match: the seller's (the offer's chambers' advisors) and
// the buyer's (the search's chambers' advisors).
const (
	SideSeller = "seller"
	SideBuyer  = "buyer"
)

// The steps an advisor takes on a match.
const (
	StepReview              = "review"
	StepInterest            = "interest"
	StepApproveIntroduction = "approve_introduction"
	StepAcceptUndertaking   = "accept_undertaking"
	StepNegotiate           = "negotiate"
	StepConclude            = "conclude"
	StepDrop                = "drop"
)

// DropReasons are the codes a match may be dropped for.
var DropReasons = []string{
	"buyer_not_interested", // the buyer does not pursue this business
	"seller_declined",      // the seller does not want this buyer
	"price",                // no agreement on the price
	"financing",            // the buyer could not finance the deal
	"timing",               // the timelines do not meet
	"other_party",          // the business or the buyer went to someone else
	"no_response",          // one side stopped answering
	"other",
}

// Errors of the lifecycle, mapped to answers by the ports.
var (
	// ErrWrongPerson: the step belongs to the other side, or the reader
	// is not an advisor of either side (403).
	ErrWrongPerson = errors.New("this step belongs to another person")
	// ErrWrongStage: the match is not at a stage that allows the step, or
	// the side already took it (409).
	ErrWrongStage = errors.New("the match is not at a stage that allows this step")
)

// StepError names the input fields of a step that are wrong (422).
type StepError struct {
	// Fields maps each bad field to what is wrong, in French.
	Fields map[string]string
}

func (e *StepError) Error() string { return "invalid step input" }

// Undertaking is the confidentiality undertaking a buyer accepted: the
// edition of the text and the day they signed it.
type Undertaking struct {
	Version    string
	AcceptedOn time.Time
}

// Action is a step asked for, with its input: DealDate for StepConclude,
// Reason for StepDrop, Undertaking for StepAcceptUndertaking.
type Action struct {
	Step        string
	DealDate    time.Time
	Reason      string
	Undertaking Undertaking
}

// StageChange is one step taken, as the history keeps it: who (advisor
// id and side), when, and the stage before and after (equal when the
// step waits for the other side's).
type StageChange struct {
	Step      string
	Side      string
	AdvisorID string
	From      string
	To        string
	Reason    string
	At        time.Time
}

// Introduction is a match's lifecycle: its stage, what each side did on
// the way and the history of steps.
type Introduction struct {
	Stage                string
	SellerReviewed       bool
	BuyerReviewed        bool
	IntroductionApproved bool
	// Undertaking is set once the buyer accepted it.
	Undertaking *Undertaking
	// DealDate is set once concluded; DropReason once dropped.
	DealDate   time.Time
	DropReason string
	History    []StageChange
}

// NewIntroduction is the lifecycle of a match just proposed.
func NewIntroduction() Introduction { return Introduction{Stage: StageProposed} }

// Introduced tells whether the sides were introduced to each other: from
// then on, whatever happens next, each side may know the other. It is
// what the access rules ask (access.Link): until it holds, the buyer's
// side sees the offer as the anonymous teaser and the seller's side does
// not see the buyer's request; once it holds, both see the other whole.
func (in Introduction) Introduced() bool {
	switch in.Stage {
	case StageIntroduced, StageNegotiating, StageConcluded:
		return true
	case StageDropped:
		return in.wasIntroduced()
	}
	return false
}

// wasIntroduced tells whether a dropped match went through the
// introduction before.
func (in Introduction) wasIntroduced() bool {
	return slices.ContainsFunc(in.History, func(c StageChange) bool { return c.To == StageIntroduced })
}

// Sides lists the sides p acts for on m: an advisor (not a manager, who
// oversees but does not act) of a chamber that leads or shares the offer
// is on the seller's side, of the search on the buyer's. An advisor of a
// chamber that holds both sides is on both.
func Sides(p auth.Principal, m Match) []string {
	if !p.Has(auth.RoleAdvisor) || p.Chamber == "" {
		return nil
	}
	var out []string
	if p.Chamber == m.OfferChamber || p.Chamber == m.OfferSecondaryChamber {
		out = append(out, SideSeller)
	}
	if p.Chamber == m.SearchChamber || p.Chamber == m.SearchSecondaryChamber {
		out = append(out, SideBuyer)
	}
	return out
}

// stepSide is the side a one-sided step belongs to ("" for the steps
// either side takes).
var stepSide = map[string]string{
	StepInterest: SideBuyer, StepApproveIntroduction: SideSeller, StepAcceptUndertaking: SideBuyer,
}

// Take applies step a by p to the match m at now: the lifecycle after it
// and the change to record and announce. ErrWrongPerson when p is on
// neither side or on the wrong one, ErrWrongStage when the match's stage
// or what the side already did forbids it, a *StepError for bad input.
// The person is checked before the stage, so that an outsider learns
// nothing of the match's progress.
func (in Introduction) Take(m Match, p auth.Principal, a Action, now time.Time) (Introduction, StageChange, error) {
	sides := Sides(p, m)
	side, ok := pickSide(in, m, p, a.Step, sides)
	if !ok {
		return in, StageChange{}, ErrWrongPerson
	}
	if err := validAction(a, now); err != nil {
		return in, StageChange{}, err
	}
	next, err := in.advance(side, a)
	if err != nil {
		return in, StageChange{}, err
	}
	c := StageChange{Step: a.Step, Side: side, AdvisorID: p.Subject, From: in.Stage, To: next.Stage, Reason: a.Reason, At: now.UTC()}
	next.History = append(slices.Clone(in.History), c)
	return next, c, nil
}

// pickSide is the side p takes the step for. A one-sided step needs p on
// that side. Either side may take the others; a review is recorded for a
// side that has not reviewed yet, the one p follows as the assigned
// advisor first, so that an advisor of a chamber holding both sides
// reviews one side at a time.
func pickSide(in Introduction, m Match, p auth.Principal, step string, sides []string) (string, bool) {
	if len(sides) == 0 {
		return "", false
	}
	if s, ok := stepSide[step]; ok {
		return s, slices.Contains(sides, s)
	}
	if step != StepReview || len(sides) == 1 {
		return sides[0], true
	}
	pending := []string{}
	for _, s := range sides {
		if !in.reviewed(s) {
			pending = append(pending, s)
		}
	}
	switch {
	case len(pending) == 0:
		return sides[0], true // already reviewed: advance refuses it
	case len(pending) == 2 && p.Subject == m.SearchAdvisorID && p.Subject != m.OfferAdvisorID:
		return SideBuyer, true
	}
	return pending[0], true
}

func (in Introduction) reviewed(side string) bool {
	if side == SideSeller {
		return in.SellerReviewed
	}
	return in.BuyerReviewed
}

// advance is the lifecycle after side took step a, or ErrWrongStage.
func (in Introduction) advance(side string, a Action) (Introduction, error) {
	next := in
	next.History = nil
	switch {
	case a.Step == StepDrop && in.Stage != StageConcluded && in.Stage != StageDropped:
		next.Stage, next.DropReason = StageDropped, a.Reason
	case a.Step == StepReview && in.Stage == StageProposed && !in.reviewed(side):
		next.SellerReviewed = in.SellerReviewed || side == SideSeller
		next.BuyerReviewed = in.BuyerReviewed || side == SideBuyer
		if next.SellerReviewed && next.BuyerReviewed {
			next.Stage = StageReviewed
		}
	case a.Step == StepInterest && in.Stage == StageReviewed:
		next.Stage = StageInterested
	case a.Step == StepApproveIntroduction && in.Stage == StageInterested && !in.IntroductionApproved:
		next.IntroductionApproved = true
		next.Stage = in.introducedOnceBoth(true, in.Undertaking != nil)
	case a.Step == StepAcceptUndertaking && in.Stage == StageInterested && in.Undertaking == nil:
		u := a.Undertaking
		next.Undertaking = &u
		next.Stage = in.introducedOnceBoth(in.IntroductionApproved, true)
	case a.Step == StepNegotiate && in.Stage == StageIntroduced:
		next.Stage = StageNegotiating
	case a.Step == StepConclude && in.Stage == StageNegotiating:
		next.Stage, next.DealDate = StageConcluded, a.DealDate
	default:
		return in, ErrWrongStage
	}
	return next, nil
}

// introducedOnceBoth is the stage after the approval or the undertaking:
// introduced once both are there, still interested otherwise.
func (in Introduction) introducedOnceBoth(approved, undertaken bool) string {
	if approved && undertaken {
		return StageIntroduced
	}
	return StageInterested
}

// versionPattern is what an undertaking's edition looks like: a short code
// ("2026-01", "v3").
var versionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// validAction checks a step's input at now: a known step, a deal date and
// an undertaking's date not in the future, a reason from DropReasons.
func validAction(a Action, now time.Time) error {
	bad := map[string]string{}
	today := now.UTC().Truncate(24 * time.Hour)
	switch a.Step {
	case StepReview, StepInterest, StepApproveIntroduction, StepNegotiate:
	case StepConclude:
		if a.DealDate.IsZero() {
			bad["deal_date"] = "Indiquez la date de la cession (AAAA-MM-JJ)."
		} else if a.DealDate.After(today) {
			bad["deal_date"] = "La date de la cession ne peut pas être dans le futur."
		}
	case StepDrop:
		if !slices.Contains(DropReasons, a.Reason) {
			bad["reason"] = "Choisissez un motif parmi ceux proposés."
		}
	case StepAcceptUndertaking:
		if !versionPattern.MatchString(a.Undertaking.Version) {
			bad["version"] = "Indiquez la version de l'engagement de confidentialité signé."
		}
		if a.Undertaking.AcceptedOn.IsZero() {
			bad["accepted_on"] = "Indiquez la date de signature de l'engagement (AAAA-MM-JJ)."
		} else if a.Undertaking.AcceptedOn.After(today) {
			bad["accepted_on"] = "La date de signature ne peut pas être dans le futur."
		}
	default:
		return ErrWrongStage
	}
	if len(bad) > 0 {
		return &StepError{Fields: bad}
	}
	return nil
}

// Event is the announcement of change c on m: codes and ids only (no
// personal data). The request ids of both sides travel only with the
// introduction, which grants each side the other's request (intake serves
// its contact details from it); before it, no event names the seller's
// request to anyone.
func (c StageChange) Event(m Match, offerRequestID, searchRequestID string) events.TakeoverMatchStageChanged {
	ev := events.TakeoverMatchStageChanged{
		MatchID: m.ID, OfferID: m.OfferID, SearchID: m.SearchID, OfferChamber: m.OfferChamber,
		SearchChamber: m.SearchChamber, OfferAdvisorID: m.OfferAdvisorID, SearchAdvisorID: m.SearchAdvisorID,
		Step: c.Step, Side: c.Side, AdvisorID: c.AdvisorID, From: c.From, To: c.To, Reason: c.Reason, ChangedAt: c.At,
	}
	if c.To == StageIntroduced {
		ev.OfferRequestID, ev.SearchRequestID = offerRequestID, searchRequestID
	}
	return ev
}

// NextSteps lists the steps p may take on m now, for the match view: the
// steps Take would accept (with good input).
func (in Introduction) NextSteps(p auth.Principal, m Match) []string {
	out := []string{}
	for _, step := range []string{StepReview, StepInterest, StepApproveIntroduction, StepAcceptUndertaking, StepNegotiate, StepConclude, StepDrop} {
		side, ok := pickSide(in, m, p, step, Sides(p, m))
		if !ok {
			continue
		}
		if _, err := in.advance(side, sampleAction(step)); err == nil {
			out = append(out, step)
		}
	}
	return out
}

// sampleAction is a step with valid input, to ask advance whether the
// stage allows it.
func sampleAction(step string) Action {
	return Action{Step: step, Reason: DropReasons[0], DealDate: time.Unix(0, 0), Undertaking: Undertaking{Version: "x", AcceptedOn: time.Unix(0, 0)}}
}
