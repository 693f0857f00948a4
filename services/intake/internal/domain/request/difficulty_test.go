package request_test

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// noSign answers every question with its first option: score 0.
func noSign() map[string]int {
	m := map[string]int{}
	for _, q := range request.Questionnaire() {
		m[q.ID] = 0
	}
	return m
}

// answered is noSign with some answers changed.
func answered(changes map[string]int) map[string]int {
	m := noSign()
	maps.Copy(m, changes)
	return m
}

// Answer sets that land on the edges of the default thresholds.
var (
	score14 = map[string]int{"late_suppliers": 1, "no_forecast": 1}                                                     // 10 + 4
	score15 = map[string]int{"overdue_social_tax": 1}                                                                   // 15
	score50 = map[string]int{"overdue_social_tax": 1, "cash_shortfall": 3, "late_suppliers": 1, "legal_notice": 1}      // 15 + 15 + 10 + 10
	score51 = map[string]int{"overdue_social_tax": 1, "cash_shortfall": 3, "revenue_drop": 3, "customer_dependency": 3} // 15 + 15 + 12 + 9
)

// validDifficulty is a restaurant in Évry whose main customer stopped
// paying.
func validDifficulty() request.DifficultyInput {
	return request.DifficultyInput{
		Contact: contact(),
		SIRET:   "552 100 554 00013", NAFCode: "5610A", Postcode: "91000", Headcount: 6,
		Situation: "Notre principal client ne paie plus depuis trois mois ; l'URSSAF nous relance.",
		Kinds:     []string{"unpaid_social_debts", "cash_flow", "major_customer_loss", "cash_flow"},
		Answers:   answered(score51),
	}
}

func TestNewDifficultyAcceptsScoresAndRoutesAValidReport(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	d, err := request.NewDifficulty(requestID, validDifficulty(), ref, router, request.DefaultThresholds(), now)
	if err != nil {
		t.Fatalf("NewDifficulty: %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"id", d.ID, requestID},
		{"email", d.Applicant.Email, "marc.lefevre@exemple.fr"},
		{"SIRET", d.SIRET, "55210055400013"},
		{"NAF", d.NAFCode, "56.10A"},
		{"commune", d.Commune.Code, "91228"},
		{"headcount", d.Headcount, 6},
		{"situation", d.Situation, "Notre principal client ne paie plus depuis trois mois ; l'URSSAF nous relance."},
		{"kinds", strings.Join(d.Kinds, ","), "cash_flow,unpaid_social_debts,major_customer_loss"},
		{"score", d.Score, 51},
		{"level", d.Level, request.LevelCallBack},
		{"thresholds", d.Thresholds, request.DefaultThresholds()},
		{"routing", d.Routing, router.Route(routing.Input{NAFCode: "56.10A", Headcount: 6, Departement: "91", EPCI: "200059228"})},
		{"submitted at", d.SubmittedAt, now.UTC()},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.what, ck.got, ck.want)
		}
	}
	if !maps.Equal(d.Answers, answered(score51)) {
		t.Errorf("answers = %v", d.Answers)
	}
}

func TestNewDifficultyWithoutNAF(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	in := validDifficulty()
	in.NAFCode = ""
	d, err := request.NewDifficulty(requestID, in, ref, router, request.DefaultThresholds(), now)
	if err != nil {
		t.Fatal(err)
	}
	if d.NAFCode != "" || d.Routing != router.Route(routing.Input{Headcount: 6, Departement: "91", EPCI: "200059228"}) {
		t.Errorf("NAF %q, routing %+v: want no NAF and the router's decision for an unknown activity", d.NAFCode, d.Routing)
	}
	if ev := d.Reported(); ev.NAFCode != "" || ev.NAFVersion != "" {
		t.Errorf("Reported() names NAF %q (%q) without one", ev.NAFCode, ev.NAFVersion)
	}
}

func TestNewDifficultyReportsEachBadField(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name        string
		edit        func(*request.DifficultyInput)
		field, code string
	}{
		{"last name missing", func(in *request.DifficultyInput) { in.Contact.LastName = "" }, "applicant.last_name", "required"},
		{"phone too short", func(in *request.DifficultyInput) { in.Contact.Phone = "01 23" }, "applicant.phone", "format"},
		{"SIRET missing", func(in *request.DifficultyInput) { in.SIRET = "" }, "business.siret", "required"},
		{"SIRET with letters", func(in *request.DifficultyInput) { in.SIRET = "5521005540001A" }, "business.siret", "format"},
		{"SIRET check digit", func(in *request.DifficultyInput) { in.SIRET = "55210055400014" }, "business.siret", "checksum"},
		{"NAF unknown", func(in *request.DifficultyInput) { in.NAFCode = "56.10Z" }, "business.naf_code", "unknown"},
		{"postcode four digits", func(in *request.DifficultyInput) { in.Postcode = "9100" }, "business.postcode", "format"},
		{"postcode unknown", func(in *request.DifficultyInput) { in.Postcode = "00000" }, "business.postcode", "unknown"},
		{"postcode shared, no commune", func(in *request.DifficultyInput) { in.Postcode = "91100" }, "business.commune_code", "ambiguous"},
		{"headcount negative", func(in *request.DifficultyInput) { in.Headcount = -2 }, "business.headcount", "range"},
		{"situation missing", func(in *request.DifficultyInput) { in.Situation = " " }, "report.situation", "required"},
		{"situation too short", func(in *request.DifficultyInput) { in.Situation = "Aidez-moi" }, "report.situation", "length"},
		{"situation too long", func(in *request.DifficultyInput) {
			in.Situation = strings.Repeat("a", request.MaxSituationLen+1)
		}, "report.situation", "length"},
		{"situation with escape sequence", func(in *request.DifficultyInput) { in.Situation = "Trésorerie \x1b[31mà sec" }, "report.situation", "format"},
		{"kinds missing", func(in *request.DifficultyInput) { in.Kinds = nil }, "report.kinds", "required"},
		{"kind unknown", func(in *request.DifficultyInput) { in.Kinds = []string{"cash_flow", "fraud"} }, "report.kinds[1]", "invalid"},
		{"answer missing", func(in *request.DifficultyInput) { delete(in.Answers, "bank_refusal") }, "report.answers.bank_refusal", "required"},
		{"yes/no answer out of range", func(in *request.DifficultyInput) { in.Answers["late_suppliers"] = 2 }, "report.answers.late_suppliers", "range"},
		{"scale answer out of range", func(in *request.DifficultyInput) { in.Answers["revenue_drop"] = 4 }, "report.answers.revenue_drop", "range"},
		{"answer negative", func(in *request.DifficultyInput) { in.Answers["cash_shortfall"] = -1 }, "report.answers.cash_shortfall", "range"},
		{"answer to an unknown question", func(in *request.DifficultyInput) { in.Answers["mood"] = 1 }, "report.answers", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := validDifficulty()
			in.Answers = maps.Clone(in.Answers)
			tt.edit(&in)
			d, err := request.NewDifficulty(requestID, in, ref, router, request.DefaultThresholds(), now)
			ps := problems(t, err)
			if len(ps) != 1 || ps[0].Field != tt.field || ps[0].Code != tt.code {
				t.Fatalf("problems = %v, want exactly %s (%s)", ps, tt.field, tt.code)
			}
			if ps[0].Message == "" {
				t.Errorf("problem %s has no message", tt.field)
			}
			if d.ID != "" {
				t.Errorf("an invalid report came back with id %q", d.ID)
			}
		})
	}

	// No answer at all: every question is named.
	in := validDifficulty()
	in.Answers = nil
	_, err := request.NewDifficulty(requestID, in, ref, router, request.DefaultThresholds(), now)
	ps := problems(t, err)
	if len(ps) != len(request.Questionnaire()) {
		t.Errorf("without answers: %v, want one problem per question", ps)
	}
	for i, q := range request.Questionnaire() {
		if i < len(ps) && (ps[i].Field != "report.answers."+q.ID || ps[i].Code != "required") {
			t.Errorf("problem %d = %s (%s), want report.answers.%s (required)", i, ps[i].Field, ps[i].Code, q.ID)
		}
	}
}

// The level follows the configured thresholds, on both sides of each.
func TestNewDifficultyLevels(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	tests := []struct {
		name    string
		answers map[string]int
		th      request.Thresholds
		score   int
		level   request.Level
	}{
		{"no sign", nil, request.DefaultThresholds(), 0, request.LevelNone},
		{"14, just below vigilance", score14, request.DefaultThresholds(), 14, request.LevelNone},
		{"15, vigilance", score15, request.DefaultThresholds(), 15, request.LevelVigilance},
		{"50, still vigilance", score50, request.DefaultThresholds(), 50, request.LevelVigilance},
		{"51, call back", score51, request.DefaultThresholds(), 51, request.LevelCallBack},
		{"15 with a stricter vigilance", score15, request.Thresholds{Vigilance: 16, Alert: 50}, 15, request.LevelNone},
		{"51 with a laxer alert", score51, request.Thresholds{Vigilance: 15, Alert: 51}, 51, request.LevelVigilance},
		{"14 with a lower alert", score14, request.Thresholds{Vigilance: 5, Alert: 13}, 14, request.LevelCallBack},
	}
	for _, tt := range tests {
		in := validDifficulty()
		in.Answers = answered(tt.answers)
		d, err := request.NewDifficulty(requestID, in, ref, router, tt.th, now)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if d.Score != tt.score || d.Level != tt.level || d.Thresholds != tt.th {
			t.Errorf("%s: score %d, level %s, thresholds %+v; want %d, %s, %+v", tt.name, d.Score, d.Level, d.Thresholds, tt.score, tt.level, tt.th)
		}
		if ev := d.Reported(); ev.Score != tt.score || ev.Level != string(tt.level) {
			t.Errorf("%s: event score %d, level %s", tt.name, ev.Score, ev.Level)
		}
	}
}

// The event is confidential: codes, the score and the routing; never the
// SIRET, the commune, the contact or what the applicant wrote.
func TestDifficultyReported(t *testing.T) {
	t.Parallel()
	ref, router := setup(t)
	d, err := request.NewDifficulty(requestID, validDifficulty(), ref, router, request.DefaultThresholds(), now)
	if err != nil {
		t.Fatal(err)
	}
	ev := d.Reported()
	want := events.DifficultyReported{
		RequestID: requestID, NAFCode: "56.10A", NAFVersion: refdata.NAFVersion, Departement: "91",
		Kinds: []string{"cash_flow", "unpaid_social_debts", "major_customer_loss"}, QuestionnaireVersion: request.QuestionnaireVersion,
		Score: 51, Level: events.DifficultyCallBack, Routing: d.Routing, ReportedAt: now.UTC(),
	}
	got, _ := json.Marshal(ev)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("Reported() =\n %s\nwant\n %s", got, wantJSON)
	}
	if err := ev.Validate(); err != nil {
		t.Errorf("Reported() breaks the event contract: %v", err)
	}
	for _, s := range []string{"Marc", "Lefèvre", "marc.lefevre", "xemple", "+33123456789", "55210055400013", "552100554",
		"91228", "client", "URSSAF", "overdue_social_tax"} {
		if strings.Contains(string(got), s) {
			t.Errorf("event payload contains %q: %s", s, got)
		}
	}
}
