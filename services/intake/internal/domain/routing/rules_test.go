package routing_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// table builds a small valid table whose rules are the given JSON objects,
// followed by a catch-all unless the last one is already one.
func table(rules ...string) string {
	return `{"version": "t1", "naf_version": "NAFRev2",
  "out_of_territory_reason": "La commune ({departement}) est hors du territoire servi.",
  "rules": [` + strings.Join(rules, ",\n") + `]}`
}

const (
	smallRule = `{"id": "small", "when": {"naf_artisanal": "always", "headcount_max": 10}, "then": {"lead": "CMA", "reason": "Artisanal ({naf})."}}`
	catchAll  = `{"id": "rest", "then": {"lead": "CCI", "reason": "Le reste ({naf})."}}`
)

func TestParseRulesAcceptsValidTables(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"catch-all only":  table(catchAll),
		"rule, catch-all": table(smallRule, catchAll),
		"neither chamber": table(`{"id": "farm", "when": {"naf_prefixes": ["01"]}, "then": {"turn_to": "la chambre d'agriculture", "reason": "Ni la CCI ni la CMA ; adressez-vous à {turn_to}."}}`, catchAll),
		"all conditions": table(`{"id": "all", "when": {"naf_missing": false, "naf_artisanal": "partly", "naf_prefixes": ["47.2", "10.71C", "69."],
			"headcount_min": 11, "headcount_max": 99, "already_registered": false, "takeover_of_artisan_fonds": true},
			"then": {"lead": "CMA", "secondary": "CCI", "reason": "{naf} {naf_label} {naf_version} {headcount} {employees} {family} {departement}."}}`, catchAll),
		"null when": table(`{"id": "rest", "when": null, "then": {"lead": "CCI", "reason": "Tout."}}`),
	} {
		if _, err := routing.ParseRules([]byte(doc)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestParseRulesRejects: each bad table fails with an error that says what
// is wrong and, for a rule, which one.
func TestParseRulesRejects(t *testing.T) {
	t.Parallel()
	withRule := func(rule string) string { return table(rule, catchAll) }
	tests := []struct {
		name string
		doc  string
		want []string // substrings of the error
	}{
		{"empty document", "", []string{"empty"}},
		{"not an object", "[]", []string{"JSON object"}},
		{"null", "null", []string{"JSON object"}},
		{"syntax error", `{"version": "t1",}`, []string{"byte"}},
		{"trailing data", table(catchAll) + ` {}`, []string{"after the table"}},
		{"too large", strings.Repeat(" ", 1<<20+1), []string{"larger than"}},
		{"unknown top-level key", strings.Replace(table(catchAll), `"version"`, `"versoin": "x", "version"`, 1), []string{"versoin"}},
		{"duplicate top-level key", strings.Replace(table(catchAll), `"version": "t1"`, `"version": "t1", "version": "t2"`, 1), []string{`"version" given twice`}},
		{"missing version", strings.Replace(table(catchAll), `"version": "t1"`, `"version": ""`, 1), []string{"version"}},
		{"other nomenclature", strings.Replace(table(catchAll), `"NAFRev2"`, `"NAF2025"`, 1), []string{"naf_version", "NAF2025"}},
		{"no rules", table(), []string{"no rules"}},
		{"bad territory placeholder", strings.Replace(table(catchAll), "{departement}", "{commune}", 1), []string{"out_of_territory_reason", "{commune}"}},
		{"unknown rule key", withRule(`{"id": "a", "lede": "CMA", "when": {"headcount_max": 3}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, "lede"}},
		{"unknown condition", withRule(`{"id": "a", "when": {"headcount_below": 11}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, "headcount_below"}},
		{"unknown outcome key", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CMA", "reason": "A.", "why": "x"}}`), []string{`rule 1 ("a")`, "why"}},
		{"wrong type", withRule(`{"id": "a", "when": {"headcount_max": "10"}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, "headcount_max"}},
		{"duplicate key in a rule", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CMA", "lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, `"lead" given twice`}},
		{"duplicate id", table(smallRule, strings.Replace(smallRule, "10", "20", 1), catchAll), []string{`rule 2 ("small")`, "already used by rule 1"}},
		{"bad id", withRule(`{"id": "Small_Rule", "when": {"headcount_max": 3}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("Small_Rule")`, "id"}},
		{"missing id", withRule(`{"when": {"headcount_max": 3}, "then": {"lead": "CMA", "reason": "A."}}`), []string{"rule 1:", "id"}},
		{"unknown request kind", withRule(`{"id": "a", "when": {"request": ["cession"]}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, `request "cession"`}},
		{"empty request list", withRule(`{"id": "a", "when": {"request": []}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, "request is empty"}},
		{"sectors without buyer_search", withRule(`{"id": "a", "when": {"sectors": "mixed"}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, "sectors needs request"}},
		{"unknown sectors value", withRule(`{"id": "a", "when": {"request": ["buyer_search"], "sectors": "all"}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, `sectors "all"`}},
		{"first sector lead without sectors", withRule(`{"id": "a", "when": {"request": ["buyer_search"], "first_sector_lead": "CMA"}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, "first_sector_lead needs"}},
		{"unknown first sector lead", withRule(`{"id": "a", "when": {"request": ["buyer_search"], "sectors": "mixed", "first_sector_lead": "CA"}, "then": {"lead": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, `first_sector_lead "CA"`}},
		{"unknown lead chamber", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CCAS", "reason": "A."}}`), []string{`rule 1 ("a")`, `lead "CCAS"`}},
		{"unknown secondary chamber", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CMA", "secondary": "cci", "reason": "A."}}`), []string{`rule 1 ("a")`, `secondary "cci"`}},
		{"secondary without lead", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"secondary": "CMA", "turn_to": "x", "reason": "A."}}`), []string{`rule 1 ("a")`, "needs a lead"}},
		{"secondary is lead", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CMA", "secondary": "CMA", "reason": "A."}}`), []string{`rule 1 ("a")`, "also the lead"}},
		{"neither chamber, nowhere to turn", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"reason": "Ni l'une ni l'autre."}}`), []string{`rule 1 ("a")`, "turn_to"}},
		{"turn_to with a lead", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CCI", "turn_to": "x", "reason": "A."}}`), []string{`rule 1 ("a")`, "turn_to"}},
		{"empty reason", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CCI", "reason": " "}}`), []string{`rule 1 ("a")`, "reason: empty"}},
		{"unknown placeholder", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CCI", "reason": "SIRET {siret}."}}`), []string{`rule 1 ("a")`, "{siret}"}},
		{"unclosed placeholder", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CCI", "reason": "Code {naf."}}`), []string{`rule 1 ("a")`, "without '}'"}},
		{"stray brace", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CCI", "reason": "Code naf}."}}`), []string{`rule 1 ("a")`, "without '{'"}},
		{"turn_to placeholder without turn_to", withRule(`{"id": "a", "when": {"headcount_max": 3}, "then": {"lead": "CCI", "reason": "Voir {turn_to}."}}`), []string{`rule 1 ("a")`, "{turn_to}"}},
		{"unknown artisanal status", withRule(`{"id": "a", "when": {"naf_artisanal": "sometimes"}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, "sometimes"}},
		{"bad prefix", withRule(`{"id": "a", "when": {"naf_prefixes": ["4a"]}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, `"4a"`}},
		{"lower-case prefix", withRule(`{"id": "a", "when": {"naf_prefixes": ["47.11f"]}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, `"47.11f"`}},
		{"empty prefix list", withRule(`{"id": "a", "when": {"naf_prefixes": []}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, "naf_prefixes is empty"}},
		{"repeated prefix", withRule(`{"id": "a", "when": {"naf_prefixes": ["47", "47"]}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, "twice"}},
		{"min above max", withRule(`{"id": "a", "when": {"headcount_min": 20, "headcount_max": 10}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, "above headcount_max"}},
		{"negative headcount", withRule(`{"id": "a", "when": {"headcount_min": -1}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, "negative"}},
		{"missing NAF with NAF conditions", withRule(`{"id": "a", "when": {"naf_missing": true, "naf_artisanal": "always"}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, "contradicts"}},
		{"no final catch-all", table(smallRule), []string{`rule 1 ("small")`, "catch-all"}},
		{"catch-all before the end", table(catchAll, smallRule), []string{`rule 1 ("rest")`, "could never fire", `rule 2 ("small")`}},
		{"nested too deeply", withRule(`{"id": "a", "note": [[[[[[[[[["x"]]]]]]]]]], "when": {"headcount_max": 3}, "then": {"lead": "CCI", "reason": "A."}}`), []string{`rule 1 ("a")`, "too deeply"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := routing.ParseRules([]byte(tt.doc))
			if err == nil {
				t.Fatalf("ParseRules accepted the table (version %q)", r.Version())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestEmbeddedRules: the shipped table is valid, versioned and round-trips.
func TestEmbeddedRules(t *testing.T) {
	t.Parallel()
	r, err := routing.EmbeddedRules()
	if err != nil {
		t.Fatalf("embedded table: %v", err)
	}
	if r.Version() == "" {
		t.Error("embedded table has no version")
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	again, err := routing.ParseRules(b)
	if err != nil {
		t.Fatalf("re-parse the embedded table: %v", err)
	}
	if !reflect.DeepEqual(again.Table(), r.Table()) {
		t.Error("the embedded table changes when written out and read back")
	}
	// Every rule has a note giving its basis, for whoever maintains it.
	for _, ru := range r.Table().Rules {
		if ru.Note == "" {
			t.Errorf("rule %q has no note", ru.ID)
		}
	}
}
