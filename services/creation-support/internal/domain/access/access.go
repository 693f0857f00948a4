// Package access holds creation-support's access rules: who, once
// authenticated, may see a creation case and act on it. The rules are pure
// functions of the principal (from the verified token) and the case; the
// HTTP port and the use cases apply them, and a refusal wraps ErrForbidden
// (403). No I/O.
package access

import (
	"errors"
	"fmt"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// ErrForbidden is wrapped by every refusal.
var ErrForbidden = errors.New("forbidden")

// Refusals, each an ErrForbidden.
var (
	ErrNotVisible  = fmt.Errorf("%w: case not visible to this advisor", ErrForbidden)
	ErrNotAssignee = fmt.Errorf("%w: only the assigned advisor may do this", ErrForbidden)
	ErrNotManager  = fmt.Errorf("%w: only a manager of the case's chamber may do this", ErrForbidden)
	ErrNotFollower = fmt.Errorf("%w: only the assigned advisor or a manager of the case's chamber may do this", ErrForbidden)
	// ErrNoScope: the principal sees no creation case at all (ScopeOf).
	ErrNoScope = fmt.Errorf("%w: neither advisor nor manager", ErrForbidden)
)

// Scope is what a principal may list: the cases led by Lead, those shared
// with Shared (empty: none), and the cases assigned to Subject.
type Scope struct {
	Lead, Shared, Subject string
}

// ScopeOf returns the principal's scope; ok is false for a principal who
// sees no creation case (neither advisor nor manager, e.g. an admin only).
// An advisor sees the cases of their chamber and the cases shared with it;
// a manager sees their chamber's cases.
func ScopeOf(p auth.Principal) (s Scope, ok bool) {
	if !p.Has(auth.RoleAdvisor) && !p.Has(auth.RoleManager) {
		return Scope{}, false
	}
	s = Scope{Lead: p.Chamber, Subject: p.Subject}
	if p.Has(auth.RoleAdvisor) {
		s.Shared = p.Chamber
	}
	return s, true
}

// Sees tells whether the scope covers the case.
func (s Scope) Sees(c creation.Case) bool {
	return c.Chamber == s.Lead || (s.Shared != "" && c.SecondaryChamber == s.Shared) ||
		(c.AdvisorID != "" && c.AdvisorID == s.Subject)
}

// See says whether p may read the case.
func See(p auth.Principal, c creation.Case) error {
	if s, ok := ScopeOf(p); ok && s.Sees(c) {
		return nil
	}
	return ErrNotVisible
}

// ActAsAssignee says whether p may take the case in charge or hand it
// back: only its assigned advisor may.
func ActAsAssignee(p auth.Principal, c creation.Case) error {
	if err := See(p, c); err != nil {
		return err
	}
	if c.AdvisorID == "" || p.Subject != c.AdvisorID {
		return ErrNotAssignee
	}
	return nil
}

// Reassign says whether p may give the case to another advisor: only a
// manager of the chamber that leads the case may (not of the chamber it
// is shared with).
func Reassign(p auth.Principal, c creation.Case) error {
	if err := See(p, c); err != nil {
		return err
	}
	if !p.Has(auth.RoleManager) || p.Chamber != c.Chamber {
		return ErrNotManager
	}
	return nil
}

// FollowUp says whether p may move the case along its journey, record its
// facts, outcome and next action: its assigned advisor, or a manager of
// the chamber that leads it. The chamber it is shared with reads the
// header and writes notes, and leaves the follow-up to the lead chamber.
func FollowUp(p auth.Principal, c creation.Case) error {
	if err := See(p, c); err != nil {
		return err
	}
	if c.AdvisorID != "" && p.Subject == c.AdvisorID {
		return nil
	}
	if p.Has(auth.RoleManager) && p.Chamber == c.Chamber {
		return nil
	}
	return ErrNotFollower
}

// WriteNote says whether p may add a note to the case: any advisor or
// manager who sees it, in their own chamber's notes.
func WriteNote(p auth.Principal, c creation.Case) error { return See(p, c) }

// ReadFollowUp says whether p reads the case's follow-up (the journey's
// facts, the comments of its timeline, its checkpoints): the chamber that
// leads it, and its assigned advisor. The chamber it is shared with reads
// its header only.
func ReadFollowUp(p auth.Principal, c creation.Case) error {
	if err := See(p, c); err != nil {
		return err
	}
	if p.Chamber == c.Chamber || (c.AdvisorID != "" && p.Subject == c.AdvisorID) {
		return nil
	}
	return ErrNotFollower
}
