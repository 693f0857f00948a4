package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// The applicant block of the other kinds; its data must stay in intake.
const applicantJSON = `"applicant": {"first_name": "Marc", "last_name": "Lefèvre", "email": "marc.lefevre@example.fr", "phone": "01 23 45 67 89"}`

var contactData = []string{"Marc", "Lefèvre", "marc.lefevre@example.fr", "+33123456789", "01 23 45 67 89"}

// A confidential offer: the event must not identify the business either.
const offerJSON = `{` + applicantJSON + `,
  "business": {"siret": "443 061 841 00047", "naf_code": "1071C", "postcode": "91000", "headcount": 4,
               "revenue_band": "300k_1m", "gross_operating_profit_band": "75k_150k", "legal_form": "SARL", "crafts_registered": "yes"},
  "offer": {"asking_price": 280000, "deal_types": ["murs", "fonds"], "reason": "other",
            "reason_details": "Je rejoins ma fille à Lyon", "timeline": "6m_12m", "confidential": true}
}`

const searchJSON = `{` + applicantJSON + `,
  "search": {"sectors": ["1071C", "96.02A"], "areas": {"communes": ["91228"], "epcis": ["200059228"], "departements": ["77"]},
             "mobility": "local", "budget": 412345, "personal_contribution": 81234, "headcount_min": 0, "headcount_max": 10,
             "deal_types": ["fonds"], "timeline": "12m_24m", "experience": "sector",
             "experience_details": "Dix ans chez un artisan de Corbeil"}
}`

// Scores 15 + 15 + 12 + 9 = 51: call back.
const difficultyJSON = `{` + applicantJSON + `,
  "business": {"siret": "552 100 554 00013", "naf_code": "56.10A", "postcode": "91000", "headcount": 6},
  "report": {"situation": "Notre principal client ne paie plus depuis trois mois.", "kinds": ["unpaid_social_debts", "cash_flow"],
             "answers": {"overdue_social_tax": 1, "cash_shortfall": 3, "revenue_drop": 3, "late_suppliers": 0, "legal_notice": 0,
                         "customer_dependency": 3, "manager_exhaustion": 0, "bank_refusal": 0, "pay_delayed": 0, "no_forecast": 0}}
}`

// kindCase is one of the three other kinds of request, as the API takes it.
type kindCase struct {
	name, path, kind string
	body             string
	topic            string
	lead, rule       string   // routing in the 202 answer
	private          []string // never in the outbox row nor the status
	bad              string   // a body with invalid fields
	badFields        []string // its field errors, in order
	other            func(string) string
}

func kindCases() []kindCase {
	return []kindCase{
		{
			name: "takeover offer", path: httpapi.TakeoverOfferPath, kind: "takeover_offer", body: offerJSON,
			topic: "intake.takeover.offer_submitted.91", lead: "CMA",
			private: append([]string{"44306184100047", "443 061 841", "91228", "Lyon"}, contactData...),
			bad: strings.NewReplacer(`"marc.lefevre@example.fr"`, `"marc@"`, `"443 061 841 00047"`, `"44306184100048"`,
				`"300k_1m"`, `"huge"`, `"asking_price": 280000`, `"asking_price": 0`, `["murs", "fonds"]`, `["fonds", "maison"]`).Replace(offerJSON),
			badFields: []string{"applicant.email (format)", "business.siret (checksum)", "business.revenue_band (invalid)",
				"offer.asking_price (range)", "offer.deal_types[1] (invalid)"},
			other: func(b string) string {
				return strings.Replace(b, `"asking_price": 280000`, `"asking_price": 280001`, 1)
			},
		},
		{
			name: "buyer search", path: httpapi.BuyerSearchPath, kind: "buyer_search", body: searchJSON,
			topic: "intake.takeover.search_submitted.91", lead: "CMA", rule: "search-artisanal",
			private: append([]string{"412345", "81234", "Corbeil"}, contactData...),
			bad: strings.NewReplacer(`["1071C", "96.02A"]`, `["04"]`, `"communes": ["91228"]`, `"communes": ["99999"]`,
				`"personal_contribution": 81234`, `"personal_contribution": 500000`, `"headcount_min": 0`, `"headcount_min": 12`).Replace(searchJSON),
			badFields: []string{"search.sectors[0] (unknown)", "search.areas.communes[0] (unknown)",
				"search.personal_contribution (exceeds_budget)", "search.headcount_max (order)"},
			other: func(b string) string { return strings.Replace(b, `"budget": 412345`, `"budget": 412346`, 1) },
		},
		{
			name: "difficulty report", path: httpapi.DifficultyPath, kind: "difficulty", body: difficultyJSON,
			topic: "intake.difficulty.reported.91", lead: "CMA",
			private: append([]string{"55210055400013", "552 100 554", "91228", "principal client", "overdue_social_tax"}, contactData...),
			bad: strings.NewReplacer(`"552 100 554 00013"`, `""`, `"Notre principal client ne paie plus depuis trois mois."`, `"court"`,
				`["unpaid_social_debts", "cash_flow"]`, `["fraud"]`, `"late_suppliers": 0`, `"late_suppliers": 2`,
				`"bank_refusal": 0, `, ``).Replace(difficultyJSON),
			badFields: []string{"business.siret (required)", "report.situation (length)", "report.kinds[0] (invalid)",
				"report.answers.late_suppliers (range)", "report.answers.bank_refusal (required)"},
			other: func(b string) string { return strings.Replace(b, `"headcount": 6`, `"headcount": 7`, 1) },
		},
	}
}

// eventsOf is the number of events a request of kind emits: one, and for
// a difficulty report a second, the business's identity for
// difficulty-alert on the confidential stream.
func eventsOf(kind string) int {
	if kind == "difficulty" {
		return 2
	}
	return 1
}

func TestSubmitOtherKindsStoreRequestAndEventTogether(t *testing.T) {
	t.Parallel()
	for _, kc := range kindCases() {
		t.Run(kc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			r := e.do(t, http.MethodPost, kc.path, "application/json", "", []byte(kc.body))
			if r.status != http.StatusAccepted {
				t.Fatalf("POST answered %d %v, want 202", r.status, r.body)
			}
			id := str(r.body["request_id"])
			if id == "" || r.location != kc.path+"/"+id || r.body["status_url"] != r.location || r.body["status"] != "received" {
				t.Fatalf("answer %v with Location %q: want request_id, status received and Location = status_url", r.body, r.location)
			}
			routingOut, _ := r.body["routing"].(map[string]any)
			if routingOut["lead_chamber"] != kc.lead || str(routingOut["rule_id"]) == "" || kc.rule != "" && routingOut["rule_id"] != kc.rule ||
				str(routingOut["reason"]) == "" {
				t.Errorf("routing = %v, want %s lead with a rule (%s) and a reason", routingOut, kc.lead, kc.rule)
			}
			e.assertStored(t, 1, eventsOf(kc.kind), 0)
			if n := e.waker.n.Load(); n != 1 {
				t.Errorf("relay woken %d times, want 1", n)
			}

			// The request row keeps the personal data.
			var kind string
			var details []byte
			if err := e.pool.QueryRow(e.ctx, `SELECT kind, details FROM requests WHERE request_id = $1`, id).Scan(&kind, &details); err != nil {
				t.Fatalf("read request %s: %v", id, err)
			}
			if kind != kc.kind || !strings.Contains(string(details), "marc.lefevre@example.fr") {
				t.Errorf("stored request: kind %q, details %s", kind, details)
			}

			// The outbox row is the event, without personal data.
			var topic string
			var headers, payload []byte
			if err := e.pool.QueryRow(e.ctx, `SELECT topic, headers, payload FROM outbox WHERE topic LIKE 'intake.%'`).Scan(&topic, &headers, &payload); err != nil {
				t.Fatal(err)
			}
			if topic != kc.topic {
				t.Errorf("outbox topic %q, want %s", topic, kc.topic)
			}
			for _, s := range kc.private {
				if bytes.Contains(payload, []byte(s)) || bytes.Contains(headers, []byte(s)) {
					t.Errorf("outbox row carries %q: %s %s", s, headers, payload)
				}
			}
			var h map[string][]string
			if err := json.Unmarshal(headers, &h); err != nil {
				t.Fatal(err)
			}
			ev, err := events.FromMessage(topic, h, payload)
			if err != nil {
				t.Fatalf("outbox row is not a valid event: %v", err)
			}
			if ev.Subject != id {
				t.Errorf("event subject %q, want %s", ev.Subject, id)
			}
			checkPayload(t, kc.kind, ev, id)

			// The applicant follows the request through its status, under
			// its own kind only.
			st := e.do(t, http.MethodGet, r.location, "", "", nil)
			if st.status != http.StatusOK || st.body["request_id"] != id || st.body["kind"] != kc.kind || st.body["status"] != "received" {
				t.Fatalf("GET %s = %d %v", r.location, st.status, st.body)
			}
			raw, _ := json.Marshal(st.body)
			for _, s := range kc.private {
				if strings.Contains(string(raw), s) {
					t.Errorf("status shows %q: %s", s, raw)
				}
			}
			for _, p := range []string{endpoint, httpapi.TakeoverOfferPath, httpapi.BuyerSearchPath, httpapi.DifficultyPath} {
				if p == kc.path {
					continue
				}
				if other := e.do(t, http.MethodGet, p+"/"+id, "", "", nil); other.status != http.StatusNotFound {
					t.Errorf("GET %s/%s = %d %v, want 404: a link must not tell the kind of another request", p, id, other.status, other.body)
				}
			}
			if kc.kind == "difficulty" {
				checkDifficulty(t, e, id, st.body)
				checkIdentified(t, e, id)
			}
		})
	}
}

// checkPayload decodes the event as its documented type and checks it.
func checkPayload(t *testing.T, kind string, ev events.Event, id string) {
	t.Helper()
	switch kind {
	case "takeover_offer":
		p, err := events.Decode[events.TakeoverOfferSubmitted](ev)
		if err != nil {
			t.Fatalf("decode payload: %v", err)
		}
		if p.RequestID != id || p.NAFCode != "10.71C" || p.Departement != "91" || !p.Confidential || p.SIRET != "" || p.CommuneCode != "" ||
			p.AskingPrice != 280000 || strings.Join(p.DealTypes, ",") != "fonds,murs" || p.Reason != "other" {
			t.Errorf("payload %+v", p)
		}
	case "buyer_search":
		p, err := events.Decode[events.TakeoverSearchSubmitted](ev)
		if err != nil {
			t.Fatalf("decode payload: %v", err)
		}
		if p.RequestID != id || strings.Join(p.Sectors, ",") != "10.71C,96.02A" || strings.Join(p.Departements, ",") != "77,91" ||
			p.BudgetBand != "300k_1m" || p.PersonalContributionBand != "50k_100k" || p.Routing.RuleID != "search-artisanal" {
			t.Errorf("payload %+v", p)
		}
	case "difficulty":
		p, err := events.Decode[events.DifficultyReported](ev)
		if err != nil {
			t.Fatalf("decode payload: %v", err)
		}
		if p.RequestID != id || p.NAFCode != "56.10A" || p.Departement != "91" || p.Score != 51 || p.Level != "call_back" ||
			strings.Join(p.Kinds, ",") != "cash_flow,unpaid_social_debts" {
			t.Errorf("payload %+v", p)
		}
	}
}

// checkIdentified: the report's other outbox row is the business's
// identity (SIREN, SIRET), on the confidential PREVENTION stream's subject,
// for difficulty-alert alone, with the report's score and level; the
// INTAKE row carries neither number (kindCase.private).
func checkIdentified(t *testing.T, e *env, id string) {
	t.Helper()
	var topic string
	var headers, payload []byte
	if err := e.pool.QueryRow(e.ctx, `SELECT topic, headers, payload FROM outbox WHERE topic NOT LIKE 'intake.%'`).Scan(&topic, &headers, &payload); err != nil {
		t.Fatal(err)
	}
	if topic != "prevention.report.identified.91" {
		t.Errorf("identity's topic %q, want prevention.report.identified.91", topic)
	}
	var h map[string][]string
	if err := json.Unmarshal(headers, &h); err != nil {
		t.Fatal(err)
	}
	ev, err := events.FromMessage(topic, h, payload)
	if err != nil {
		t.Fatalf("outbox row is not a valid event: %v", err)
	}
	p, err := events.Decode[events.PreventionReportIdentified](ev)
	if err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	if ev.Subject != id || ev.Source != "/intake" || p.RequestID != id || p.SIREN != "552100554" || p.SIRET != "55210055400013" ||
		p.Score != 51 || p.Level != "call_back" || p.QuestionnaireVersion == "" || p.IdentifiedAt.IsZero() {
		t.Errorf("identity %+v (subject %s, source %s)", p, ev.Subject, ev.Source)
	}
	for _, s := range append([]string{"91228", "principal client", "overdue_social_tax"}, contactData...) {
		if bytes.Contains(payload, []byte(s)) || bytes.Contains(headers, []byte(s)) {
			t.Errorf("identity carries %q: %s", s, payload)
		}
	}
}

// checkDifficulty: the score is stored with the thresholds that set its
// level, and the status link tells only received/routed.
func checkDifficulty(t *testing.T, e *env, id string, status map[string]any) {
	t.Helper()
	var score, vigilance, alert int
	var level, version string
	if err := e.pool.QueryRow(e.ctx, `SELECT score, level, vigilance_threshold, alert_threshold, questionnaire_version
		FROM difficulty_assessments WHERE request_id = $1`, id).Scan(&score, &level, &vigilance, &alert, &version); err != nil {
		t.Fatalf("read assessment: %v", err)
	}
	if score != 51 || level != "call_back" || vigilance != 15 || alert != 50 || version == "" {
		t.Errorf("assessment: score %d, level %s, thresholds %d/%d, version %q", score, level, vigilance, alert, version)
	}
	routingOut, _ := status["routing"].(map[string]any)
	if routingOut["lead_chamber"] != "CMA" || str(routingOut["rule_id"]) != "" {
		t.Errorf("difficulty status routing %v: want the chambers without the rule", routingOut)
	}
	raw, _ := json.Marshal(status)
	for _, s := range []string{"56.10A", "call_back", `"score"`, `"level"`} {
		if strings.Contains(string(raw), s) {
			t.Errorf("difficulty status shows %q: %s", s, raw)
		}
	}
}

func TestOtherKindsRejectInvalidSubmissionsStoreNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, kc := range kindCases() {
		tests := []struct {
			name   string
			body   string
			status int
			fields []string // exact, in order; nil: not checked
		}{
			{"invalid fields", kc.bad, http.StatusUnprocessableEntity, kc.badFields},
			{"empty object", `{}`, http.StatusUnprocessableEntity, nil},
			{"unknown field", strings.Replace(kc.body, `"phone"`, `"password": "x", "phone"`, 1), http.StatusBadRequest,
				[]string{"password (unknown)"}},
			{"malformed JSON", kc.body[:len(kc.body)/2], http.StatusBadRequest, nil},
		}
		for _, tt := range tests {
			r := e.do(t, http.MethodPost, kc.path, "application/json", "", []byte(tt.body))
			if r.status != tt.status || r.contentType != "application/problem+json" {
				t.Errorf("%s, %s: %d %s %v, want %d problem", kc.name, tt.name, r.status, r.contentType, r.body, tt.status)
				continue
			}
			got := fieldErrors(r.body)
			if tt.fields != nil && strings.Join(got, ", ") != strings.Join(tt.fields, ", ") {
				t.Errorf("%s, %s: field errors\n got  %v\n want %v", kc.name, tt.name, got, tt.fields)
			}
			if tt.status == http.StatusUnprocessableEntity && len(got) == 0 {
				t.Errorf("%s, %s: 422 names no field", kc.name, tt.name)
			}
		}
	}
	// A wrong type is named too.
	r := e.do(t, http.MethodPost, httpapi.DifficultyPath, "application/json", "",
		[]byte(strings.Replace(difficultyJSON, `"late_suppliers": 0`, `"late_suppliers": "non"`, 1)))
	if r.status != http.StatusBadRequest || len(fieldErrors(r.body)) != 1 {
		t.Errorf("answer of the wrong type: %d %v, want 400 naming the field", r.status, r.body)
	}

	// The questionnaire is published for API clients.
	r = e.do(t, http.MethodGet, httpapi.DifficultyPath+"/questionnaire", "", "", nil)
	qs, _ := r.body["questions"].([]any)
	kinds, _ := r.body["kinds"].([]any)
	if r.status != http.StatusOK || str(r.body["version"]) == "" || len(qs) != 10 || len(kinds) != 8 {
		t.Fatalf("GET questionnaire = %d %v", r.status, r.body)
	}
	if q, _ := qs[0].(map[string]any); q["id"] != "overdue_social_tax" || str(q["text"]) == "" || len(q["options"].([]any)) != 2 {
		t.Errorf("first question %v", q)
	}

	e.assertStored(t, 0, 0, 0)
	if n := e.count(t, "difficulty_assessments"); n != 0 {
		t.Errorf("%d assessments stored", n)
	}
	if n := e.waker.n.Load(); n != 0 {
		t.Errorf("relay woken %d times with nothing stored", n)
	}
}

func TestOtherKindsIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ids := map[string]bool{}
	rows := 0
	for i, kc := range kindCases() {
		first := e.do(t, http.MethodPost, kc.path, "application/json", "same-key-for-all-0001", []byte(kc.body))
		if first.status != http.StatusAccepted {
			t.Fatalf("%s: first POST answered %d %v", kc.name, first.status, first.body)
		}
		id := str(first.body["request_id"])
		if ids[id] {
			t.Fatalf("%s: request %s again: each kind has its own keys", kc.name, id)
		}
		ids[id] = true
		again := e.do(t, http.MethodPost, kc.path, "application/json", "same-key-for-all-0001", []byte(kc.body))
		if again.status != http.StatusAccepted || again.body["request_id"] != id || again.location != first.location ||
			!equalJSON(again.body["routing"], first.body["routing"]) {
			t.Fatalf("%s: retry answered %d %v, want 202 with %v", kc.name, again.status, again.body, first.body)
		}
		conflict := e.do(t, http.MethodPost, kc.path, "application/json", "same-key-for-all-0001", []byte(kc.other(kc.body)))
		if conflict.status != http.StatusUnprocessableEntity || conflict.contentType != "application/problem+json" {
			t.Fatalf("%s: same key, other body answered %d %v, want 422 problem", kc.name, conflict.status, conflict.body)
		}
		rows += eventsOf(kc.kind)
		e.assertStored(t, i+1, rows, i+1)
	}
	if n := e.count(t, "difficulty_assessments"); n != 1 {
		t.Errorf("%d assessments stored, want 1", n)
	}
}
