package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

// journeyView is what the tests read of a case.
type journeyView struct {
	Status     string `json:"status"`
	Stage      string `json:"stage"`
	StageLabel string `json:"stage_label"`
	NextAction *struct {
		Label string `json:"label"`
		Due   string `json:"due"`
	} `json:"next_action"`
	Timeline []struct {
		From, To, Reason, Comment string
	} `json:"timeline"`
	Facts *struct {
		Training struct {
			Course string `json:"course"`
		} `json:"training"`
	} `json:"facts"`
}

func TestTheOtherChamberReadsTheHeaderNotTheFollowUp(t *testing.T) {
	a := newAPI(t)
	cciA := a.token("cci-a", "CCI", auth.RoleAdvisor)
	id := a.open("CCI", "CMA", "cci-a")
	for _, step := range []struct{ method, path, body string }{
		{"POST", "take-in-charge", ""},
		{"PUT", "facts", `{"welcome":{"kind":"individual","at":"2026-03-02T09:00:00Z"},"training":{"course":"5 jours pour entreprendre","hours":35}}`},
		{"POST", "stage", `{"to":"diagnosis"}`},
		{"POST", "stage", `{"to":"business_plan","reason":"holder_choice","comment":"Le porteur veut aller vite, confidentiel."}`},
		{"PUT", "next-action", `{"label":"Relire l'étude de marché","due":"2099-03-01"}`},
	} {
		if r := a.do(step.method, "/api/v1/creation-cases/"+id+"/"+step.path, cciA, step.body); r.status != 200 {
			t.Fatalf("%s %s: %d %s", step.method, step.path, r.status, r.body)
		}
	}
	read := func(token string) journeyView {
		r := a.do("GET", "/api/v1/creation-cases/"+id, token, "")
		if r.status != 200 {
			t.Fatalf("read: %d %s", r.status, r.body)
		}
		var v journeyView
		r.decode(t, &v)
		return v
	}
	cma := read(a.token("cma-a", "CMA", auth.RoleAdvisor))
	if cma.Stage != "business_plan" || cma.StageLabel != "Business plan" || cma.Status != "in_progress" ||
		cma.NextAction == nil || cma.NextAction.Label != "Relire l'étude de marché" || cma.NextAction.Due != "2099-03-01" {
		t.Fatalf("the shared chamber misses the header: %+v", cma)
	}
	if cma.Facts != nil || len(cma.Timeline) != 2 || cma.Timeline[1].Comment != "" || cma.Timeline[1].Reason != "holder_choice" {
		t.Fatalf("the shared chamber reads the lead chamber's follow-up: %+v", cma)
	}
	cci := read(a.token("cci-b", "CCI", auth.RoleAdvisor))
	if cci.Facts == nil || cci.Facts.Training.Course != "5 jours pour entreprendre" || len(cci.Timeline) != 2 ||
		!strings.Contains(cci.Timeline[1].Comment, "confidentiel") {
		t.Fatalf("the lead chamber misses its follow-up: %+v", cci)
	}
	var payload string
	if err := a.pool.QueryRow(a.ctx, `SELECT convert_from(payload, 'UTF8') FROM outbox
		WHERE topic LIKE 'creation.case.stage_changed%' ORDER BY id DESC LIMIT 1`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(payload, `"to":"business_plan"`) || strings.Contains(payload, "confidentiel") {
		t.Fatalf("the stage change event: %s", payload)
	}
}

func TestNotesArePrivateToTheirChamber(t *testing.T) {
	a := newAPI(t)
	id := a.open("CCI", "CMA", "cci-a")
	cma, cci := a.token("cma-a", "CMA", auth.RoleAdvisor), a.token("cci-a", "CCI", auth.RoleAdvisor)
	for _, n := range []string{`{"text":"Privé CMA : le porteur hésite."}`, `{"text":"Partagé : dossier Adie déposé.","shared":true}`} {
		if r := a.do("POST", "/api/v1/creation-cases/"+id+"/notes", cma, n); r.status != 201 {
			t.Fatalf("write note: %d %s", r.status, r.body)
		}
	}
	texts := func(token string) string {
		r := a.do("GET", "/api/v1/creation-cases/"+id+"/notes", token, "")
		if r.status != 200 {
			t.Fatalf("read notes: %d %s", r.status, r.body)
		}
		var v struct {
			Notes []struct{ Text string } `json:"notes"`
		}
		r.decode(t, &v)
		var out []string
		for _, n := range v.Notes {
			out = append(out, n.Text)
		}
		return strings.Join(out, " | ")
	}
	if got := texts(cci); got != "Partagé : dossier Adie déposé." {
		t.Fatalf("the CCI reads %q", got)
	}
	if got := texts(cma); got != "Privé CMA : le porteur hésite. | Partagé : dossier Adie déposé." {
		t.Fatalf("the CMA reads %q", got)
	}
	private := a.open("CCI", "", "cci-a")
	if r := a.do("GET", "/api/v1/creation-cases/"+private+"/notes", cma, ""); r.status != 403 {
		t.Fatalf("a chamber the case is not shared with read its notes: %d", r.status)
	}
	if r := a.do("POST", "/api/v1/creation-cases/"+private+"/notes", cma, `{"text":"x"}`); r.status != 403 {
		t.Fatalf("a chamber the case is not shared with wrote a note: %d", r.status)
	}
}

// TestCheckpointWithDifficultiesSignalsThePreventionCell: a checkpoint
// where the advisor saw difficulties in an active business puts
// creation.case.difficulty_seen in the outbox with the checkpoint, carrying
// the case's codes (NAF code and nomenclature, département, EPCI) and never
// its SIREN; a checkpoint without difficulties emits none.
func TestCheckpointWithDifficultiesSignalsThePreventionCell(t *testing.T) {
	a := newAPI(t)
	cmaA := a.token("cma-a", "CMA", auth.RoleAdvisor)
	registered := a.now.AddDate(0, -7, 0).Format(time.DateOnly)
	follow := func() string {
		id := a.openSubmitted(events.CreationSubmitted{NAFCode: "10.71C", NAFVersion: "NAFRev2", CommuneCode: "91228", Departement: "91",
			Routing: events.Routing{LeadChamber: "CMA", SecondaryChamber: "CCI", RuleID: "test", EPCI: "200056232"}}, "cma-a")
		for _, step := range []struct{ method, path, body string }{
			{"POST", "take-in-charge", ""},
			{"POST", "stage", `{"to":"formalities","reason":"done_elsewhere"}`},
			{"POST", "registration", `{"siren":"732829320","registered_on":"` + registered + `","legal_form":"SARL"}`},
		} {
			if r := a.do(step.method, "/api/v1/creation-cases/"+id+"/"+step.path, cmaA, step.body); r.status != 200 {
				t.Fatalf("%s %s: %d %s", step.method, step.path, r.status, r.body)
			}
		}
		return id
	}
	seen := func(caseID string) []string {
		t.Helper()
		rows, err := a.pool.Query(a.ctx, `SELECT convert_from(payload, 'UTF8') FROM outbox
			WHERE topic = 'creation.case.difficulty_seen.91' AND convert_from(payload, 'UTF8')::jsonb->>'case_id' = $1 ORDER BY id`, caseID)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	troubled, fine := follow(), follow()
	if r := a.do("POST", "/api/v1/creation-cases/"+troubled+"/checkpoints/1", cmaA,
		`{"still_active":true,"headcount":3,"difficulties":true}`); r.status != 200 {
		t.Fatalf("checkpoint with difficulties: %d %s", r.status, r.body)
	}
	if r := a.do("POST", "/api/v1/creation-cases/"+fine+"/checkpoints/1", cmaA, `{"still_active":true,"headcount":3}`); r.status != 200 {
		t.Fatalf("checkpoint without difficulties: %d %s", r.status, r.body)
	}
	if got := seen(fine); len(got) != 0 {
		t.Fatalf("a checkpoint without difficulties signalled: %v", got)
	}
	got := seen(troubled)
	if len(got) != 1 {
		t.Fatalf("%d signals for the checkpoint with difficulties, want 1", len(got))
	}
	var p events.CreationCaseDifficultySeen
	if err := json.Unmarshal([]byte(got[0]), &p); err != nil {
		t.Fatal(err)
	}
	c, _, err := a.store.Case(a.ctx, troubled)
	if err != nil {
		t.Fatal(err)
	}
	if p.CaseID != troubled || p.RequestID != c.RequestID || p.Chamber != "CMA" || p.SecondaryChamber != "CCI" ||
		p.AdvisorID != "cma-a" || p.NAFCode != "10.71C" || p.NAFVersion != "NAFRev2" || p.Departement != "91" ||
		p.EPCI != "200056232" || p.CheckpointIndex != 0 || p.CheckpointLabel != "6 mois" || !p.SeenAt.Equal(a.now) || p.Validate() != nil {
		t.Fatalf("signal = %+v", p)
	}
	if strings.Contains(got[0], "732829320") || strings.Contains(got[0], "siren") {
		t.Fatalf("the SIREN left the service: %s", got[0])
	}
	// The SIREN goes in one event only, on the confidential PREVENTION
	// stream's subject, which difficulty-alert alone reads; nothing else in
	// the outbox carries it.
	rows, err := a.pool.Query(a.ctx, `SELECT topic, convert_from(payload, 'UTF8') FROM outbox
		WHERE convert_from(payload, 'UTF8') LIKE '%732829320%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Topic, Payload string }
	named, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		t.Fatal(err)
	}
	if len(named) != 1 || named[0].Topic != "prevention.observation.identified.91" {
		t.Fatalf("outbox rows naming the SIREN: %v, want the one identity on PREVENTION", named)
	}
	var id events.PreventionObservationIdentified
	if err := json.Unmarshal([]byte(named[0].Payload), &id); err != nil {
		t.Fatal(err)
	}
	if id.CaseID != troubled || id.RequestID != c.RequestID || id.CheckpointIndex != 0 || id.SIREN != "732829320" || !id.ObservedAt.Equal(a.now) || id.Validate() != nil {
		t.Fatalf("identity = %+v", id)
	}
}
