package request_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// contact is the applicant block of the tests of the other kinds.
func contact() request.ContactInput {
	return request.ContactInput{FirstName: "Marc", LastName: "Lefèvre", Email: "marc.lefevre@Exemple.FR", Phone: "01 23 45 67 89"}
}

// validOffer is a small bakery in Évry-Courcouronnes for sale, typed with
// spaces in the SIRET, the NAF without its dot and a repeated deal type.
func validOffer() request.TakeoverOfferInput {
	return request.TakeoverOfferInput{
		Contact: contact(),
		SIRET:   "443 061 841 00047", NAFCode: "1071C", Postcode: "91000", Headcount: 4,
		RevenueBand: "300k_1m", ProfitBand: "75k_150k", LegalForm: "SARL", CraftsRegistered: "no",
		AskingPrice: 280000, DealTypes: []string{"murs", "fonds", "murs"},
		Reason: "retirement", Timeline: "6m_12m", Confidential: true,
	}
}

func TestNewTakeoverOfferAcceptsAndNormalisesAValidOffer(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	o, err := request.NewTakeoverOffer(requestID, validOffer(), ref, router, now)
	if err != nil {
		t.Fatalf("NewTakeoverOffer: %v", err)
	}
	want := router.Route(routing.Input{NAFCode: "10.71C", Headcount: 4, Departement: "91", EPCI: "200059228"})
	checks := []struct {
		what      string
		got, want any
	}{
		{"id", o.ID, requestID},
		{"email", o.Applicant.Email, "marc.lefevre@exemple.fr"},
		{"phone", o.Applicant.Phone, "+33123456789"},
		{"SIRET", o.SIRET, "44306184100047"},
		{"NAF", o.NAFCode, "10.71C"},
		{"commune", o.Commune.Code, "91228"},
		{"headcount", o.Headcount, 4},
		{"deal types", strings.Join(o.DealTypes, ","), "fonds,murs"},
		{"reason details", o.ReasonDetails, ""},
		{"confidential", o.Confidential, true},
		{"submitted at", o.SubmittedAt, now.UTC()},
		{"routing", o.Routing, want},
		{"lead chamber", o.Routing.LeadChamber, events.ChamberCMA},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.what, ck.got, ck.want)
		}
	}
}

func TestNewTakeoverOfferReportsEachBadField(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name        string
		edit        func(*request.TakeoverOfferInput)
		field, code string
	}{
		{"first name missing", func(in *request.TakeoverOfferInput) { in.Contact.FirstName = "" }, "applicant.first_name", "required"},
		{"last name missing", func(in *request.TakeoverOfferInput) { in.Contact.LastName = " " }, "applicant.last_name", "required"},
		{"email malformed", func(in *request.TakeoverOfferInput) { in.Contact.Email = "marc@" }, "applicant.email", "format"},
		{"phone foreign", func(in *request.TakeoverOfferInput) { in.Contact.Phone = "+32 2 123 45 67" }, "applicant.phone", "format"},
		{"SIRET missing", func(in *request.TakeoverOfferInput) { in.SIRET = "" }, "business.siret", "required"},
		{"SIRET blank", func(in *request.TakeoverOfferInput) { in.SIRET = "   " }, "business.siret", "required"},
		{"SIRET a SIREN", func(in *request.TakeoverOfferInput) { in.SIRET = "443061841" }, "business.siret", "format"},
		{"SIRET check digit", func(in *request.TakeoverOfferInput) { in.SIRET = "44306184100048" }, "business.siret", "checksum"},
		{"NAF missing", func(in *request.TakeoverOfferInput) { in.NAFCode = "" }, "business.naf_code", "required"},
		{"NAF unknown", func(in *request.TakeoverOfferInput) { in.NAFCode = "99.99Z" }, "business.naf_code", "unknown"},
		{"NAF a class", func(in *request.TakeoverOfferInput) { in.NAFCode = "10.71" }, "business.naf_code", "unknown"},
		{"postcode missing", func(in *request.TakeoverOfferInput) { in.Postcode = "" }, "business.postcode", "format"},
		{"postcode unknown", func(in *request.TakeoverOfferInput) { in.Postcode = "99999" }, "business.postcode", "unknown"},
		{"postcode shared, no commune", func(in *request.TakeoverOfferInput) { in.Postcode = "91100" }, "business.commune_code", "ambiguous"},
		{"commune not of the postcode", func(in *request.TakeoverOfferInput) { in.CommuneCode = "91174" }, "business.commune_code", "mismatch"},
		{"headcount negative", func(in *request.TakeoverOfferInput) { in.Headcount = -1 }, "business.headcount", "range"},
		{"headcount too large", func(in *request.TakeoverOfferInput) { in.Headcount = request.MaxHeadcount + 1 }, "business.headcount", "range"},
		{"revenue band missing", func(in *request.TakeoverOfferInput) { in.RevenueBand = "" }, "business.revenue_band", "required"},
		{"revenue band unknown", func(in *request.TakeoverOfferInput) { in.RevenueBand = "lt_1m" }, "business.revenue_band", "invalid"},
		{"profit band missing", func(in *request.TakeoverOfferInput) { in.ProfitBand = "" }, "business.gross_operating_profit_band", "required"},
		{"profit band of the revenue scale", func(in *request.TakeoverOfferInput) { in.ProfitBand = "1m_3m" }, "business.gross_operating_profit_band", "invalid"},
		{"legal form missing", func(in *request.TakeoverOfferInput) { in.LegalForm = "" }, "business.legal_form", "required"},
		{"legal form not yet known", func(in *request.TakeoverOfferInput) { in.LegalForm = "NSP" }, "business.legal_form", "invalid"},
		{"crafts registration missing", func(in *request.TakeoverOfferInput) { in.CraftsRegistered = "" }, "business.crafts_registered", "required"},
		{"crafts registration unknown", func(in *request.TakeoverOfferInput) { in.CraftsRegistered = "maybe" }, "business.crafts_registered", "invalid"},
		{"asking price zero", func(in *request.TakeoverOfferInput) { in.AskingPrice = 0 }, "offer.asking_price", "range"},
		{"asking price negative", func(in *request.TakeoverOfferInput) { in.AskingPrice = -5 }, "offer.asking_price", "range"},
		{"asking price too high", func(in *request.TakeoverOfferInput) { in.AskingPrice = request.MaxAmount + 1 }, "offer.asking_price", "range"},
		{"deal types missing", func(in *request.TakeoverOfferInput) { in.DealTypes = nil }, "offer.deal_types", "required"},
		{"deal type unknown", func(in *request.TakeoverOfferInput) { in.DealTypes = []string{"fonds", "maison"} }, "offer.deal_types[1]", "invalid"},
		{"deal type in capitals", func(in *request.TakeoverOfferInput) { in.DealTypes = []string{"FONDS"} }, "offer.deal_types[0]", "invalid"},
		{"deal types flooded", func(in *request.TakeoverOfferInput) { in.DealTypes = slices.Repeat([]string{"fonds"}, 9) }, "offer.deal_types", "too_many"},
		{"reason missing", func(in *request.TakeoverOfferInput) { in.Reason = "" }, "offer.reason", "required"},
		{"reason unknown", func(in *request.TakeoverOfferInput) { in.Reason = "health" }, "offer.reason", "invalid"},
		{"other reason without details", func(in *request.TakeoverOfferInput) { in.Reason = "other" }, "offer.reason_details", "required"},
		{"details too long", func(in *request.TakeoverOfferInput) {
			in.ReasonDetails = strings.Repeat("a", request.MaxReasonDetailsLen+1)
		}, "offer.reason_details", "length"},
		{"details with control character", func(in *request.TakeoverOfferInput) { in.ReasonDetails = "a\x00b" }, "offer.reason_details", "format"},
		{"timeline missing", func(in *request.TakeoverOfferInput) { in.Timeline = "" }, "offer.timeline", "required"},
		{"timeline unknown", func(in *request.TakeoverOfferInput) { in.Timeline = "soon" }, "offer.timeline", "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := validOffer()
			tt.edit(&in)
			o, err := request.NewTakeoverOffer(requestID, in, ref, router, now)
			ps := problems(t, err)
			if len(ps) != 1 || ps[0].Field != tt.field || ps[0].Code != tt.code {
				t.Fatalf("problems = %v, want exactly %s (%s)", ps, tt.field, tt.code)
			}
			if ps[0].Message == "" {
				t.Errorf("problem %s has no message", tt.field)
			}
			if o.ID != "" {
				t.Errorf("an invalid offer came back with id %q", o.ID)
			}
		})
	}
}

func TestNewTakeoverOfferAcceptsLimits(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name string
		edit func(*request.TakeoverOfferInput)
	}{
		{"symbolic one euro", func(in *request.TakeoverOfferInput) { in.AskingPrice = 1 }},
		{"highest price", func(in *request.TakeoverOfferInput) { in.AskingPrice = request.MaxAmount }},
		{"other reason with details", func(in *request.TakeoverOfferInput) {
			in.Reason, in.ReasonDetails = "other", "Départ à l'étranger"
		}},
		{"details at the maximum", func(in *request.TakeoverOfferInput) {
			in.ReasonDetails = strings.Repeat("é", request.MaxReasonDetailsLen)
		}},
		{"no phone", func(in *request.TakeoverOfferInput) { in.Contact.Phone = "" }},
		{"no employee", func(in *request.TakeoverOfferInput) { in.Headcount = 0 }},
		{"every deal type", func(in *request.TakeoverOfferInput) { in.DealTypes = request.DealTypes.Codes() }},
		{"shared postcode with commune", func(in *request.TakeoverOfferInput) { in.Postcode, in.CommuneCode = "91100", "91174" }},
	}
	for _, cs := range []struct {
		field   string
		choices request.Choices
		set     func(*request.TakeoverOfferInput, string)
	}{
		{"revenue band", request.RevenueBands, func(in *request.TakeoverOfferInput, c string) { in.RevenueBand = c }},
		{"profit band", request.ProfitBands, func(in *request.TakeoverOfferInput, c string) { in.ProfitBand = c }},
		{"reason", request.SaleReasons, func(in *request.TakeoverOfferInput, c string) { in.Reason, in.ReasonDetails = c, "Précisions." }},
		{"timeline", request.Timelines, func(in *request.TakeoverOfferInput, c string) { in.Timeline = c }},
	} {
		for _, c := range cs.choices {
			tests = append(tests, struct {
				name string
				edit func(*request.TakeoverOfferInput)
			}{cs.field + " " + c.Code, func(in *request.TakeoverOfferInput) { cs.set(in, c.Code) }})
		}
	}
	for _, tt := range tests {
		in := validOffer()
		tt.edit(&in)
		if _, err := request.NewTakeoverOffer(requestID, in, ref, router, now); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// The reason notes the droit de suite when the fonds of an artisanal
// business with 11 to 99 employees is for sale: its buyer may register in
// the secteur des métiers.
// The routing table applies the droit de suite to a fonds for sale: its
// buyer may register at the CMA with 11 to 99 employees.
func TestNewTakeoverOfferRoutesTheDroitDeSuite(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name            string
		naf             string
		headcount       int
		deals           []string
		rule            string
		lead, secondary string
	}{
		{"bakery, 11 employees, fonds", "10.71C", 11, []string{"fonds"}, "takeover-offer-fonds-droit-de-suite", "CMA", "CCI"},
		{"bakery, 99 employees, fonds and premises", "10.71C", 99, []string{"fonds", "murs"}, "takeover-offer-fonds-droit-de-suite", "CMA", "CCI"},
		{"fishmonger (partly artisanal), 20 employees, fonds", "47.23Z", 20, []string{"fonds"}, "takeover-offer-fonds-droit-de-suite-partly", "CMA", "CCI"},
		{"bakery, 10 employees: artisanal anyway", "10.71C", 10, []string{"fonds"}, "artisanal-always-small", "CMA", ""},
		{"bakery, 100 employees: beyond the droit de suite", "10.71C", 100, []string{"fonds"}, "artisanal-always-large", "CCI", "CMA"},
		{"bakery, 14 employees, shares only", "10.71C", 14, []string{"titres"}, "artisanal-always-large", "CCI", "CMA"},
		{"supermarket, 14 employees, fonds", "47.11F", 14, []string{"fonds"}, "commercial", "CCI", ""},
	}
	for _, tt := range tests {
		in := validOffer()
		in.NAFCode, in.Headcount, in.DealTypes = tt.naf, tt.headcount, tt.deals
		o, err := request.NewTakeoverOffer(requestID, in, ref, router, now)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		r := o.Routing
		if r.RuleID != tt.rule || r.LeadChamber != tt.lead || r.SecondaryChamber != tt.secondary || r.EPCI != "200059228" {
			t.Errorf("%s: routing %+v, want %s/%s by %s with the EPCI", tt.name, r, tt.lead, tt.secondary, tt.rule)
		}
		if droit := strings.Contains(r.Reason, "11 à 99 salariés (droit de suite)"); droit != strings.HasPrefix(tt.rule, "takeover-offer-") {
			t.Errorf("%s: reason %q mentions the droit de suite: %v", tt.name, r.Reason, droit)
		}
	}
}

// An offer of a business registered in the secteur des métiers: the
// droit de suite keeps it with the CMA below 250 employees even when only
// its shares are sold, and the reason says so; the offer keeps its legal
// form and registration.
func TestNewTakeoverOfferOfARegisteredBusiness(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	in := validOffer()
	in.Headcount, in.DealTypes, in.CraftsRegistered, in.LegalForm = 120, []string{"titres"}, "yes", "SAS"
	o, err := request.NewTakeoverOffer(requestID, in, ref, router, now)
	if err != nil {
		t.Fatal(err)
	}
	if r := o.Routing; r.LeadChamber != "CMA" || r.SecondaryChamber != "CCI" || !strings.Contains(r.Reason, "droit de suite") {
		t.Fatalf("routing %+v, want the CMA by the droit de suite", r)
	}
	if !o.CraftsRegistered || o.LegalForm != "SAS" {
		t.Fatalf("offer %+v lost its registration or legal form", o)
	}
	in.CraftsRegistered = "no"
	if o, err = request.NewTakeoverOffer(requestID, in, ref, router, now); err != nil || o.Routing.LeadChamber != "CCI" {
		t.Fatalf("the same business, not registered: %+v (%v), want the CCI", o.Routing, err)
	}
}

// A confidential offer is an anonymous teaser: its event names neither the
// SIRET nor the commune. Neither kind of offer carries personal data.
func TestTakeoverOfferSubmitted(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	for _, confidential := range []bool{true, false} {
		in := validOffer()
		in.Confidential = confidential
		in.Reason, in.ReasonDetails = "other", "Je pars rejoindre ma fille à Lyon."
		o, err := request.NewTakeoverOffer(requestID, in, ref, router, now)
		if err != nil {
			t.Fatal(err)
		}
		sub := o.Submitted()
		want := events.TakeoverOfferSubmitted{
			RequestID: requestID, NAFCode: "10.71C", NAFVersion: refdata.NAFVersion, Departement: "91",
			Headcount: 4, RevenueBand: "300k_1m", GrossOperatingProfitBand: "75k_150k", AskingPrice: 280000,
			DealTypes: []string{"fonds", "murs"}, Reason: "other", Timeline: "6m_12m", Confidential: confidential,
			Routing: o.Routing, SubmittedAt: now.UTC(),
		}
		if confidential {
			want.Routing.EPCI = ""
		} else {
			want.SIRET, want.CommuneCode = "44306184100047", "91228"
		}
		got, _ := json.Marshal(sub)
		wantJSON, _ := json.Marshal(want)
		if string(got) != string(wantJSON) {
			t.Errorf("confidential %v: Submitted() =\n %s\nwant\n %s", confidential, got, wantJSON)
		}
		if err := sub.Validate(); err != nil {
			t.Errorf("confidential %v: Submitted() breaks the event contract: %v", confidential, err)
		}
		// A confidential offer names neither its commune nor its EPCI, which
		// with the activity and bands could point to the business; intake
		// keeps the EPCI in its own decision.
		if wantEPCI := map[bool]string{false: "200059228", true: ""}[confidential]; sub.Routing.EPCI != wantEPCI {
			t.Errorf("confidential %v: routing EPCI %q, want %q", confidential, sub.Routing.EPCI, wantEPCI)
		}
		if o.Routing.EPCI != "200059228" {
			t.Errorf("confidential %v: intake's own decision lost the EPCI: %q", confidential, o.Routing.EPCI)
		}
		personal := []string{"Marc", "Lefèvre", "marc.lefevre", "xemple", "+33123456789", "01 23 45 67 89", "Lyon"}
		if confidential {
			personal = append(personal, "44306184100047", "443061841", "91228", "Évry", "Courcouronnes", "91000")
		}
		for _, s := range personal {
			if strings.Contains(string(got), s) {
				t.Errorf("confidential %v: event payload contains %q: %s", confidential, s, got)
			}
		}
	}
}
