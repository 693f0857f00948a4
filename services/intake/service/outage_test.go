package service_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// bakeryForm is a valid creation form, as a browser posts it.
func bakeryForm() url.Values {
	return url.Values{
		"applicant.first_name": {"Inès"}, "applicant.last_name": {"Moreau"}, "applicant.email": {"ines.moreau@example.fr"},
		"applicant.phone": {"06 12 34 56 78"}, "project.description": {"Ouverture d'une boulangerie-pâtisserie artisanale"},
		"project.naf_code": {"1071C"}, "project.legal_form": {"SARL"}, "project.planned_start": {"2027-03-01"},
		"project.planned_headcount": {"3"}, "project.siret": {""}, "project.postcode": {"91000"}, "project.commune_code": {""},
		"website": {""}, "form_token": {"DDDDDDDDDDDDDDDDDDDDDD"}, "action": {"send"},
	}
}

// TestSubmissionsAcceptedWhileNATSIsDown: with NATS stopped, intake says
// it is degraded (200, its outbox backlog given) rather than unready, and
// a creation request sent to the API (202) and one sent through the form
// (303 to its status page) are stored with their outbox events; NATS back,
// the relay publishes both to INTAKE and intake is ready again.
func TestSubmissionsAcceptedWhileNATSIsDown(t *testing.T) {
	t.Parallel()
	h := start(t)
	if r := testkit.ReadyZ(t, h.URL); r.Code != http.StatusOK || r.Status != "ready" {
		t.Fatalf("/readyz at start: %d %+v, want 200 ready", r.Code, r)
	}

	h.NATS.Stop(t)
	if r := testkit.WaitReadyZ(t, h.URL, "degraded"); r.Code != http.StatusOK || r.Checks["nats"].OK || !r.Checks["postgres"].OK {
		t.Errorf("/readyz with NATS down: %d %+v, want 200 degraded, NATS down", r.Code, r)
	}
	api := send(t, http.MethodPost, h.URL+httpapi.CreationPath, "203.0.113.7", bakery)
	if api.status != http.StatusAccepted {
		t.Fatalf("API submission with NATS down: %d %s, want 202", api.status, api.body)
	}
	var accepted struct {
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(api.body, &accepted); err != nil || accepted.RequestID == "" {
		t.Fatalf("202 body %s: %v", api.body, err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequest(http.MethodPost, h.URL+"/creation", strings.NewReader(bakeryForm().Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "198.51.100.9")
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/suivi/") {
		t.Fatalf("form submission with NATS down: %d to %q, want 303 to its status page", res.StatusCode, res.Header.Get("Location"))
	}

	if n := h.DB.Count(t, `SELECT count(*) FROM intake.requests WHERE kind = 'creation'`); n != 2 {
		t.Errorf("%d creation requests stored, want 2", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM intake.requests WHERE request_id = $1`, accepted.RequestID); n != 1 {
		t.Errorf("the API's request %s stored %d times, want once", accepted.RequestID, n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM intake.outbox WHERE sent_at IS NULL AND topic = 'intake.creation.submitted.91'`); n != 2 {
		t.Errorf("%d intake.creation.submitted events held in the outbox, want 2", n)
	}
	if r := testkit.ReadyZ(t, h.URL); r.Code != http.StatusOK || r.Checks["nats"].Detail != "outbox backlog: 2 (held until NATS is back)" {
		t.Errorf("/readyz with two submissions held: %d %+v, want 200 and a backlog of 2", r.Code, r)
	}

	h.NATS.Restart(t)
	if got := h.Published(t, events.StreamIntake); got["intake.creation.submitted.91"] != 2 {
		t.Errorf("INTAKE holds %v, want the two submissions made while NATS was down", got)
	}
	var published events.CreationSubmitted
	h.LastEvent(t, events.StreamIntake, "intake.creation.submitted.91", &published)
	if n := h.DB.Count(t, `SELECT count(*) FROM intake.requests WHERE request_id::text = $1`, published.RequestID); n != 1 {
		t.Errorf("last intake.creation.submitted is of request %q, not one stored", published.RequestID)
	}
	testkit.WaitReadyZ(t, h.URL, "ready")
}
