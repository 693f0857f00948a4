// Package request is intake's domain: the requests entrepreneurs submit,
// their validation against the real reference data, and the events they
// emit. Errors name each bad field so the edge can show them beside the
// field. No I/O.
package request

import (
	"errors"
	"strings"
	"time"
)

// ErrInvalid wraps a Problems list: the request breaks validation rules.
var ErrInvalid = errors.New("invalid request")

// Status is where a request stands, as the applicant sees it.
type Status string

// Statuses of a request.
const (
	StatusReceived Status = "received"  // stored and routed, waiting for a chamber
	StatusAssigned Status = "assigned"  // the chamber opened a case and assigned an advisor
	StatusInCharge Status = "in_charge" // the advisor took the case in charge
)

// Statuses lists every status, in the order a request goes through them.
func Statuses() []Status {
	return []Status{StatusReceived, StatusAssigned, StatusInCharge, StatusClosed}
}

// Step is what a chamber's event says about a request: where it stands,
// which chamber holds it, as of when. Events may arrive late or twice; a
// step older than the last one applied changes nothing.
type Step struct {
	RequestID string
	Status    Status
	// Chamber holds the request from now on; empty leaves it as it is.
	Chamber string
	// Advisors are the advisors the case is assigned to from now on (empty:
	// the chamber's advisors must pick it up; nil: unchanged).
	Advisors []string
	// Stage is the creation journey's stage reached, and Outcome how the
	// case ended (codes of the creation events); empty leaves them as
	// they are.
	Stage, Outcome string
	At             time.Time
}

// CaseStep is the step of a case that went to chamber, in the hands of
// advisors; without any, the request still waits for a chamber.
func CaseStep(requestID, chamber string, advisors []string, at time.Time) Step {
	st := StatusAssigned
	if len(advisors) == 0 {
		st, advisors = StatusReceived, []string{}
	}
	return Step{RequestID: requestID, Status: st, Chamber: chamber, Advisors: advisors, At: at}
}

// one is the advisors list of a case with at most one advisor.
func one(advisorID string) []string {
	if advisorID == "" {
		return nil
	}
	return []string{advisorID}
}

// AdvisorStep is CaseStep for a case with at most one advisor.
func AdvisorStep(requestID, chamber, advisorID string, at time.Time) Step {
	return CaseStep(requestID, chamber, one(advisorID), at)
}

// Problem is one invalid field, with a stable code and a French message.
type Problem struct {
	Field   string
	Code    string
	Message string
}

// Problems collects field problems; it is an error when not empty.
type Problems []Problem

func (p Problems) Error() string {
	fields := make([]string, len(p))
	for i, x := range p {
		fields[i] = x.Field + " (" + x.Code + ")"
	}
	return "invalid fields: " + strings.Join(fields, ", ")
}

// Is makes errors.Is(problems, ErrInvalid) true.
func (p Problems) Is(target error) bool { return target == ErrInvalid }

func (p *Problems) add(field, code, msg string) {
	*p = append(*p, Problem{Field: field, Code: code, Message: msg})
}

func (p Problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}
