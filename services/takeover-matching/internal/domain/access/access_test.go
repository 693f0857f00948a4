package access

import (
	"testing"

	"github.com/ccicma/platform/pkg/auth"
)

var (
	cciAdvisor = auth.Principal{Subject: "cci-91-002", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}
	cmaAdvisor = auth.Principal{Subject: "cma-91-003", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	cciManager = auth.Principal{Subject: "cci-91-001", Chamber: "CCI", Roles: []auth.Role{auth.RoleManager}}
	cmaManager = auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleManager}}
	cciCell    = auth.Principal{Subject: "cci-91-009", Chamber: "CCI", Roles: []auth.Role{auth.RolePreventionCell}}
	cciAdmin   = auth.Principal{Subject: "cci-91-010", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdmin}}
	noChamber  = auth.Principal{Subject: "x", Roles: []auth.Role{auth.RoleAdvisor}}
	cmaOnly    = Owners{Chamber: "CMA"}
	cmaWithCCI = Owners{Chamber: "CMA", SecondaryChamber: "CCI"}
	cciOnly    = Owners{Chamber: "CCI"}
)

func TestConsults(t *testing.T) {
	for _, tt := range []struct {
		name   string
		reader auth.Principal
		want   bool
	}{
		{"advisor", cciAdvisor, true},
		{"manager", cmaManager, true},
		{"prevention cell", cciCell, false},
		{"admin", cciAdmin, false},
		{"no role", auth.Principal{Subject: "y", Chamber: "CCI"}, false},
	} {
		if got := Consults(tt.reader); got != tt.want {
			t.Errorf("%s: Consults = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDirect(t *testing.T) {
	tests := []struct {
		name   string
		reader auth.Principal
		owners Owners
		want   bool
	}{
		{"advisor of the lead chamber", cmaAdvisor, cmaOnly, true},
		{"advisor of the secondary chamber", cciAdvisor, cmaWithCCI, true},
		{"manager of the lead chamber", cmaManager, cmaOnly, true},
		{"manager of the secondary chamber", cciManager, cmaWithCCI, true},
		{"advisor of the other chamber, not shared", cciAdvisor, cmaOnly, false},
		{"manager of the other chamber, not shared", cciManager, cmaOnly, false},
		{"prevention cell of the chamber", cciCell, cciOnly, false},
		{"admin of the chamber", cciAdmin, cciOnly, false},
		{"token without chamber", noChamber, cmaOnly, false},
		{"token without chamber, secondary empty", noChamber, Owners{Chamber: "CMA"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Direct(tt.reader, tt.owners); got != tt.want {
				t.Fatalf("Direct = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOffer(t *testing.T) {
	proposed, introduced := Link{Owners: cciOnly}, Link{Owners: cciOnly, Introduced: true}
	tests := []struct {
		name    string
		reader  auth.Principal
		offer   Owners
		matched []Link
		want    View
	}{
		{"own chamber sees an offer whole", cmaAdvisor, cmaOnly, nil, Full},
		{"shared chamber sees it whole", cciAdvisor, cmaWithCCI, nil, Full},
		{"other chamber without match sees nothing", cciAdvisor, cmaOnly, nil, None},
		{"the buyer's side before the introduction: teaser", cciAdvisor, cmaOnly, []Link{proposed}, Teaser},
		{"the buyer's side's manager before the introduction: teaser", cciManager, cmaOnly, []Link{{Owners: cmaOnly}, proposed}, Teaser},
		{"the buyer's side once introduced: whole", cciAdvisor, cmaOnly, []Link{proposed, introduced}, Full},
		{"a match introduced with a search the reader does not see gives nothing", cciAdvisor, cmaOnly,
			[]Link{{Owners: cmaOnly, Introduced: true}}, None},
		{"prevention cell through an introduced match: nothing", cciCell, cmaOnly, []Link{introduced}, None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Offer(tt.reader, tt.offer, tt.matched); got != tt.want {
				t.Fatalf("Offer = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSearchRequest: the seller's side learns the buyer's request only
// from the introduction on; the search's own chamber always.
func TestSearchRequest(t *testing.T) {
	tests := []struct {
		name    string
		reader  auth.Principal
		matched []Link
		want    bool
	}{
		{"own chamber", cciAdvisor, nil, true},
		{"seller's side before the introduction", cmaAdvisor, []Link{{Owners: cmaOnly}}, false},
		{"seller's side once introduced", cmaAdvisor, []Link{{Owners: cmaOnly}, {Owners: cmaOnly, Introduced: true}}, true},
		{"an introduction with another chamber's offer", cmaAdvisor, []Link{{Owners: cciOnly, Introduced: true}}, false},
	}
	for _, tt := range tests {
		if got := SearchRequest(tt.reader, cciOnly, tt.matched); got != tt.want {
			t.Errorf("%s: SearchRequest = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSearchAndMatch(t *testing.T) {
	tests := []struct {
		name          string
		reader        auth.Principal
		search, offer Owners
		matched       bool
		wantSearch    bool
		wantMatch     bool
	}{
		{"own search, own offer", cciAdvisor, cciOnly, cciOnly, true, true, true},
		{"other chamber's search matched with own offer", cmaAdvisor, cciOnly, cmaOnly, true, true, true},
		{"other chamber's search, not matched", cmaAdvisor, cciOnly, cmaOnly, false, false, true},
		{"neither side", cmaAdvisor, cciOnly, cciOnly, true, false, false},
		{"shared search", cmaManager, Owners{Chamber: "CCI", SecondaryChamber: "CMA"}, cciOnly, false, true, true},
		{"prevention cell", cciCell, cciOnly, cciOnly, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var matched []Owners
			if tt.matched {
				matched = []Owners{tt.offer}
			}
			if got := Search(tt.reader, tt.search, matched); got != tt.wantSearch {
				t.Errorf("Search = %v, want %v", got, tt.wantSearch)
			}
			if got := Match(tt.reader, tt.offer, tt.search); got != tt.wantMatch {
				t.Errorf("Match = %v, want %v", got, tt.wantMatch)
			}
		})
	}
}

// On the marketplace a listing is whole for its own chambers, the teaser
// for any other advisor or manager, and nothing for the other roles.
func TestMarket(t *testing.T) {
	for _, tt := range []struct {
		name   string
		reader auth.Principal
		offer  Owners
		want   View
	}{
		{"own chamber", cmaAdvisor, cmaOnly, Full},
		{"sharing chamber", cciAdvisor, cmaWithCCI, Full},
		{"other chamber's advisor", cciAdvisor, cmaOnly, Teaser},
		{"other chamber's manager", cmaManager, cciOnly, Teaser},
		{"advisor of no chamber", noChamber, cmaOnly, Teaser},
		{"prevention cell", cciCell, cmaOnly, None},
		{"admin", cciAdmin, cciOnly, None},
	} {
		if got := Market(tt.reader, tt.offer); got != tt.want {
			t.Errorf("%s: Market = %v, want %v", tt.name, got, tt.want)
		}
	}
}
