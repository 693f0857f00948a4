package access

import "github.com/ccicma/platform/pkg/auth"

// Vets tells whether reader may vet an offer: its advisor, or a manager
// of a chamber that leads or shares it; any takeover advisor of those
// chambers while it has no advisor.
func Vets(reader auth.Principal, offer Owners, advisorID string) bool {
	if !Direct(reader, offer) {
		return false
	}
	return reader.Has(auth.RoleManager) || advisorID == "" || reader.Subject == advisorID
}

// Acts tells whether reader may change the status of an offer or a
// search, or renew a search: an advisor or a manager of a chamber that
// leads or shares it (Direct). A match alone gives no such right.
func Acts(reader auth.Principal, o Owners) bool { return Direct(reader, o) }
