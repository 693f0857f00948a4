package creation

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/events"
)

// Errors of the hand-over rules: the state of the case does not allow the
// action (the HTTP port answers 409), or the case does not exist (404).
var (
	ErrCaseNotFound   = errors.New("creation case not found")
	ErrTakenInCharge  = errors.New("case already taken in charge")
	ErrClosed         = errors.New("case closed")
	ErrNotReassigned  = errors.New("case already assigned to this advisor")
	errUnknownChamber = errors.New("unknown chamber")
)

// MaxCommentRunes bounds the advisor's own words on a hand-back.
const MaxCommentRunes = 500

// ToOtherChamber is the hand-back's to_chamber value that moves the case to
// the other chamber.
const ToOtherChamber = "other"

// HandBack is one "pas pour moi": an advisor handing a case back. Reason
// travels in the creation.case.reassigned event; Comment never leaves this
// service.
type HandBack struct {
	AdvisorID string
	Chamber   string // the chamber that owned the case when it was handed back
	Reason    string
	Comment   string
	At        time.Time
	// ToOtherChamber moves the case to the other chamber (always so for
	// the reason wrong_chamber).
	ToOtherChamber bool
}

// FieldProblem names one invalid input field, in French for the user.
type FieldProblem struct {
	Field, Code, Message string
}

// InvalidInput is a request the rules refuse field by field (the HTTP port
// answers 422 naming each field).
type InvalidInput struct{ Fields []FieldProblem }

func (e *InvalidInput) Error() string {
	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = f.Field + ": " + f.Code
	}
	return "invalid input (" + strings.Join(names, ", ") + ")"
}

// HandBackReasons are the reasons an advisor may give: every reassignment
// reason except those only the platform or a manager use.
func HandBackReasons() []string {
	return slices.DeleteFunc(events.ReassignReasons(), func(r string) bool {
		return r == events.ReassignManager || r == events.ReassignAbsence || r == events.ReassignDeparture
	})
}

// NewHandBack checks an advisor's hand-back input and returns the
// hand-back; the error is an *InvalidInput naming every bad field.
func NewHandBack(advisorID, reason, comment, toChamber string, at time.Time) (HandBack, error) {
	var bad []FieldProblem
	if !slices.Contains(HandBackReasons(), reason) {
		bad = append(bad, FieldProblem{"reason", "invalid", "Motif attendu parmi : " + strings.Join(HandBackReasons(), ", ") + "."})
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > MaxCommentRunes {
		bad = append(bad, FieldProblem{"comment", "too_long", fmt.Sprintf("%d caractères au plus.", MaxCommentRunes)})
	}
	if toChamber != "" && toChamber != ToOtherChamber {
		bad = append(bad, FieldProblem{"to_chamber", "invalid", `Seule la valeur "other" (l'autre chambre) est admise.`})
	}
	if len(bad) > 0 {
		return HandBack{}, &InvalidInput{Fields: bad}
	}
	return HandBack{AdvisorID: advisorID, Reason: reason, Comment: comment, At: at.UTC(),
		ToOtherChamber: toChamber == ToOtherChamber || reason == events.ReassignWrongChamber}, nil
}

// OtherChamber returns the chamber that is not c.
func OtherChamber(c string) (string, error) {
	switch c {
	case events.ChamberCCI:
		return events.ChamberCMA, nil
	case events.ChamberCMA:
		return events.ChamberCCI, nil
	}
	return "", fmt.Errorf("%q: %w", c, errUnknownChamber)
}

// Waiting tells whether the case waits for its advisor to take it in
// charge: never taken, or handed over to a new advisor since. A case
// handed over along its journey keeps its stage: the new advisor takes
// it up where it is.
func (c *Case) Waiting() bool {
	return c.Stage == StageOpened || (c.Stage != StageClosed && c.TakenAt.IsZero())
}

// checkOpen reports why a case that is no longer waiting cannot change
// hands on an advisor's initiative.
func (c *Case) checkOpen() error {
	switch {
	case c.Stage == StageClosed:
		return ErrClosed
	case c.Waiting():
		return nil
	default:
		return ErrTakenInCharge
	}
}

// TakeInCharge records that the assigned advisor took the case in charge:
// its journey starts, at the welcome stage, or goes on where it was for a
// case handed over along the way. Whether the caller is that advisor is an
// access rule (package access).
func (c *Case) TakeInCharge(now time.Time) (events.CreationCaseTakenInCharge, error) {
	if err := c.checkOpen(); err != nil {
		return events.CreationCaseTakenInCharge{}, err
	}
	if c.Stage == StageOpened {
		c.Stage = StageWelcome
	}
	c.TakenAt, c.UpdatedAt = now.UTC(), now.UTC()
	return events.CreationCaseTakenInCharge{CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber,
		AdvisorID: c.AdvisorID, TakenAt: c.TakenAt}, nil
}

// HandBackChamber is the chamber that will own the case after h: the
// other chamber when h asks for it, else the same.
func (c *Case) HandBackChamber(h HandBack) (string, error) {
	if h.ToOtherChamber {
		return OtherChamber(c.Chamber)
	}
	return c.Chamber, nil
}

// CheckHandBack tells whether the case may be handed back now: only while
// it waits to be taken in charge. Once taken in charge the advisor owns
// the follow-up, and only a manager moves it (Reassign).
func (c *Case) CheckHandBack() error { return c.checkOpen() }

// HandBack hands the case back: it goes to the least loaded available
// candidate of HandBackChamber(h) who has not handed it back before
// (never to the advisor handing it back), or to nobody when there is none,
// for the chamber's manager to reassign. Moving to the other chamber makes
// the previous chamber the secondary one, so its advisors still see it.
func (c *Case) HandBack(h HandBack, candidates []AdvisorLoad) (events.CreationCaseReassigned, error) {
	if err := c.CheckHandBack(); err != nil {
		return events.CreationCaseReassigned{}, err
	}
	chamber, err := c.HandBackChamber(h)
	if err != nil {
		return events.CreationCaseReassigned{}, err
	}
	h.Chamber = c.Chamber
	c.HandBacks = append(c.HandBacks, h)
	others := slices.DeleteFunc(Covering(candidates, c.Place()), func(a AdvisorLoad) bool { return c.handedBackBy(a.AdvisorID) })
	advisor, _ := ChooseAdvisor(others, h.At)
	return c.moveTo(chamber, advisor, h.Reason, h.At), nil
}

func (c *Case) handedBackBy(advisorID string) bool {
	return slices.ContainsFunc(c.HandBacks, func(h HandBack) bool { return h.AdvisorID == advisorID })
}

// Reassign moves the case to another advisor of its chamber, as a manager
// decides; a case taken in charge goes back to waiting for its new advisor.
// The error is an *InvalidInput when the target cannot take it.
func (c *Case) Reassign(to Advisor, found bool, now time.Time) (events.CreationCaseReassigned, error) {
	if c.Stage == StageClosed {
		return events.CreationCaseReassigned{}, ErrClosed
	}
	field := func(code, msg string) error {
		return &InvalidInput{Fields: []FieldProblem{{"advisor_id", code, msg}}}
	}
	switch {
	case !found:
		return events.CreationCaseReassigned{}, field("unknown", "Conseiller inconnu.")
	case to.Chamber != c.Chamber:
		return events.CreationCaseReassigned{}, field("other_chamber", "Le conseiller doit appartenir à la chambre du dossier.")
	case !to.AvailableAt(now):
		return events.CreationCaseReassigned{}, field("unavailable", "Ce conseiller est absent ou inactif.")
	case to.AdvisorID == c.AdvisorID:
		return events.CreationCaseReassigned{}, ErrNotReassigned
	}
	return c.moveTo(c.Chamber, to.AdvisorID, events.ReassignManager, now), nil
}

// moveTo gives the case to chamber and advisor and returns the event: the
// case waits for its new advisor to take it in charge, at the stage it
// had reached.
func (c *Case) moveTo(chamber, advisorID, reason string, now time.Time) events.CreationCaseReassigned {
	ev := events.CreationCaseReassigned{CaseID: c.ID, RequestID: c.RequestID, PreviousChamber: c.Chamber,
		PreviousAdvisorID: c.AdvisorID, Reason: reason, ReassignedAt: now.UTC()}
	if chamber != c.Chamber {
		c.SecondaryChamber = c.Chamber
		c.Chamber = chamber
	}
	c.AdvisorID, c.TakenAt, c.UpdatedAt = advisorID, time.Time{}, now.UTC()
	ev.Chamber, ev.SecondaryChamber, ev.AdvisorID = c.Chamber, c.SecondaryChamber, c.AdvisorID
	return ev
}
