package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/mailer"
)

// TestRecoveries: a fault's recovery runs from its end to the last done of
// the requests in flight or accepted while it lasted; requests already done
// when it began, rejected ones and unrouted ones (which open nothing) do not
// count, and one never done is counted apart.
func TestRecoveries(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	fault := faultRun{name: "restart NATS", start: at(10), end: at(15)}
	records := []record{
		{requestID: "done-before", status: http.StatusAccepted, sent: at(5)},
		{requestID: "in-flight", status: http.StatusAccepted, sent: at(9.9)},
		{requestID: "during", status: http.StatusAccepted, sent: at(12)},
		{requestID: "after", status: http.StatusAccepted, sent: at(16)},
		{requestID: "later", status: http.StatusAccepted, sent: at(17)},
		{requestID: "lost", status: http.StatusAccepted, sent: at(13)},
		{requestID: "unrouted", status: http.StatusAccepted, sent: at(13)},
		{status: http.StatusServiceUnavailable, sent: at(11)},
		{status: 0, sent: at(14)},
		{status: 0, sent: at(20)}, // after the fault: not counted as its rejection
	}
	doneAt := map[string]time.Time{
		"done-before": at(6), "in-flight": at(18), "during": at(21), "after": at(16.5), "later": at(17.2),
	}
	got := recoveries([]faultRun{fault}, records, doneAt, map[string]bool{"unrouted": true})
	if len(got) != 1 {
		t.Fatalf("%d recoveries, want 1", len(got))
	}
	r := got[0]
	if r.drained != 6*time.Second || r.firstNew != 1500*time.Millisecond || r.rejected != 2 || r.notDone != 1 {
		t.Fatalf("drained %s, first new %s, rejected %d, not done %d; want 6s, 1.5s, 2, 1", r.drained, r.firstNew, r.rejected, r.notDone)
	}
}

// TestScheduleFitsTheDuration: the default faults fit the default
// duration with calm between them, and a duration too short for them is
// refused with the duration they need.
func TestScheduleFitsTheDuration(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	o.pgCluster = "15/main" // run looks it up in pg_lsclusters
	p, err := schedule(o)
	if err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	if len(p.faults) != 8 || p.gap < minGap {
		t.Fatalf("%d faults, gap %s; want 8 (five services, NATS, Postgres, the cut) and at least %s", len(p.faults), p.gap, minGap)
	}
	o.duration = 2 * time.Minute
	if _, err := schedule(o); err == nil || !strings.Contains(err.Error(), "at least") {
		t.Fatalf("a 2 min soak with a 2 min cut: %v, want a refusal naming the duration needed", err)
	}
	o.cutRole = "nobody"
	o.duration = time.Hour
	if _, err := schedule(o); err == nil {
		t.Fatal("a cut of an unknown service was accepted")
	}
}

func TestKeysByMessageID(t *testing.T) {
	id := mailer.MessageID("n:0195a1b2-4000-7111-8222-333344445555", "ccicma.example")
	msgs := []mailcatch.Message{{Raw: "Message-Id: <" + id + ">\r\nSubject: x\r\n\r\nbody"}}
	got := keysByMessageID(map[string]bool{"n:0195a1b2-4000-7111-8222-333344445555": true, "n:other": true}, msgs)
	if got[id] != "n:0195a1b2-4000-7111-8222-333344445555" || len(got) != 2 {
		t.Fatalf("keys by Message-ID %v, want the caught e-mail's key under %s", got, id)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-duration", "90s", "-rate", "50", "-faults", "services,nats"})
	if err != nil || o.duration != 90*time.Second || o.rate != 50 || strings.Join(o.faults, ",") != "services,nats" {
		t.Fatalf("parsed %+v, %v", o, err)
	}
	if _, err := parseFlags([]string{"-faults", "meteor"}); err == nil {
		t.Fatal("an unknown fault was accepted")
	}
}
