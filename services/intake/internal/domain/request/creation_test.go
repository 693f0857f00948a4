package request_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

const requestID = "01920000-0000-7000-8000-000000000001"

var now = time.Date(2026, 5, 4, 10, 30, 0, 0, time.FixedZone("CEST", 2*3600))

func setup(t *testing.T) (*refdata.Data, routing.Router) {
	t.Helper()
	ref, err := refdata.Load()
	if err != nil {
		t.Fatalf("load reference data: %v", err)
	}
	return ref, routing.Router{Ref: ref, Departements: []string{"91"}}
}

// valid is a bakery project in Évry-Courcouronnes, typed the way people
// type: NAF without its dot, spaces in the phone number and the SIRET,
// capitals in the e-mail domain.
func valid() request.CreationInput {
	return request.CreationInput{
		FirstName: " Inès ", LastName: "Moreau", Email: "ines.moreau@Exemple.FR", Phone: "06 12 34 56 78",
		Description: "Ouverture d'une boulangerie-pâtisserie artisanale au centre-ville.",
		NAFCode:     "1071C", LegalForm: "SARL", Postcode: "91000",
		PlannedStart: "2027-03-01", PlannedHeadcount: 3, SIRET: "732 829 320 00074",
	}
}

func TestNewCreationAcceptsAndNormalisesAValidRequest(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	c, err := request.NewCreation(requestID, valid(), ref, router, now)
	if err != nil {
		t.Fatalf("NewCreation: %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"id", c.ID, requestID},
		{"first name", c.Applicant.FirstName, "Inès"},
		{"last name", c.Applicant.LastName, "Moreau"},
		{"email", c.Applicant.Email, "ines.moreau@exemple.fr"},
		{"phone", c.Applicant.Phone, "+33612345678"},
		{"NAF", c.NAFCode, "10.71C"},
		{"legal form", c.LegalForm, "SARL"},
		{"commune code", c.Commune.Code, "91228"},
		{"commune name", c.Commune.Name, "Évry-Courcouronnes"},
		{"département", c.Commune.Departement, "91"},
		{"SIRET", c.SIRET, "73282932000074"},
		{"headcount", c.PlannedHeadcount, 3},
		{"submitted at", c.SubmittedAt, now.UTC()},
		{"submitted at location", c.SubmittedAt.Location(), time.UTC},
		{"lead chamber", c.Routing.LeadChamber, events.ChamberCMA},
		{"rule", c.Routing.RuleID, "artisanal-always-small"},
		{"out of territory", c.Routing.OutOfTerritory, false},
		{"EPCI", c.Routing.EPCI, "200059228"}, // Grand Paris Sud, Évry-Courcouronnes's
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.what, ck.got, ck.want)
		}
	}
	if c.PlannedStart == nil || !c.PlannedStart.Equal(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("planned start = %v, want 2027-03-01", c.PlannedStart)
	}
}

func TestNewCreationResolvesTheCommune(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name, postcode, commune string
		wantCode, wantDept      string
		outOfTerritory          bool
	}{
		{"single commune", "91000", "", "91228", "91", false},
		{"single commune, code given", "91000", "91228", "91228", "91", false},
		{"shared postcode, Corbeil-Essonnes", "91100", "91174", "91174", "91", false},
		{"shared postcode, Villabé", "91100", "91659", "91659", "91", false},
		{"Paris, out of territory", "75001", "", "75056", "75", true},
	}
	for _, tt := range tests {
		in := valid()
		in.Postcode, in.CommuneCode = tt.postcode, tt.commune
		c, err := request.NewCreation(requestID, in, ref, router, now)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if c.Commune.Code != tt.wantCode || c.Commune.Departement != tt.wantDept || c.Routing.OutOfTerritory != tt.outOfTerritory {
			t.Errorf("%s: commune %s (%s), out of territory %v; want %s (%s), %v", tt.name,
				c.Commune.Code, c.Commune.Departement, c.Routing.OutOfTerritory, tt.wantCode, tt.wantDept, tt.outOfTerritory)
		}
	}
}

func TestNewCreationAcceptsOptionalFieldsLeftEmpty(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	in := valid()
	in.Phone, in.NAFCode, in.LegalForm, in.PlannedStart, in.SIRET, in.PlannedHeadcount = "", "", "", "", "", 0
	c, err := request.NewCreation(requestID, in, ref, router, now)
	if err != nil {
		t.Fatalf("NewCreation: %v", err)
	}
	if c.NAFCode != "" || c.PlannedStart != nil || c.SIRET != "" || c.Applicant.Phone != "" {
		t.Errorf("empty optional fields came back as %+v", c)
	}
	if c.Routing.RuleID != "naf-unknown" {
		t.Errorf("rule = %q, want naf-unknown", c.Routing.RuleID)
	}
	sub := c.Submitted()
	if sub.NAFVersion != "" || sub.HasSIRET {
		t.Errorf("Submitted() = %+v: want no NAF version and HasSIRET false", sub)
	}
}

func TestNewCreationReportsEachBadField(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name        string
		edit        func(*request.CreationInput)
		field, code string
	}{
		{"first name missing", func(in *request.CreationInput) { in.FirstName = "  " }, "applicant.first_name", "required"},
		{"first name too long", func(in *request.CreationInput) { in.FirstName = strings.Repeat("é", 101) }, "applicant.first_name", "required"},
		{"last name missing", func(in *request.CreationInput) { in.LastName = "" }, "applicant.last_name", "required"},
		{"last name with control character", func(in *request.CreationInput) { in.LastName = "Mo\x00reau" }, "applicant.last_name", "required"},
		{"email missing", func(in *request.CreationInput) { in.Email = "" }, "applicant.email", "format"},
		{"email malformed", func(in *request.CreationInput) { in.Email = "ines.moreau@exemple" }, "applicant.email", "format"},
		{"email with display name", func(in *request.CreationInput) { in.Email = "Inès <ines@exemple.fr>" }, "applicant.email", "format"},
		{"phone foreign", func(in *request.CreationInput) { in.Phone = "+32 2 123 45 67" }, "applicant.phone", "format"},
		{"phone too short", func(in *request.CreationInput) { in.Phone = "06 12 34 56" }, "applicant.phone", "format"},
		{"description too short", func(in *request.CreationInput) { in.Description = "Pain" }, "project.description", "length"},
		{"description empty", func(in *request.CreationInput) { in.Description = "" }, "project.description", "length"},
		{"description too long", func(in *request.CreationInput) { in.Description = strings.Repeat("a", request.MaxDescriptionLen+1) }, "project.description", "length"},
		{"NAF unknown", func(in *request.CreationInput) { in.NAFCode = "99.99Z" }, "project.naf_code", "unknown"},
		{"NAF a class, not a sub-class", func(in *request.CreationInput) { in.NAFCode = "10.71" }, "project.naf_code", "unknown"},
		{"NAF garbage", func(in *request.CreationInput) { in.NAFCode = "boulangerie" }, "project.naf_code", "unknown"},
		{"legal form unknown", func(in *request.CreationInput) { in.LegalForm = "LLC" }, "project.legal_form", "invalid"},
		{"legal form lower case", func(in *request.CreationInput) { in.LegalForm = "sarl" }, "project.legal_form", "invalid"},
		{"postcode missing", func(in *request.CreationInput) { in.Postcode = "" }, "project.postcode", "format"},
		{"postcode four digits", func(in *request.CreationInput) { in.Postcode = "9100" }, "project.postcode", "format"},
		{"postcode with letters", func(in *request.CreationInput) { in.Postcode = "2A004" }, "project.postcode", "format"},
		{"postcode unknown", func(in *request.CreationInput) { in.Postcode = "99999" }, "project.postcode", "unknown"},
		{"postcode shared, no commune", func(in *request.CreationInput) { in.Postcode = "91100" }, "project.commune_code", "ambiguous"},
		{"commune not of the postcode", func(in *request.CreationInput) { in.CommuneCode = "91174" }, "project.commune_code", "mismatch"},
		{"commune unknown", func(in *request.CreationInput) { in.CommuneCode = "00000" }, "project.commune_code", "mismatch"},
		{"planned start French format", func(in *request.CreationInput) { in.PlannedStart = "01/03/2027" }, "project.planned_start", "format"},
		{"planned start impossible date", func(in *request.CreationInput) { in.PlannedStart = "2027-02-30" }, "project.planned_start", "format"},
		{"headcount negative", func(in *request.CreationInput) { in.PlannedHeadcount = -1 }, "project.planned_headcount", "range"},
		{"headcount too large", func(in *request.CreationInput) { in.PlannedHeadcount = request.MaxHeadcount + 1 }, "project.planned_headcount", "range"},
		{"SIRET too short", func(in *request.CreationInput) { in.SIRET = "732 829 320" }, "project.siret", "format"},
		{"SIRET with letters", func(in *request.CreationInput) { in.SIRET = "7328293200007A" }, "project.siret", "format"},
		{"SIRET check digit", func(in *request.CreationInput) { in.SIRET = "73282932000075" }, "project.siret", "checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := valid()
			tt.edit(&in)
			c, err := request.NewCreation(requestID, in, ref, router, now)
			ps := problems(t, err)
			if len(ps) != 1 || ps[0].Field != tt.field || ps[0].Code != tt.code {
				t.Fatalf("problems = %v, want exactly %s (%s)", ps, tt.field, tt.code)
			}
			if ps[0].Message == "" {
				t.Errorf("problem %s has no message", tt.field)
			}
			if c.ID != "" {
				t.Errorf("an invalid request came back with id %q", c.ID)
			}
		})
	}
}

// The edges of the ranges are accepted.
func TestNewCreationAcceptsLimits(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name string
		edit func(*request.CreationInput)
	}{
		{"description of 10 characters", func(in *request.CreationInput) { in.Description = "Boulangers" }},
		{"description at the maximum", func(in *request.CreationInput) { in.Description = strings.Repeat("é", request.MaxDescriptionLen) }},
		{"name at the maximum", func(in *request.CreationInput) { in.LastName = strings.Repeat("é", request.MaxNameLen) }},
		{"headcount at the maximum", func(in *request.CreationInput) { in.PlannedHeadcount = request.MaxHeadcount }},
		{"NAF with dot, lower case", func(in *request.CreationInput) { in.NAFCode = "10.71c" }},
		{"La Poste establishment SIRET", func(in *request.CreationInput) { in.SIRET = "35600000010000" }},
	}
	for form := range request.LegalForms {
		tests = append(tests, struct {
			name string
			edit func(*request.CreationInput)
		}{"legal form " + form, func(in *request.CreationInput) { in.LegalForm = form }})
	}
	for _, tt := range tests {
		in := valid()
		tt.edit(&in)
		if _, err := request.NewCreation(requestID, in, ref, router, now); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestNewCreationReportsEveryBadFieldAtOnce(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	in := request.CreationInput{
		FirstName: "", LastName: "Moreau", Email: "ines@", Phone: "12",
		Description: "court", NAFCode: "00.00A", LegalForm: "GIE", Postcode: "91100",
		PlannedStart: "demain", PlannedHeadcount: -3, SIRET: "73282932000075",
	}
	_, err := request.NewCreation(requestID, in, ref, router, now)
	ps := problems(t, err)
	want := []string{
		"applicant.first_name (required)", "applicant.email (format)", "applicant.phone (format)",
		"project.description (length)", "project.naf_code (unknown)", "project.legal_form (invalid)",
		"project.commune_code (ambiguous)", "project.planned_start (format)", "project.planned_headcount (range)",
		"project.siret (checksum)",
	}
	got := make([]string, len(ps))
	for i, p := range ps {
		got[i] = p.Field + " (" + p.Code + ")"
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("problems:\n got  %v\n want %v", got, want)
	}
	// Messages never quote what was typed: it may be personal data.
	for _, p := range ps {
		for _, typed := range []string{"ines@", "73282932000075", "demain", "GIE"} {
			if strings.Contains(p.Message, typed) {
				t.Errorf("message of %s quotes the input %q: %s", p.Field, typed, p.Message)
			}
		}
	}
}

// problems extracts the Problems of a validation error.
func problems(t *testing.T, err error) request.Problems {
	t.Helper()
	if err == nil {
		t.Fatal("NewCreation accepted an invalid request")
	}
	if !errors.Is(err, request.ErrInvalid) {
		t.Fatalf("error %v does not wrap ErrInvalid", err)
	}
	var ps request.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v carries no Problems", err)
	}
	return ps
}

func TestSubmittedCarriesNoPersonalData(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	in := valid()
	c, err := request.NewCreation(requestID, in, ref, router, now)
	if err != nil {
		t.Fatal(err)
	}
	sub := c.Submitted()
	want := events.CreationSubmitted{
		RequestID: requestID, NAFCode: "10.71C", NAFVersion: refdata.NAFVersion, CommuneCode: "91228", Departement: "91",
		LegalForm: "SARL", PlannedHeadcount: 3, HasSIRET: true, Routing: c.Routing, SubmittedAt: now.UTC(),
	}
	if sub != want {
		t.Errorf("Submitted() = %+v\nwant %+v", sub, want)
	}
	if err := sub.Validate(); err != nil {
		t.Errorf("Submitted() breaks the event contract: %v", err)
	}
	data, err := json.Marshal(sub)
	if err != nil {
		t.Fatal(err)
	}
	personal := []string{
		"Inès", "Moreau", "ines.moreau", "exemple.fr", "Exemple.FR",
		"06 12 34 56 78", "0612345678", "612345678", "73282932000074", "boulangerie-pâtisserie",
	}
	for _, s := range personal {
		if strings.Contains(string(data), s) {
			t.Errorf("event payload contains %q: %s", s, data)
		}
	}
}
