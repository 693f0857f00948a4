// Package access holds advisor-desk's access rules: who, once
// authenticated, may see what. The rules are pure functions of the
// principal and the directory entry concerned; the HTTP port applies them
// and answers 403 when they say no. No I/O.
package access

import (
	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// NeedsOwner tells whether deciding if reader may read ownerID's
// notifications requires the owner's directory entry. When it does not,
// the answer is ReadNotifications(reader, ownerID, nil) without looking the
// owner up, so that an advisor learns nothing about other ids (not even
// whether they exist).
func NeedsOwner(reader auth.Principal, ownerID string) bool {
	return reader.Subject != ownerID && reader.Has(auth.RoleManager)
}

// ReadNotifications tells whether reader may read the notifications of the
// advisor ownerID (owner is that advisor's entry, or nil when NeedsOwner
// says it is not needed). An advisor reads their own; a manager also reads
// those of the advisors of their own chamber, never of the other chamber.
// Nobody else does, not even an advisor of the same chamber, nor an admin:
// notifications are an advisor's personal inbox.
func ReadNotifications(reader auth.Principal, ownerID string, owner *directory.Advisor) bool {
	if reader.Subject == ownerID {
		return true
	}
	return reader.Has(auth.RoleManager) && owner != nil && owner.AdvisorID == ownerID && owner.Chamber == reader.Chamber
}
