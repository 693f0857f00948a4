package routing_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// FuzzParseRules: the table decoder never panics; a table it accepts
// writes out to a document it reads back to the same table, and routes any
// input to one of its rules. Seed corpus: testdata/fuzz/FuzzParseRules.
func FuzzParseRules(f *testing.F) {
	ref := loadRef(f)
	inputs := []routing.Input{
		{},
		{NAFCode: "10.71C", Headcount: 3, Departement: "91"},
		{NAFCode: "4322A", Headcount: 30, Departement: "75", AlreadyRegistered: true},
		{NAFCode: "47.23Z", Headcount: 50, TakeoverOfArtisanFonds: true},
		{NAFCode: "69.10Z", Headcount: -1, Departement: "2A"},
		{NAFCode: "01.62Z", Headcount: 1 << 40},
		{NAFCode: "not a code {naf}", Departement: "{departement}"},
		{Request: routing.RequestTakeoverOffer, NAFCode: "10.71C", Headcount: 20, TakeoverOfArtisanFonds: true},
		{Request: routing.RequestBuyerSearch, Sectors: []string{"10.71C", "47", "69.10Z"}, Headcount: 12, EPCI: "200059228"},
		{Request: routing.RequestBuyerSearch, Sectors: []string{"01.1", "{sectors}"}},
		{Request: routing.RequestBuyerSearch},
		{Request: "unknown kind", NAFCode: "96.02A"},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := routing.ParseRules(data)
		if err != nil {
			if r != nil {
				t.Fatalf("ParseRules returned rules with the error %v", err)
			}
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("write out an accepted table: %v", err)
		}
		again, err := routing.ParseRules(out)
		if err != nil {
			t.Fatalf("an accepted table, written out, is rejected: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again.Table(), r.Table()) {
			t.Fatalf("the table changed on the round trip:\n%+v\n%+v", r.Table(), again.Table())
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("writing out is not stable:\n%s\n%s", out, out2)
		}
		var ids []string
		for _, ru := range r.Table().Rules {
			ids = append(ids, ru.ID)
		}
		router := routing.Router{Ref: ref, Departements: []string{"91"}, Rules: r}
		for _, in := range inputs {
			got := router.Route(in)
			if !slices.Contains(ids, got.RuleID) || got.RulesVersion != r.Version() || got.Reason == "" {
				t.Fatalf("Route(%+v) = %+v: not a rule of table %q", in, got, r.Version())
			}
		}
	})
}
