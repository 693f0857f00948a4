package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// TestStepsInOneBatch: the steps of a batch are applied in order, once
// each; a poison event found when the batch's statements are sent fails
// alone while the others commit.
func TestStepsInOneBatch(t *testing.T) {
	e := progressEnv{env: setup(t), t0: time.Now().UTC().Add(-time.Hour)}
	e.track = app.TrackCase{Progress: postgres.New(e.pool, e.waker)}
	id := str(e.post(t, bakery, "").body["request_id"])
	other := str(e.post(t, bakery, "").body["request_id"])
	opened := func(request, advisor string, at time.Time) events.Event {
		return e.event(t, caseID, events.CreationCaseOpened{CaseID: caseID, RequestID: request, Chamber: "CMA",
			AdvisorID: advisor, CommuneCode: "91228", Departement: "91", OpenedAt: at})
	}
	first := opened(id, "cma-91-001", e.t0)
	taken := e.event(t, caseID, events.CreationCaseTakenInCharge{CaseID: caseID, RequestID: id, Chamber: "CMA",
		AdvisorID: "cma-91-001", TakenAt: e.t0.Add(time.Minute)})
	poison := opened(other, "cma-91-001", e.t0)
	poison.ID = "not-a-uuid" // the inbox claim refuses it
	handle := func(ctx context.Context, ev events.Event) error {
		switch ev.Type {
		case events.CreationCaseOpened{}.EventName().Type():
			p, err := events.Decode[events.CreationCaseOpened](ev)
			if err != nil {
				return err
			}
			return e.track.CaseOpened(ctx, ev, p)
		default:
			p, err := events.Decode[events.CreationCaseTakenInCharge](ev)
			if err != nil {
				return err
			}
			return e.track.CaseTakenInCharge(ctx, ev, p)
		}
	}
	var items []natsbus.Item
	for _, ev := range []events.Event{first, poison, taken, first, opened(other, "", e.t0)} {
		items = append(items, natsbus.Item{Ctx: e.ctx, Event: ev})
	}
	errs := inbox.Batcher{Pool: e.pool}.RunBatch(items, handle)

	for i, err := range errs {
		if (i == 1) != (err != nil) {
			t.Errorf("item %d: err = %v", i, err)
		}
	}
	e.expect(t, httpapi.CreationPath+"/"+id, "opened then taken in one batch", "in_charge", "CMA")
	e.expect(t, httpapi.CreationPath+"/"+other, "opened without advisor", "received", "CMA")
	var n int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM inbox WHERE consumer = 'intake'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("%d inbox claims, want 3 (the distinct events but the poison one)", n)
	}
}
