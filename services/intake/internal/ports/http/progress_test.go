package http_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	httpport "github.com/ccicma/platform/services/intake/internal/ports/http"
)

// TestStatusFollowsTheCase: creation.case.opened with an advisor moves the
// request to "assigned", once; a case without an advisor changes nothing;
// a difficulty report's status stays confidential whatever happens.
func TestStatusFollowsTheCase(t *testing.T) {
	e := setup(t)
	track := app.TrackCase{Progress: postgres.New(e.pool, e.waker)}
	opened := func(requestID, advisor string) (events.Event, events.CreationCaseOpened) {
		p := events.CreationCaseOpened{CaseID: "01900000-0000-7000-8000-00000000c0de", RequestID: requestID,
			Chamber: "CMA", AdvisorID: advisor, CommuneCode: "91228", Departement: "91", OpenedAt: time.Now()}
		ev, err := events.New("creation-support", p.CaseID, "91", p, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return ev, p
	}
	status := func(path string) string {
		r := e.do(t, http.MethodGet, path, "", "", nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.status)
		}
		return str(r.body["status"])
	}

	created := e.post(t, bakery, "")
	id := str(created.body["request_id"])
	path := "/api/v1/creation-requests/" + id

	ev, p := opened(id, "")
	if err := track.CaseOpened(e.ctx, ev, p); err != nil {
		t.Fatal(err)
	}
	if got := status(path); got != "received" {
		t.Fatalf("after an unassigned case: status %q, want received", got)
	}
	ev, p = opened(id, "cma-91-001")
	for range 2 { // a redelivery changes nothing
		if err := track.CaseOpened(e.ctx, ev, p); err != nil {
			t.Fatal(err)
		}
	}
	if got := status(path); got != "assigned" {
		t.Fatalf("after the case opened: status %q, want assigned", got)
	}

	report := e.do(t, http.MethodPost, httpport.DifficultyPath, "application/json", "", []byte(difficultyJSON))
	rid := str(report.body["request_id"])
	ev, p = opened(rid, "cma-91-002")
	if err := track.CaseOpened(e.ctx, ev, p); err != nil {
		t.Fatal(err)
	}
	if got := status(httpport.DifficultyPath + "/" + rid); got != "received" {
		t.Fatalf("difficulty report status %q, want received (confidential)", got)
	}
}
