package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// TestAnonymiseAfterRetention: requests older than the retention period
// lose their personal data and idempotency keys, once; younger ones keep
// them; the status of an anonymised request still answers.
func TestAnonymiseAfterRetention(t *testing.T) {
	e := setup(t)
	old := str(e.post(t, bakery, "old-request-0001").body["request_id"])
	report := e.do(t, http.MethodPost, httpapi.DifficultyPath, "application/json", "old-report-0001", []byte(difficultyJSON))
	oldReport := str(report.body["request_id"])
	young := str(e.post(t, bakery, "young-request-01").body["request_id"])
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET submitted_at = now() - interval '4 years' WHERE request_id = ANY($1::uuid[])`,
		[]string{old, oldReport}); err != nil {
		t.Fatal(err)
	}
	uc := app.AnonymiseRequests{Requests: postgres.New(e.pool, e.waker), After: 3 * 365 * 24 * time.Hour,
		Now: func() time.Time { return time.Now().UTC() }}
	n, err := uc.Run(e.ctx)
	if err != nil || n != 2 {
		t.Fatalf("anonymised %d requests (err %v), want 2", n, err)
	}
	if n, err := uc.Run(e.ctx); err != nil || n != 0 {
		t.Fatalf("second run anonymised %d (err %v), want 0", n, err)
	}
	details := func(id string) string {
		var d string
		if err := e.pool.QueryRow(e.ctx, `SELECT details::text FROM requests WHERE request_id = $1`, id).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, id := range []string{old, oldReport} {
		d := details(id)
		for _, s := range append(personalData, contactData...) {
			if strings.Contains(d, s) {
				t.Errorf("request %s still holds %q after anonymisation: %s", id, s, d)
			}
		}
	}
	if d := details(young); !strings.Contains(d, "ines.moreau@example.fr") {
		t.Errorf("a young request lost its data: %s", d)
	}
	var keys int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM idempotency_keys`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != 1 {
		t.Errorf("%d idempotency keys left, want only the young request's", keys)
	}
	if r := e.do(t, http.MethodGet, "/api/v1/creation-requests/"+old, "", "", nil); r.status != http.StatusOK {
		t.Errorf("status of an anonymised request: %d", r.status)
	}
}
