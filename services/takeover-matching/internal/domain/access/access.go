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
	// Teaser: the anonymous teaser of an offer (activity, département,
	// bands), as the buyer's side of a match sees it before the
	// introduction.
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

// Link is a match as the access rules look at it: the owners of its
// other side and whether its sides were introduced to each other
// (takeover.Introduction.Introduced).
type Link struct {
	Owners     Owners
	Introduced bool
}

// Offer says how much of an offer reader sees. matched are its matches,
// each with the owners of its search: a reader who sees one of those
// searches directly is on the buyer's side, and sees the offer through the
// match as the anonymous teaser until the sides are introduced, whole
// after, whether or not the seller asked for confidentiality: before the
// introduction no identifying field of the seller (SIRET, commune,
// request, free text) reaches the buyer's side.
func Offer(reader auth.Principal, offer Owners, matched []Link) View {
	if Direct(reader, offer) {
		return Full
	}
	v := None
	for _, l := range matched {
		if !Direct(reader, l.Owners) {
			continue
		}
		if l.Introduced {
			return Full
		}
		v = Teaser
	}
	return v
}

// SearchRequest tells whether reader may know a search's intake request
// (which intake serves the buyer's contact details from): directly, or
// through a match with an offer they see directly once the sides were
// introduced. matched are the search's matches with their offers' owners.
func SearchRequest(reader auth.Principal, search Owners, matched []Link) bool {
	return Direct(reader, search) || slices.ContainsFunc(matched, func(l Link) bool { return l.Introduced && Direct(reader, l.Owners) })
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

// Market says how much of a published listing reader sees on the
// marketplace, where the advisors of both chambers look for their
// buyers: whole for its own chambers, the anonymous teaser the seller
// accepted for any other advisor or manager (even one whose buyer was
// introduced: the offer's page then shows the rest), nothing for a role
// that sees no takeover file.
func Market(reader auth.Principal, offer Owners) View {
	switch {
	case Direct(reader, offer):
		return Full
	case Consults(reader):
		return Teaser
	}
	return None
}
