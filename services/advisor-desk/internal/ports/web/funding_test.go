package web

import (
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// The form lists the recorded requests and a blank row while more fit.
func TestFundingRowsOf(t *testing.T) {
	rows := fundingRowsOf([]peers.FundingRequest{{Partner: "Adie", Asked: 5000, Decision: "granted", Granted: 4000},
		{Partner: "Banque", Asked: 20000, Decision: "pending"}})
	if len(rows) != 3 || rows[0].Granted.Value != "4000" || rows[1].Granted.Value != "" || rows[1].Asked.ID != "financement-1-demande" ||
		!rows[2].New || rows[2].Decision.Value != "pending" || rows[2].Partner.ID != "financement-2-partenaire" || rows[0].New {
		t.Errorf("rows: %+v", rows)
	}
	full := make([]peers.FundingRequest, 20)
	if rows := fundingRowsOf(full); len(rows) != 20 || rows[19].New {
		t.Errorf("with 20 requests recorded: %d rows, the last new: %v", len(rows), rows[len(rows)-1].New)
	}
}

// A form's rows become the requests sent: the blank row and the rows
// withdrawn are left out, amounts read as typed, and creation-support's
// names of the requests sent point to the rows they came from.
func TestApplyFunding(t *testing.T) {
	form := url.Values{
		"financement-0-partenaire": {"Initiative Essonne"}, "financement-0-demande": {"8000"}, "financement-0-decision": {"pending"},
		"financement-0-accorde": {""}, "financement-0-retirer": {"oui"},
		"financement-1-partenaire": {" Adie "}, "financement-1-demande": {"5 000 €"}, "financement-1-decision": {"granted"},
		"financement-1-accorde":    {"4\u202f000"},
		"financement-2-partenaire": {""}, "financement-2-demande": {""}, "financement-2-decision": {"pending"}, "financement-2-accorde": {""},
	}
	f := peers.Facts{Funding: []peers.FundingRequest{{Partner: "Old", Asked: 1, Decision: "refused"}}}
	bad, ids := applyFunding(&f, readFundingRows(form))
	if len(bad) > 0 {
		t.Fatalf("refused: %v", bad)
	}
	if want := []peers.FundingRequest{{Partner: "Adie", Asked: 5000, Decision: "granted", Granted: 4000}}; !slices.Equal(f.Funding, want) {
		t.Errorf("requests %+v, want %+v", f.Funding, want)
	}
	for name, id := range map[string]string{"funding[0].granted": "financement-1-accorde", "funding[0].partner": "financement-1-partenaire",
		"funding": "financement-1-partenaire", "funding[1].asked": ""} {
		if ids[name] != id {
			t.Errorf("%s names %q, want %q", name, ids[name], id)
		}
	}

	// What cannot be sent is said on its field.
	bad, _ = applyFunding(&f, readFundingRows(url.Values{
		"financement-0-partenaire": {""}, "financement-0-demande": {"huit mille"}, "financement-0-decision": {"maybe"},
		"financement-0-accorde": {"-5"},
	}))
	var fields []string
	for _, b := range bad {
		fields = append(fields, b.Field)
	}
	if want := []string{"financement-0-partenaire", "financement-0-demande", "financement-0-decision", "financement-0-accorde"}; !slices.Equal(fields, want) {
		t.Errorf("errors on %q, want %q", fields, want)
	}

	// No more than creation-support keeps.
	many := url.Values{}
	for i := range 21 {
		n := strconv.Itoa(i)
		many.Set("financement-"+n+"-partenaire", "Banque "+n)
		many.Set("financement-"+n+"-demande", "1000")
		many.Set("financement-"+n+"-decision", "refused")
	}
	if bad, _ := applyFunding(&f, readFundingRows(many)); len(bad) != 1 || bad[0].Field != "financement-20-partenaire" {
		t.Errorf("21 requests: %v", bad)
	}
}

func TestReadEuros(t *testing.T) {
	for in, want := range map[string]int64{"8000": 8000, "8 000": 8000, "8\u00a0000 €": 8000, "0": 0} {
		if got, ok := readEuros(in); !ok || got != want {
			t.Errorf("readEuros(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "8.000", "8000,50", "-1", "huit"} {
		if _, ok := readEuros(in); ok {
			t.Errorf("readEuros(%q) accepted", in)
		}
	}
}
