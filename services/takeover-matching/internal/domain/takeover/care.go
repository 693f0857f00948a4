package takeover

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

// Taking in charge and handing back ("pas pour moi"), as creation cases
// have them: an offer or a search waits for its assigned advisor to take
// it in charge (the desk reminds them at day 9 and 21 and tells the
// managers at day 45); until then that advisor may hand it back with a
// reason, and it goes at once to the least loaded other available
// takeover advisor of the same chamber covering its place, or to nobody.
// Unlike a creation case it never moves to the other chamber: its matches
// and listing belong to the chamber that registered it.

// Errors of the taking in charge (the API answers 403 and 409).
var (
	// ErrNotAssignee: only the advisor the offer or search is assigned to
	// takes it in charge or hands it back (403).
	ErrNotAssignee = errors.New("only the assigned advisor may take it in charge or hand it back")
	// ErrTakenInCharge: it was taken in charge already; once taken, its
	// advisor owns it and cannot hand it back (409).
	ErrTakenInCharge = errors.New("already taken in charge")
	// ErrOffMarket: a withdrawn, concluded or expired one is not taken in
	// charge nor handed back (409).
	ErrOffMarket = errors.New("no longer followed")
)

// MaxHandBackComment bounds the advisor's own words on a hand-back.
const MaxHandBackComment = 500

// Care is who took an offer or a search in charge and when (zero while
// it waits).
type Care struct {
	TakenAt time.Time
	TakenBy string
}

// Taken tells whether it was taken in charge.
func (c Care) Taken() bool { return !c.TakenAt.IsZero() }

// HandBack is one "pas pour moi". Reason travels in the reassigned event;
// Comment never leaves this service.
type HandBack struct {
	AdvisorID string
	Reason    string
	Comment   string
	At        time.Time
}

// HandBackError names the input fields of a hand-back that are wrong
// (422), each with what is wrong, in French.
type HandBackError struct{ Fields map[string]string }

func (e *HandBackError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	slices.Sort(names)
	return "invalid hand-back (" + strings.Join(names, ", ") + ")"
}

// HandBackReasons are the reasons an advisor may give: the reassignment
// reasons of events.ReassignReasons that fit a move within the chamber
// (not the other chamber, and not those only the platform or a manager
// use).
func HandBackReasons() []string {
	return []string{events.ReassignWrongSpeciality, events.ReassignNoCapacity, events.ReassignOther}
}

// NewHandBack checks an advisor's hand-back input: a reason among
// HandBackReasons and a comment of at most MaxHandBackComment characters;
// the error is a *HandBackError naming every bad field.
func NewHandBack(advisorID, reason, comment string, at time.Time) (HandBack, error) {
	bad := map[string]string{}
	switch {
	case reason == "":
		bad["reason"] = "Indiquez pourquoi ce dossier n'est pas pour vous."
	case !slices.Contains(HandBackReasons(), reason):
		bad["reason"] = "Motif attendu parmi : " + strings.Join(HandBackReasons(), ", ") + "."
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > MaxHandBackComment {
		bad["comment"] = fmt.Sprintf("%d caractères au plus.", MaxHandBackComment)
	}
	if len(bad) > 0 {
		return HandBack{}, &HandBackError{Fields: bad}
	}
	return HandBack{AdvisorID: advisorID, Reason: reason, Comment: comment, At: at.UTC()}, nil
}

// checkCare applies the rules common to offers and searches: p is the
// assigned advisor (checked first, so that another learns nothing of the
// state), it is still followed and not taken in charge yet.
func checkCare(p auth.Principal, chamber, advisorID string, offMarket bool, c Care) error {
	if advisorID == "" || p.Subject != advisorID || !p.Has(auth.RoleAdvisor) || p.Chamber != chamber {
		return ErrNotAssignee
	}
	switch {
	case offMarket:
		return ErrOffMarket
	case c.Taken():
		return ErrTakenInCharge
	}
	return nil
}

// chooseOther picks the least loaded candidate who is not the current
// advisor and never handed it back ("" when none is left). The
// candidates are already the assignable ones (Assignable).
func chooseOther(candidates []AdvisorLoad, current string, handedBack []string) string {
	others := slices.DeleteFunc(slices.Clone(candidates), func(a AdvisorLoad) bool {
		return a.AdvisorID == current || slices.Contains(handedBack, a.AdvisorID)
	})
	id, _ := ChooseAdvisor(others)
	return id
}

// offMarket tells whether an offer is no longer followed: withdrawn or
// concluded.
func (o Offer) offMarket() bool { return o.Status == OfferWithdrawn || o.Status == OfferConcluded }

// offMarket tells whether a search is no longer followed: withdrawn,
// concluded or expired.
func (s Search) offMarket() bool {
	return s.Status == SearchWithdrawn || s.Status == SearchConcluded || s.Status == SearchExpired
}

// TakeInCharge records that p, the offer's assigned advisor, takes it in
// charge at now: ErrNotAssignee, ErrOffMarket or ErrTakenInCharge.
func (o Offer) TakeInCharge(p auth.Principal, now time.Time) (Offer, events.TakeoverOfferTakenInCharge, error) {
	if err := checkCare(p, o.Chamber, o.AdvisorID, o.offMarket(), o.Care); err != nil {
		return o, events.TakeoverOfferTakenInCharge{}, err
	}
	o.Care = Care{TakenAt: now.UTC(), TakenBy: o.AdvisorID}
	return o, events.TakeoverOfferTakenInCharge{OfferID: o.ID, RequestID: o.RequestID, Chamber: o.Chamber,
		AdvisorID: o.AdvisorID, TakenAt: o.Care.TakenAt}, nil
}

// HandBack hands the offer back as h says: it goes to the least loaded of
// candidates who is neither p nor anyone in handedBack (the advisors who
// handed it back before), or to nobody, for the chamber's takeover
// advisors to pick up. ErrNotAssignee, ErrOffMarket or ErrTakenInCharge.
func (o Offer) HandBack(p auth.Principal, h HandBack, candidates []AdvisorLoad, handedBack []string) (Offer, events.TakeoverOfferReassigned, error) {
	if err := checkCare(p, o.Chamber, o.AdvisorID, o.offMarket(), o.Care); err != nil {
		return o, events.TakeoverOfferReassigned{}, err
	}
	previous := o.AdvisorID
	o.AdvisorID = chooseOther(candidates, previous, handedBack)
	return o, events.TakeoverOfferReassigned{OfferID: o.ID, RequestID: o.RequestID, Chamber: o.Chamber,
		SecondaryChamber: o.SecondaryChamber, AdvisorID: o.AdvisorID, PreviousAdvisorID: previous, Reason: h.Reason,
		ReassignedAt: h.At}, nil
}

// TakeInCharge records that p, the search's assigned advisor, takes it in
// charge at now: ErrNotAssignee, ErrOffMarket or ErrTakenInCharge.
func (s Search) TakeInCharge(p auth.Principal, now time.Time) (Search, events.TakeoverSearchTakenInCharge, error) {
	if err := checkCare(p, s.Chamber, s.AdvisorID, s.offMarket(), s.Care); err != nil {
		return s, events.TakeoverSearchTakenInCharge{}, err
	}
	s.Care = Care{TakenAt: now.UTC(), TakenBy: s.AdvisorID}
	return s, events.TakeoverSearchTakenInCharge{SearchID: s.ID, RequestID: s.RequestID, Chamber: s.Chamber,
		AdvisorID: s.AdvisorID, TakenAt: s.Care.TakenAt}, nil
}

// HandBack hands the search back, as Offer.HandBack.
func (s Search) HandBack(p auth.Principal, h HandBack, candidates []AdvisorLoad, handedBack []string) (Search, events.TakeoverSearchReassigned, error) {
	if err := checkCare(p, s.Chamber, s.AdvisorID, s.offMarket(), s.Care); err != nil {
		return s, events.TakeoverSearchReassigned{}, err
	}
	previous := s.AdvisorID
	s.AdvisorID = chooseOther(candidates, previous, handedBack)
	return s, events.TakeoverSearchReassigned{SearchID: s.ID, RequestID: s.RequestID, Chamber: s.Chamber,
		SecondaryChamber: s.SecondaryChamber, AdvisorID: s.AdvisorID, PreviousAdvisorID: previous, Reason: h.Reason,
		ReassignedAt: h.At}, nil
}
