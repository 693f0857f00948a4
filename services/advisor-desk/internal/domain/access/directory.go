package access

import "github.com/ccicma/platform/pkg/auth"

// ManageDirectory tells whether p may read and change the advisor
// directory (entries, names and e-mails included) and import it: admins
// only. Managers do not: the directory holds both chambers' staff.
func ManageDirectory(p auth.Principal) bool { return p.Has(auth.RoleAdmin) }

// SetAbsence tells whether p may record or clear the absence of the
// advisor advisorID: an admin, or the advisor themself (self-service, so
// that an advisor going on leave stops receiving new cases without asking
// anyone). Nobody else, not even a manager of the same chamber: an absence
// set by a third party would silently stop an advisor's cases, so it goes
// through an admin. The rule needs no directory entry, so a refusal tells
// nothing about whether advisorID exists.
func SetAbsence(p auth.Principal, advisorID string) bool {
	return p.Has(auth.RoleAdmin) || p.Subject == advisorID
}
