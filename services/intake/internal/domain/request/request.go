// Package request is intake's domain: the requests entrepreneurs submit,
// their validation against the real reference data, and the events they
// emit. Errors name each bad field so the edge can show them beside the
// field. No I/O.
package request

import (
	"errors"
	"strings"
)

// ErrInvalid wraps a Problems list: the request breaks validation rules.
var ErrInvalid = errors.New("invalid request")

// Status is where a request stands, as the applicant sees it.
type Status string

// Statuses of a request.
const (
	StatusReceived Status = "received" // stored and routed, waiting for a chamber
	StatusAssigned Status = "assigned" // the chamber opened a case and assigned an advisor
)

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
