package httpapi_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

// TestConcernsAreTheLeadChambersFollowUp: the case's view lists its
// concerns newest first, to the lead chamber and the case's advisor, as
// its checkpoints; the chamber it is shared with reads neither, and may
// not raise one. Once the follow-up is closed no concern is raised, even
// on a day that had none.
func TestConcernsAreTheLeadChambersFollowUp(t *testing.T) {
	a := newAPI(t)
	cmaA, cmaB, cciA := a.token("cma-a", "CMA", auth.RoleAdvisor), a.token("cma-b", "CMA", auth.RoleAdvisor), a.token("cci-a", "CCI", auth.RoleAdvisor)
	registered := a.now.AddDate(0, -7, 0).Format(time.DateOnly)
	id := a.openSubmitted(events.CreationSubmitted{NAFCode: "10.71C", CommuneCode: "91228", Departement: "91",
		Routing: events.Routing{LeadChamber: "CMA", SecondaryChamber: "CCI", RuleID: "test"}}, "cma-a")
	for _, step := range []struct{ path, body string }{
		{"take-in-charge", ""},
		{"stage", `{"to":"formalities","reason":"done_elsewhere"}`},
		{"registration", `{"siren":"732829320","registered_on":"` + registered + `","legal_form":"SARL"}`},
	} {
		if r := a.do("POST", "/api/v1/creation-cases/"+id+"/"+step.path, cmaA, step.body); r.status != 200 {
			t.Fatalf("POST %s: %d %s", step.path, r.status, r.body)
		}
	}
	concern := "/api/v1/creation-cases/" + id + "/difficulty-concerns"
	if r := a.do("POST", concern, cciA, `{"concerns":["cash_flow"]}`); r.status != 403 {
		t.Fatalf("the shared chamber raised a concern: %d %s", r.status, r.body)
	}
	if r := a.do("POST", concern, cmaA, `{"concerns":["cash_flow"]}`); r.status != 201 {
		t.Fatalf("raise: %d %s", r.status, r.body)
	}
	a.now = a.now.Add(24 * time.Hour)
	if r := a.do("POST", concern, cmaA, `{"concerns":["owner_wellbeing","activity_drop"]}`); r.status != 201 {
		t.Fatalf("raise the next day: %d %s", r.status, r.body)
	}

	type view struct {
		Concerns []struct {
			AdvisorID string    `json:"advisor_id"`
			Concerns  []string  `json:"concerns"`
			RaisedAt  time.Time `json:"raised_at"`
		} `json:"difficulty_concerns"`
	}
	read := func(token string) (view, string) {
		r := a.do("GET", "/api/v1/creation-cases/"+id, token, "")
		if r.status != 200 {
			t.Fatalf("read: %d %s", r.status, r.body)
		}
		var v view
		r.decode(t, &v)
		return v, r.body
	}
	for _, token := range []string{cmaA, cmaB} {
		v, _ := read(token)
		if len(v.Concerns) != 2 || !slices.Equal(v.Concerns[0].Concerns, []string{"owner_wellbeing", "activity_drop"}) ||
			!slices.Equal(v.Concerns[1].Concerns, []string{"cash_flow"}) || !v.Concerns[0].RaisedAt.After(v.Concerns[1].RaisedAt) ||
			v.Concerns[0].AdvisorID != "cma-a" {
			t.Fatalf("the lead chamber reads %+v, want both, newest first", v.Concerns)
		}
	}
	if _, body := read(cciA); strings.Contains(body, "difficulty_concerns") || strings.Contains(body, "owner_wellbeing") {
		t.Fatalf("the shared chamber reads the concerns: %s", body)
	}

	// The business ceased: the follow-up is over.
	if r := a.do("POST", "/api/v1/creation-cases/"+id+"/checkpoints/1", cmaA, `{"still_active":false}`); r.status != 200 {
		t.Fatalf("checkpoint: %d %s", r.status, r.body)
	}
	a.now = a.now.Add(24 * time.Hour)
	before := a.outboxRows()
	if r := a.do("POST", concern, cmaA, `{"concerns":["cash_flow"]}`); r.status != 409 {
		t.Fatalf("a concern about a closed case: %d %s, want 409", r.status, r.body)
	}
	if after := a.outboxRows(); after != before {
		t.Fatalf("the refused concern wrote %d outbox rows", after-before)
	}
}
