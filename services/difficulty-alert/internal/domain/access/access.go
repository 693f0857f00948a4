// Package access holds difficulty-alert's access rules: who, once
// authenticated, may read a prevention case or the log of those reads. The
// rules are pure functions of the principal (from the token) and the case;
// the HTTP port applies them. No I/O.
//
// A difficulty case is confidential: it is read by its assigned advisors
// and by the prevention cell of the chambers it was routed to, nobody else.
// In particular a manager does not read cases by role alone (a manager who
// is also in the prevention cell reads them as a cell member); managers
// watch the reads instead, through the audit log of their chamber. An admin
// manages the directory and reads neither cases nor the audit log by that
// role: reading who consulted which difficulty is a manager's oversight of
// their own chamber, and nobody's across chambers.
package access

import (
	"slices"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// ReadCase tells whether p may read case c: p is one of its assigned
// advisors, or a member of the prevention cell of one of its routed
// chambers.
func ReadCase(p auth.Principal, c prevention.Case) bool {
	if p.Subject != "" && slices.Contains(c.AdvisorIDs, p.Subject) {
		return true
	}
	return p.Has(auth.RolePreventionCell) && p.Chamber != "" && slices.Contains(c.Chambers(), p.Chamber)
}

// ActOnCase tells whether p may act on case c (take it in charge, record
// an action, close it, hand it back): those who may read it, nobody else.
// Acting is reading too: the case comes back in the answer.
func ActOnCase(p auth.Principal, c prevention.Case) bool { return ReadCase(p, c) }

// Scope is the set of cases a principal may read, in the terms a query
// uses: the cases assigned to AdvisorID, and, when CellChamber is set, the
// cases routed to that chamber. A case is in the scope exactly when
// ReadCase says yes (the adapter tests check the query against ReadCase).
type Scope struct {
	AdvisorID   string
	CellChamber string
}

// ListScope is the scope of the cases p may read.
func ListScope(p auth.Principal) Scope {
	s := Scope{AdvisorID: p.Subject}
	if p.Has(auth.RolePreventionCell) {
		s.CellChamber = p.Chamber
	}
	return s
}

// ReadAuditLog tells whether p may read the audit log, and of which
// chamber: a manager reads their own chamber's (reads by its advisors and
// reads of the cases routed to it).
func ReadAuditLog(p auth.Principal) (chamber string, ok bool) {
	if !p.Has(auth.RoleManager) || p.Chamber == "" {
		return "", false
	}
	return p.Chamber, true
}

// ImportSignals tells whether p may import signals (BODACC exports): the
// prevention cell, which acts on them.
func ImportSignals(p auth.Principal) bool {
	return p.Has(auth.RolePreventionCell) && p.Chamber != ""
}

// ReadSignals tells whether p may read a business's signals and court
// state: the prevention cell only. A signal is not yet tied to a case
// (scoring will open them), so nobody else has a case to read it through.
func ReadSignals(p auth.Principal) bool {
	return p.Has(auth.RolePreventionCell) && p.Chamber != ""
}

// ReadScores tells whether p may read the businesses' scores, their
// explanation and the cell's list by level: the prevention cell only, as
// for the signals the scores stand on.
func ReadScores(p auth.Principal) bool {
	return p.Has(auth.RolePreventionCell) && p.Chamber != ""
}
