// Package directory is the advisor directory's domain: an advisor's
// chamber, territory, specialities, capacity, availability and roles, the
// validation of an entry, its revisions, the CSV import format, and the
// event a change emits. No I/O.
package directory

import (
	"errors"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

// Sentinel errors of the directory.
var (
	// ErrInvalid reports a directory entry that breaks a rule (a
	// *ValidationError or an *ImportError tells which).
	ErrInvalid = errors.New("invalid advisor entry")
	// ErrUnknown reports an advisor id the directory does not hold.
	ErrUnknown = errors.New("unknown advisor")
	// ErrInactive reports an advisor who is not active.
	ErrInactive = errors.New("inactive advisor")
	// ErrStale reports a change made against a revision that is no longer
	// the current one (optimistic concurrency: someone changed the entry
	// meanwhile), or against an entry that does not exist.
	ErrStale = errors.New("advisor entry changed meanwhile")
)

// Advisor is one directory entry. Name and e-mail never leave advisor-desk:
// the event a change emits carries neither.
type Advisor struct {
	AdvisorID string `json:"advisor_id"`
	Chamber   string `json:"chamber"`
	FullName  string `json:"full_name"`
	Email     string `json:"email"`
	// Departements the advisor covers; the first is their home (the
	// territory token of their events).
	Departements []string `json:"departements"`
	// Communes (INSEE codes, within Departements) and EPCIs (SIRENs)
	// narrow the territory; both empty means the whole départements.
	Communes     []string `json:"communes,omitempty"`
	EPCIs        []string `json:"epcis,omitempty"`
	Specialities []string `json:"specialities"`
	// Capacity is the number of open cases the advisor can carry.
	Capacity int  `json:"capacity"`
	Active   bool `json:"active"`
	// AbsentUntil is when an absence ends (nil: present). Until then the
	// advisor gets no new case.
	AbsentUntil *time.Time `json:"absent_until,omitempty"`
	// Roles: advisor, manager (of their chamber), prevention_cell (the
	// joint prevention cell), admin (manages the directory). They go into
	// the advisor's tokens and events.
	Roles []string `json:"roles"`
	// Revision increases with every change; 0 for an entry never stored.
	Revision int64 `json:"-"`
}

// Normalized returns the entry as it is stored: lists never nil, and the
// end of an absence in UTC at the microsecond (what Postgres keeps), so
// that an entry read back compares equal to the one written.
func (a Advisor) Normalized() Advisor {
	orEmpty := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	a.Departements, a.Communes, a.EPCIs = orEmpty(a.Departements), orEmpty(a.Communes), orEmpty(a.EPCIs)
	a.Specialities, a.Roles = orEmpty(a.Specialities), orEmpty(a.Roles)
	if a.AbsentUntil != nil {
		t := a.AbsentUntil.UTC().Truncate(time.Microsecond)
		a.AbsentUntil = &t
	}
	return a
}

// SameAs tells whether two entries hold the same data (revision aside), so
// that re-importing an unchanged directory emits nothing.
func (a Advisor) SameAs(b Advisor) bool {
	a, b = a.Normalized(), b.Normalized()
	sameAbsence := (a.AbsentUntil == nil) == (b.AbsentUntil == nil) &&
		(a.AbsentUntil == nil || a.AbsentUntil.Equal(*b.AbsentUntil))
	return a.AdvisorID == b.AdvisorID && a.Chamber == b.Chamber && a.FullName == b.FullName && a.Email == b.Email &&
		slices.Equal(a.Departements, b.Departements) && slices.Equal(a.Communes, b.Communes) &&
		slices.Equal(a.EPCIs, b.EPCIs) && slices.Equal(a.Specialities, b.Specialities) &&
		a.Capacity == b.Capacity && a.Active == b.Active && sameAbsence && slices.Equal(a.Roles, b.Roles)
}

// AvailableAt tells whether the advisor may get a new case at t.
func (a Advisor) AvailableAt(t time.Time) bool {
	return a.Active && (a.AbsentUntil == nil || !a.AbsentUntil.After(t))
}

// Principal is who the advisor is in a token: id, chamber and roles.
func (a Advisor) Principal() auth.Principal {
	p := auth.Principal{Subject: a.AdvisorID, Chamber: a.Chamber}
	for _, r := range a.Roles {
		p.Roles = append(p.Roles, auth.Role(r))
	}
	return p
}

// Changed returns the event announcing this entry at its revision: the
// assignment-relevant state, never the name nor the e-mail.
func (a Advisor) Changed(now time.Time) events.AdvisorUpdated {
	ev := events.AdvisorUpdated{
		AdvisorID: a.AdvisorID, Revision: a.Revision, Chamber: a.Chamber,
		Departements: slices.Clone(a.Departements), Specialities: slices.Clone(a.Specialities),
		Communes: slices.Clone(a.Communes), EPCIs: slices.Clone(a.EPCIs), Roles: slices.Clone(a.Roles),
		Capacity: a.Capacity, Active: a.Active, UpdatedAt: now.UTC(),
	}
	if ev.Departements == nil {
		ev.Departements = []string{}
	}
	if ev.Specialities == nil {
		ev.Specialities = []string{}
	}
	if a.AbsentUntil != nil {
		t := a.AbsentUntil.UTC()
		ev.AbsentUntil = &t
	}
	return ev
}

// HomeDepartement is the territory token of the advisor's events.
func (a Advisor) HomeDepartement() string {
	if len(a.Departements) == 0 {
		return events.NoTerritory
	}
	return a.Departements[0]
}

// AnyRevision as an If-Match precondition (If-Match: *) asks only that the
// entry exist.
const AnyRevision int64 = -1

// CheckRevision applies an If-Match precondition: want nil accepts any
// state; AnyRevision an existing entry; otherwise the entry must exist at
// exactly that revision. Else ErrStale.
func CheckRevision(cur Advisor, found bool, want *int64) error {
	if want == nil || (found && (*want == AnyRevision || cur.Revision == *want)) {
		return nil
	}
	return ErrStale
}

// Revise returns the entry to store when next replaces cur (found=false:
// there is none yet): next at the following revision, changed=true; or
// cur as it is, changed=false, when next holds the same data, so that
// nothing is written and no event emitted.
func Revise(cur Advisor, found bool, next Advisor) (Advisor, bool) {
	if found && cur.SameAs(next) {
		return cur, false
	}
	next = next.Normalized()
	next.Revision = cur.Revision + 1
	return next, true
}
