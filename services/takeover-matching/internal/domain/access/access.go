// Package access holds takeover-matching's access rules: who, once
// authenticated, may see which offer, search or match, and how much of it.
// The rules are pure functions of the principal and the owners concerned;
// the read use cases apply them (the HTTP port answers 403 when they say
// no). No I/O.
package access

import (
	"slices"

	"github.com/ccicma/platform/pkg/auth"
)

// Owners are the chambers an offer or a search belongs to: the lead
// chamber owns it, the secondary chamber (if any) shares it.
type Owners struct {
	Chamber          string
	SecondaryChamber string
}

// View is how much of an offer a reader may see.
type View int

// Views, from nothing to everything.
const (
	// None: the reader may not see it (403).
	None View = iota
	// Teaser: the anonymous teaser of a confidential offer (activity,
	// département, bands), as the other side of a match sees it.
	Teaser
	// Full: every field the service holds.
	Full
)

// Consults tells whether reader holds a role that sees takeover files at
// all: an advisor or a manager. Other roles (the prevention cell, admins)
// see none, and are told so before anything is looked up.
func Consults(reader auth.Principal) bool {
	return reader.Has(auth.RoleAdvisor) || reader.Has(auth.RoleManager)
}

// Direct tells whether reader sees an offer or a search on its own: an
// advisor or a manager (Consults) whose chamber leads it or shares it.
func Direct(reader auth.Principal, o Owners) bool {
	if !Consults(reader) {
		return false
	}
	return reader.Chamber != "" && (reader.Chamber == o.Chamber || reader.Chamber == o.SecondaryChamber)
}

// Offer says how much of an offer reader sees. matchedSearches are the
// owners of the searches matched with it: a reader who sees one of them
// directly sees the offer through the match, whole if it is public, as a
// teaser if it is confidential.
func Offer(reader auth.Principal, offer Owners, confidential bool, matchedSearches []Owners) View {
	if Direct(reader, offer) {
		return Full
	}
	if !slices.ContainsFunc(matchedSearches, func(s Owners) bool { return Direct(reader, s) }) {
		return None
	}
	if confidential {
		return Teaser
	}
	return Full
}

// Search tells whether reader sees a search: directly, or through a match
// with an offer they see directly. A search holds no personal data (bands
// and codes only), so there is no teaser of it.
func Search(reader auth.Principal, search Owners, matchedOffers []Owners) bool {
	return Direct(reader, search) || slices.ContainsFunc(matchedOffers, func(o Owners) bool { return Direct(reader, o) })
}

// Match tells whether reader sees a match: they see one of its sides directly.
func Match(reader auth.Principal, offer, search Owners) bool {
	return Direct(reader, offer) || Direct(reader, search)
}
