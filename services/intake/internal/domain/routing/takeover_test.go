package routing_test

import (
	"strings"
	"testing"

	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// Takeover offers: the droit de suite of a fonds for sale (11 to 99
// employees) is a rule of the table, for each artisanal family; below and
// above it, and for shares, the general rules apply.
func TestRouteTakeoverOffers(t *testing.T) {
	t.Parallel()
	router := routing.Router{Ref: loadRef(t), Departements: []string{"91"}}
	const (
		droit       = "takeover-offer-fonds-droit-de-suite"
		droitPartly = "takeover-offer-fonds-droit-de-suite-partly"
	)
	tests := []struct {
		naf       string
		headcount int
		fonds     bool
		rule      string
		lead, sec string
	}{
		{"10.71C", 11, true, droit, cma, cci},                     // boulangerie (alimentation)
		{"10.13B", 50, true, droit, cma, cci},                     // charcuterie (alimentation)
		{"43.22A", 99, true, droit, cma, cci},                     // plomberie (bâtiment)
		{"43.32A", 30, true, droit, cma, cci},                     // menuiserie (bâtiment)
		{"96.02A", 12, true, droit, cma, cci},                     // coiffure (services)
		{"45.20A", 40, true, droit, cma, cci},                     // réparation automobile (services)
		{"16.23Z", 25, true, droit, cma, cci},                     // charpentes et menuiseries (fabrication)
		{"47.23Z", 20, true, droitPartly, cma, cci},               // poissonnerie (partly)
		{"10.71C", 10, true, "artisanal-always-small", cma, ""},   // below the threshold anyway
		{"43.22A", 100, true, "artisanal-always-large", cci, cma}, // beyond the droit de suite at takeover
		{"96.02A", 12, false, "artisanal-always-large", cci, cma}, // shares: no fonds changes hands
		{"47.11F", 30, true, "commercial", cci, ""},               // supermarché
		{"56.10A", 5, true, "artisanal-partly", cma, cci},         // restauration traditionnelle, small
		{"69.10Z", 15, true, "liberal-profession", "", ""},        // avocats
		{"", 15, true, "naf-unknown", cci, cma},                   // NAF unknown
		{"47.23Z", 120, true, "artisanal-partly-large", cci, cma}, // partly, too large
		{"10.71C", 11, false, "artisanal-always-large", cci, cma}, // titres
		{"43.22A", 11, true, droit, cma, cci},                     // threshold exactly
		{"45.20A", 9, false, "artisanal-always-small", cma, ""},   // small garage
		{"46.39B", 20, true, "commercial", cci, ""},               // commerce de gros
	}
	for _, tt := range tests {
		d := router.Decide(routing.Input{Request: routing.RequestTakeoverOffer, NAFCode: tt.naf, Headcount: tt.headcount,
			Departement: "91", EPCI: "200059228", TakeoverOfArtisanFonds: tt.fonds})
		r := d.Routing
		if r.RuleID != tt.rule || r.LeadChamber != tt.lead || r.SecondaryChamber != tt.sec {
			t.Errorf("%s, %d employees, fonds %v: %s %s/%s; want %s %s/%s", tt.naf, tt.headcount, tt.fonds,
				r.RuleID, r.LeadChamber, r.SecondaryChamber, tt.rule, tt.lead, tt.sec)
		}
		if r.EPCI != "200059228" || r.Reason == "" || r.RulesVersion == "" || d.Input.Request != routing.RequestTakeoverOffer {
			t.Errorf("%s: decision %+v lacks its EPCI, reason, version or input", tt.naf, d)
		}
		if strings.HasPrefix(tt.rule, "takeover-offer-") && !strings.Contains(r.Reason, "droit de suite") {
			t.Errorf("%s: reason %q does not name the droit de suite", tt.naf, r.Reason)
		}
	}
	// A creation of the same business is no takeover: the offer rules
	// never fire for other kinds of request.
	r := router.Route(routing.Input{Request: routing.RequestCreation, NAFCode: "10.71C", Headcount: 20, Departement: "91", TakeoverOfArtisanFonds: true})
	if r.RuleID != "artisanal-always-takeover" {
		t.Errorf("creation taking over a fonds: %s, want artisanal-always-takeover", r.RuleID)
	}
}

// Buyer searches: the table decides from the chambers the sectors
// involve, for the smallest business sought.
func TestRouteBuyerSearches(t *testing.T) {
	t.Parallel()
	router := routing.Router{Ref: loadRef(t), Departements: []string{"91"}}
	tests := []struct {
		name      string
		sectors   []string
		headcount int
		fonds     bool
		rule      string
		lead, sec string
	}{
		{"bakery and hairdresser", []string{"10.71C", "96.02A"}, 0, true, "search-artisanal", cma, ""},
		{"plumbing and electricity (bâtiment)", []string{"43.22A", "43.21A"}, 5, false, "search-artisanal", cma, ""},
		{"supermarket and wholesale", []string{"47.11F", "46"}, 0, true, "search-commercial", cci, ""},
		{"bakery then supermarket", []string{"10.71C", "47.11F"}, 0, true, "search-mixed-cma-first", cma, cci},
		{"supermarket then bakery", []string{"47.11F", "10.71C"}, 3, true, "search-mixed-cci-first", cci, cma},
		{"food retail group", []string{"47.2"}, 0, false, "search-mixed-cci-first", cci, cma},
		{"bakery, 12 employees, fonds: droit de suite", []string{"10.71C"}, 12, true, "search-mixed-cma-first", cma, cci},
		{"bakery, 12 employees, shares", []string{"10.71C"}, 12, false, "search-mixed-cci-first", cci, cma},
		{"bakery, 150 employees, fonds: beyond", []string{"10.71C"}, 150, true, "search-mixed-cci-first", cci, cma},
		{"law firms", []string{"69.10Z"}, 0, false, "search-no-chamber", "", ""},
		{"farming division", []string{"01.1"}, 0, false, "search-no-chamber", "", ""},
		{"law firm and supermarket", []string{"69.10Z", "47.11F"}, 0, false, "search-commercial", cci, ""},
	}
	for _, tt := range tests {
		d := router.Decide(routing.Input{Request: routing.RequestBuyerSearch, Sectors: tt.sectors, Headcount: tt.headcount,
			Departement: "91", EPCI: "200059228", TakeoverOfArtisanFonds: tt.fonds})
		r := d.Routing
		if r.RuleID != tt.rule || r.LeadChamber != tt.lead || r.SecondaryChamber != tt.sec {
			t.Errorf("%s: %s %s/%s; want %s %s/%s", tt.name, r.RuleID, r.LeadChamber, r.SecondaryChamber, tt.rule, tt.lead, tt.sec)
		}
		if !strings.Contains(r.Reason, tt.sectors[0]) || r.EPCI != "200059228" || !strings.HasPrefix(r.RulesVersion, "2026.") {
			t.Errorf("%s: %+v, want the sectors in the reason, the EPCI and the version", tt.name, r)
		}
		if tt.lead == "" && !strings.Contains(r.Reason, "adressez-vous") {
			t.Errorf("%s: reason %q does not say where to turn", tt.name, r.Reason)
		}
	}
	// Out of the served territory: flagged, like any request.
	r := router.Route(routing.Input{Request: routing.RequestBuyerSearch, Sectors: []string{"10.71C"}, Departement: "75"})
	if !r.OutOfTerritory || r.RuleID != "search-artisanal" {
		t.Errorf("search in Paris: %+v, want search-artisanal flagged out of territory", r)
	}
}

// A takeover offer of a business already registered in the secteur des
// métiers: the droit de suite keeps an artisanal business with the CMA
// below 250 employees whatever is sold (shares too), and says so; a
// business that is not artisanal is not changed by the registration.
func TestRouteRegisteredTakeoverOffers(t *testing.T) {
	t.Parallel()
	router := routing.Router{Ref: loadRef(t), Departements: []string{"91"}}
	tests := []struct {
		naf       string
		headcount int
		fonds     bool
		rule      string
		lead, sec string
	}{
		{"10.71C", 100, false, "artisanal-always-droit-de-suite", cma, cci}, // shares of a registered bakery
		{"43.22A", 249, true, "artisanal-always-droit-de-suite", cma, cci},  // registered plumbing, fonds
		{"43.22A", 250, false, "artisanal-always-large", cci, cma},          // 250: no droit de suite
		{"47.23Z", 120, false, "artisanal-partly-droit-de-suite", cma, cci}, // partly artisanal
		{"96.02A", 5, false, "artisanal-always-small", cma, ""},             // small: artisanal anyway
		{"47.11F", 30, false, "commercial", cci, ""},                        // not artisanal
	}
	for _, tt := range tests {
		d := router.Decide(routing.Input{Request: routing.RequestTakeoverOffer, NAFCode: tt.naf, Headcount: tt.headcount,
			Departement: "91", EPCI: "200059228", AlreadyRegistered: true, TakeoverOfArtisanFonds: tt.fonds})
		r := d.Routing
		if r.RuleID != tt.rule || r.LeadChamber != tt.lead || r.SecondaryChamber != tt.sec {
			t.Errorf("registered %s, %d employees, fonds %v: %s %s/%s; want %s %s/%s", tt.naf, tt.headcount, tt.fonds,
				r.RuleID, r.LeadChamber, r.SecondaryChamber, tt.rule, tt.lead, tt.sec)
		}
		if strings.HasSuffix(tt.rule, "-droit-de-suite") && !strings.Contains(r.Reason, "droit de suite") {
			t.Errorf("registered %s: reason %q does not name the droit de suite", tt.naf, r.Reason)
		}
	}
}
