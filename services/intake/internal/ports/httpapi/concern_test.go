package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// TestConcernNamesTheOfferBusinessToDifficultyAlertOnly: when a takeover
// advisor raises a concern about an offer, intake names its business
// (the SIREN and SIRET it keeps, a confidential offer's too) on the
// confidential stream, once however often the event comes; an unknown
// request, another kind of request and an anonymised offer name nothing
// and are not errors (the event is acked).
func TestConcernNamesTheOfferBusinessToDifficultyAlertOnly(t *testing.T) {
	e := setup(t)
	submit := func(path, body string) string {
		r := e.do(t, http.MethodPost, path, "application/json", "", []byte(body))
		if r.status != http.StatusAccepted {
			t.Fatalf("submit %s: %d %v", path, r.status, r.body)
		}
		return str(r.body["request_id"])
	}
	offerID, reportID := submit(httpapi.TakeoverOfferPath, offerJSON), submit(httpapi.DifficultyPath, difficultyJSON)
	uc := app.IdentifyConcernedBusiness{Offers: e.store}
	seen := func(requestID string) (events.Event, events.TakeoverOfferDifficultySeen) {
		p := events.TakeoverOfferDifficultySeen{OfferID: uuid.Must(uuid.NewV7()).String(), ConcernID: uuid.Must(uuid.NewV7()).String(),
			RequestID: requestID, Chamber: "CMA", AdvisorID: "cma-91-005", NAFCode: "10.71C", Departement: "91",
			Concerns: []string{events.ConcernCashFlow}, SeenAt: time.Now().UTC().Truncate(time.Second)}
		ev, err := events.New("takeover-matching", p.OfferID, "91", p, p.SeenAt)
		if err != nil {
			t.Fatal(err)
		}
		return ev, p
	}
	identities := func() [][3][]byte {
		rows, err := e.pool.Query(e.ctx, `SELECT topic, headers, payload FROM outbox WHERE topic LIKE 'prevention.concern.%' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out [][3][]byte
		for rows.Next() {
			var topic string
			var headers, payload []byte
			if err := rows.Scan(&topic, &headers, &payload); err != nil {
				t.Fatal(err)
			}
			out = append(out, [3][]byte{[]byte(topic), headers, payload})
		}
		return out
	}

	ev, p := seen(offerID)
	for range 2 {
		if err := uc.Handle(e.ctx, ev, p); err != nil {
			t.Fatal(err)
		}
	}
	got := identities()
	if len(got) != 1 {
		t.Fatalf("%d identities queued, want 1 for the event handled twice", len(got))
	}
	if topic := string(got[0][0]); topic != "prevention.concern.identified.91" {
		t.Errorf("topic %q, want prevention.concern.identified.91", topic)
	}
	var h map[string][]string
	if err := json.Unmarshal(got[0][1], &h); err != nil {
		t.Fatal(err)
	}
	out, err := events.FromMessage(string(got[0][0]), h, got[0][2])
	if err != nil {
		t.Fatalf("outbox row is not a valid event: %v", err)
	}
	id, err := events.Decode[events.PreventionConcernIdentified](out)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if out.Subject != p.OfferID || out.Source != "/intake" || id.OfferID != p.OfferID || id.ConcernID != p.ConcernID ||
		id.RequestID != offerID || id.SIREN != "443061841" || id.SIRET != "44306184100047" || !id.ObservedAt.Equal(p.SeenAt) {
		t.Errorf("identity %+v (subject %s, source %s)", id, out.Subject, out.Source)
	}
	for _, s := range []string{"Marc", "Lefèvre", "Lyon", "91228"} {
		if bytes.Contains(got[0][2], []byte(s)) {
			t.Errorf("identity carries %q", s)
		}
	}

	if _, err := e.store.AnonymiseSubmittedBefore(e.ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for name, requestID := range map[string]string{"unknown request": uuid.Must(uuid.NewV7()).String(),
		"difficulty report": reportID, "anonymised offer": offerID} {
		ev, p := seen(requestID)
		if err := uc.Handle(e.ctx, ev, p); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if n := len(identities()); n != 1 {
			t.Errorf("%s: %d identities, want still 1", name, n)
		}
	}
}
