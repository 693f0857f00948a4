// Package directory is the advisor directory's domain: an advisor's
// chamber, territory, specialities, capacity and roles, the validation of an
// entry, and the event a change emits. No I/O.
package directory

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

// Sentinel errors of the directory.
var (
	// ErrInvalid reports a directory entry that breaks a rule.
	ErrInvalid = errors.New("invalid advisor entry")
	// ErrUnknown reports an advisor id the directory does not hold.
	ErrUnknown = errors.New("unknown advisor")
	// ErrInactive reports an advisor who is not active.
	ErrInactive = errors.New("inactive advisor")
)

// Advisor is one directory entry. Name and e-mail never leave advisor-desk.
type Advisor struct {
	AdvisorID    string   `json:"advisor_id"`
	Chamber      string   `json:"chamber"`
	FullName     string   `json:"full_name"`
	Email        string   `json:"email"`
	Departements []string `json:"departements"`
	Specialities []string `json:"specialities"`
	Capacity     int      `json:"capacity"`
	Active       bool     `json:"active"`
	// Roles: advisor, manager (of their chamber), prevention_cell (the
	// joint prevention cell), admin. They go into the advisor's tokens, not
	// into events.
	Roles    []string `json:"roles"`
	Revision int64    `json:"-"`
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,62}$`)
	deptPattern = regexp.MustCompile(`^(\d{2}|2A|2B|97\d)$`)
)

// Validate checks an entry.
func (a Advisor) Validate() error {
	var errs []error
	if !idPattern.MatchString(a.AdvisorID) {
		errs = append(errs, fmt.Errorf("advisor_id %q: lowercase letters, digits and dashes, 3-63", a.AdvisorID))
	}
	if a.Chamber != events.ChamberCCI && a.Chamber != events.ChamberCMA {
		errs = append(errs, fmt.Errorf("chamber %q: CCI or CMA", a.Chamber))
	}
	if a.FullName == "" || len(a.FullName) > 200 {
		errs = append(errs, errors.New("full_name: required, at most 200 bytes"))
	}
	if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email {
		errs = append(errs, errors.New("email: not an address"))
	}
	if len(a.Departements) == 0 {
		errs = append(errs, errors.New("departements: at least one"))
	}
	for _, d := range a.Departements {
		if !deptPattern.MatchString(d) {
			errs = append(errs, fmt.Errorf("departement %q: not a département code", d))
		}
	}
	for _, s := range a.Specialities {
		if !slices.Contains([]string{events.SpecialityCreation, events.SpecialityTakeover, events.SpecialityDifficulty}, s) {
			errs = append(errs, fmt.Errorf("speciality %q: creation, takeover or difficulty", s))
		}
	}
	if a.Capacity < 0 {
		errs = append(errs, errors.New("capacity: not negative"))
	}
	if len(a.Roles) == 0 {
		errs = append(errs, errors.New("roles: at least one"))
	}
	for i, r := range a.Roles {
		if !auth.KnownRole(r) {
			errs = append(errs, fmt.Errorf("role %q: advisor, manager, prevention_cell or admin", r))
		} else if slices.Contains(a.Roles[:i], r) {
			errs = append(errs, fmt.Errorf("role %q: listed twice", r))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w %s: %w", ErrInvalid, a.AdvisorID, errors.Join(errs...))
	}
	return nil
}

// SameAs tells whether two entries hold the same data (revision aside), so
// that re-importing an unchanged directory emits nothing.
func (a Advisor) SameAs(b Advisor) bool {
	return a.AdvisorID == b.AdvisorID && a.Chamber == b.Chamber && a.FullName == b.FullName && a.Email == b.Email &&
		slices.Equal(a.Departements, b.Departements) && slices.Equal(a.Specialities, b.Specialities) &&
		a.Capacity == b.Capacity && a.Active == b.Active && slices.Equal(a.Roles, b.Roles)
}

// Principal is who the advisor is in a token: id, chamber and roles.
func (a Advisor) Principal() auth.Principal {
	p := auth.Principal{Subject: a.AdvisorID, Chamber: a.Chamber}
	for _, r := range a.Roles {
		p.Roles = append(p.Roles, auth.Role(r))
	}
	return p
}

// Changed returns the event announcing this entry at its revision.
func (a Advisor) Changed(now time.Time) events.AdvisorUpdated {
	return events.AdvisorUpdated{
		AdvisorID: a.AdvisorID, Revision: a.Revision, Chamber: a.Chamber,
		Departements: slices.Clone(a.Departements), Specialities: slices.Clone(a.Specialities),
		Capacity: a.Capacity, Active: a.Active, UpdatedAt: now.UTC(),
	}
}

// HomeDepartement is the territory token of the advisor's events.
func (a Advisor) HomeDepartement() string {
	if len(a.Departements) == 0 {
		return events.NoTerritory
	}
	return a.Departements[0]
}
