package stack_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"
)

// TestServiceStoppedAndStartedAgain stops creation-support alone while the
// platform runs: a request accepted meanwhile waits in its stream, no case
// is opened while the service is down, and the service started again (on
// the address it had) opens exactly one case, which advisor-desk notifies.
// Stopping intake makes its address refuse connections until it is back.
func TestServiceStoppedAndStartedAgain(t *testing.T) {
	r := startStack(t)
	ctx := context.Background()
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	before := r.st.URL("creation-support")

	if err := r.st.StopService(ctx, "creation-support"); err != nil {
		t.Fatalf("stop creation-support: %v", err)
	}
	if err := r.st.StopService(ctx, "creation-support"); err == nil {
		t.Fatal("stopping a stopped service did not fail")
	}
	code, out := post(t, r.st.URL("intake")+"/api/v1/creation-requests", bakery, "restart-0001")
	if code != http.StatusAccepted {
		t.Fatalf("POST with creation-support down answered %d: %v", code, out)
	}
	requestID, _ := out["request_id"].(string)
	// The event reaches the stream and stays there: the relay has sent it.
	testkit.Eventually(t, 10*time.Second, "intake's outbox sent", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM intake.outbox WHERE sent_at IS NULL`) == 0, nil
	})
	if n := r.db.Count(t, `SELECT count(*) FROM creation_support.creation_cases`); n != 0 {
		t.Fatalf("%d cases opened while creation-support was stopped", n)
	}

	if err := r.st.StartService(ctx, "creation-support"); err != nil {
		t.Fatalf("start creation-support again: %v", err)
	}
	if err := r.st.StartService(ctx, "creation-support"); err == nil {
		t.Fatal("starting a running service did not fail")
	}
	if after := r.st.URL("creation-support"); after != before {
		t.Fatalf("creation-support came back on %s, was %s", after, before)
	}
	testkit.Eventually(t, 30*time.Second, "case opened and notified after the restart", func() (bool, error) {
		return r.db.Count(t, `SELECT count(*) FROM advisor_desk.notifications n
			JOIN creation_support.creation_cases c ON n.link = '/dossiers/creation/' || c.case_id::text
			WHERE c.request_id = $1`, requestID) == 1, nil
	})
	if a := testkit.Call(t, http.MethodGet, before+"/readyz", "", ""); a.Status != http.StatusOK {
		t.Fatalf("restarted creation-support's /readyz answered %d", a.Status)
	}

	intake := r.st.URL("intake")
	if err := r.st.StopService(ctx, "intake"); err != nil {
		t.Fatalf("stop intake: %v", err)
	}
	if resp, err := http.Get(intake + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatalf("stopped intake answered %d", resp.StatusCode)
	}
	if err := r.st.StartService(ctx, "intake"); err != nil {
		t.Fatalf("start intake again: %v", err)
	}
	if code, out := post(t, intake+"/api/v1/creation-requests", bakery, "restart-0002"); code != http.StatusAccepted {
		t.Fatalf("POST to the restarted intake answered %d: %v", code, out)
	}
	if n := r.db.Count(t, `SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`, requestID); n != 1 {
		t.Fatalf("%d cases of the first request, want 1", n)
	}
}
