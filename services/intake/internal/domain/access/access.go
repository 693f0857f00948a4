// Package access holds intake's access rules for advisors: who, once
// authenticated, may read a request with its applicant's contact details,
// and who may read the log of those reads. Pure functions of the principal
// and the request's routing and assignment; the HTTP port applies them.
package access

import (
	"slices"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Request is what the rules look at in a request.
type Request struct {
	Kind string
	// LeadChamber and SecondaryChamber are the routing decision's.
	LeadChamber, SecondaryChamber string
	// CaseChamber holds the case now (after a hand-back it may be neither
	// of the routed chambers' lead).
	CaseChamber string
	// AdvisorIDs are the advisors the case is assigned to.
	AdvisorIDs []string
	// IntroducedTo are the chambers of the other side of each takeover
	// match the request was introduced through (takeover-matching's
	// takeover.match.stage_changed to "introduced"): the chambers that
	// follow the buyer, for a seller's request, and the reverse.
	IntroducedTo []string
}

// Chambers are the chambers the request went to, without repeats.
func (r Request) Chambers() []string {
	var cs []string
	for _, c := range []string{r.LeadChamber, r.SecondaryChamber, r.CaseChamber} {
		if c != "" && !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	return cs
}

// ReadRequest tells whether reader may read the request and its
// applicant's contact details. An advisor assigned to the case may; so
// may the advisors and managers of a chamber the request went to, except
// for a difficulty report, which is confidential: only its assigned
// prevention advisors and the prevention cell's members of its chambers
// read it, not even a manager. An admin manages the directory and reads
// no request.
func ReadRequest(reader auth.Principal, r Request) bool {
	if slices.Contains(r.AdvisorIDs, reader.Subject) {
		return true
	}
	if Introduced(reader, r) {
		return true
	}
	if !slices.Contains(r.Chambers(), reader.Chamber) {
		return false
	}
	if r.Kind == request.KindDifficulty {
		return reader.Has(auth.RolePreventionCell)
	}
	return reader.Has(auth.RoleAdvisor) || reader.Has(auth.RoleManager)
}

// Introduced tells whether reader reads a takeover request through an
// introduction: an advisor (not a manager, who oversees but does not
// introduce anyone) of a chamber on the other side of a match the request
// was introduced through. Before the introduction nobody of the other side
// reads it; after, the introduction is not undone (the sides know each
// other), even if the match is dropped.
func Introduced(reader auth.Principal, r Request) bool {
	if r.Kind != request.KindTakeoverOffer && r.Kind != request.KindBuyerSearch {
		return false
	}
	return reader.Has(auth.RoleAdvisor) && reader.Chamber != "" && slices.Contains(r.IntroducedTo, reader.Chamber)
}

// ReadAuditLog tells whether reader may query the log of reads of their
// chamber's requests: its managers may.
func ReadAuditLog(reader auth.Principal) bool { return reader.Has(auth.RoleManager) }
