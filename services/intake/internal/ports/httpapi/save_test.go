package httpapi_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// TestSubmissionIsAllOrNothing: a request without idempotency key goes
// with its events in one pipeline; when its outbox row cannot be written
// the request is not stored either, and the relay is not woken.
func TestSubmissionIsAllOrNothing(t *testing.T) {
	e := setup(t)
	store := postgres.New(e.pool, e.waker)
	commune, ok := ref.Commune("91228")
	if !ok {
		t.Fatal("commune 91228 unknown")
	}
	c := request.Creation{ID: uuid.Must(uuid.NewV7()).String(), Description: "Boulangerie artisanale",
		Commune: commune, Routing: events.Routing{LeadChamber: "CMA", RuleID: "test"}, SubmittedAt: time.Now().UTC()}
	ev, err := events.New("intake", c.ID, "91", events.CreationSubmitted{RequestID: c.ID, CommuneCode: c.Commune.Code,
		Departement: "91", Routing: c.Routing}, c.SubmittedAt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveCreation(e.ctx, c, nil, []events.Event{ev}); err != nil {
		t.Fatal(err)
	}
	woken := e.waker.n.Load()

	again := c
	again.ID = uuid.Must(uuid.NewV7()).String()
	if _, err := store.SaveCreation(e.ctx, again, nil, []events.Event{ev}); err == nil { // the event id is taken
		t.Fatal("a request whose event could not be stored was accepted")
	}
	var n int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM requests WHERE request_id = $1`, again.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("the request was stored without its event")
	}
	if e.waker.n.Load() != woken {
		t.Errorf("the relay was woken for a failed submission")
	}
}
