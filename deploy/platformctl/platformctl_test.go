package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/creation-support/service"
)

// ctl runs platformctl with args against n as its own NATS user, with
// stdin as the operator's answers, and returns what it printed.
func ctl(t *testing.T, n *testkit.NATS, stdin string, args ...string) string {
	t.Helper()
	out, err := try(t, n, stdin, args...)
	if err != nil {
		t.Fatalf("platformctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func try(t *testing.T, n *testkit.NATS, stdin string, args ...string) (string, error) {
	t.Helper()
	t.Setenv("PLATFORMCTL_NATS_URL", n.URL)
	t.Setenv("PLATFORMCTL_NATS_PASSWORD", n.Passwords[natsbus.OperatorUser])
	var out bytes.Buffer
	err := run(testkit.Context(t), args, strings.NewReader(stdin), &out)
	return out.String(), err
}

// startCreationSupport runs creation-support, whose consumers give up on
// an event after two deliveries 50 ms apart.
func startCreationSupport(t *testing.T) *testkit.Harness {
	t.Helper()
	h := testkit.NewHarness(t, service.Name, service.Schema)
	cfg := testkit.Load(h, service.LoadConfig)
	cfg.ConsumerMaxDeliver, cfg.ConsumerBackoff = 2, []time.Duration{50 * time.Millisecond}
	h.Serve(service.New(h.Ctx, cfg, testkit.Quiet()))
	return h
}

func submitted(requestID string) events.CreationSubmitted {
	return events.CreationSubmitted{RequestID: requestID, NAFCode: "10.71C", NAFVersion: "NAFRev2", CommuneCode: "91228",
		Departement: "91", PlannedHeadcount: 2, SubmittedAt: time.Now(),
		Routing: events.Routing{LeadChamber: "CMA", RuleID: "test", Reason: "test"}}
}

// deadLetterCount is how many dead letters DEADLETTER holds.
func deadLetterCount(t *testing.T, h *testkit.Harness) uint64 {
	t.Helper()
	st, err := h.JS.Stream(h.Ctx, events.DeadLetterStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(h.Ctx, jetstream.WithSubjectFilter(events.DeadLetterPrefix+".>"))
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, c := range info.State.Subjects {
		n += c
	}
	return n
}

// redriveCaughtUp waits until the service has settled everything REDRIVE
// holds for it.
func redriveCaughtUp(t *testing.T, h *testkit.Harness) {
	t.Helper()
	st, err := h.JS.Stream(h.Ctx, events.RedriveStream)
	if err != nil {
		t.Fatal(err)
	}
	h.CaughtUp(t, testkit.Sent{Stream: events.RedriveStream, Seq: st.CachedInfo().State.LastSeq})
}

const casesOf = `SELECT count(*) FROM creation_support.creation_cases WHERE request_id = $1`

// TestRedriveAfterFailures: requests whose case cannot be stored (a
// trigger refuses it: an error of the event's, not an outage) are
// dead-lettered; platformctl lists and shows them; once the cause is gone,
// a redrive of all of them gives every request exactly one case and
// empties DEADLETTER; redriving an event already applied opens nothing
// more.
func TestRedriveAfterFailures(t *testing.T) {
	h := startCreationSupport(t)
	if _, err := h.DB.Exec(h.Ctx, `
		CREATE FUNCTION creation_support.refuse() RETURNS trigger LANGUAGE plpgsql AS
			$$BEGIN RAISE EXCEPTION 'refused by the test'; END$$;
		CREATE TRIGGER refuse BEFORE INSERT ON creation_support.creation_cases
			FOR EACH ROW EXECUTE FUNCTION creation_support.refuse()`); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 3 {
		id := fmt.Sprintf("01900000-0000-7000-8000-%012d", i+1)
		ids = append(ids, id)
		h.Publish(t, h.Event(t, "intake", id, submitted(id)))
	}
	testkit.Eventually(t, testkit.Wait, "3 requests dead-lettered", func() (bool, error) {
		return deadLetterCount(t, h) == 3, nil
	})

	list := ctl(t, h.NATS, "", "deadletters", "list", "--consumer", service.Name, "--reason", "REFUSED")
	if !strings.Contains(list, "3 dead letter(s)") || strings.Count(list, "intake.creation.submitted.91") != 3 {
		t.Fatalf("list:\n%s\nwant the 3 dead letters with their subject and reason", list)
	}
	if other := ctl(t, h.NATS, "", "deadletters", "list", "--consumer", "takeover-matching"); !strings.Contains(other, "0 dead letter(s)") {
		t.Fatalf("list of another consumer:\n%s", other)
	}
	seq := strings.Fields(strings.Split(list, "\n")[1])[0]
	show := ctl(t, h.NATS, "", "deadletters", "show", seq)
	for _, want := range []string{"refused by the test", events.HeaderDeadConsume + ": " + service.Name, `"request_id": "` + ids[0] + `"`} {
		if !strings.Contains(show, want) {
			t.Fatalf("show %s:\n%s\nwant %q", seq, show, want)
		}
	}
	dlStream, err := h.JS.Stream(h.Ctx, events.DeadLetterStream)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := dlStream.GetMsg(h.Ctx, dlStream.CachedInfo().State.LastSeq)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := h.DB.Exec(h.Ctx, `DROP TRIGGER refuse ON creation_support.creation_cases`); err != nil {
		t.Fatal(err)
	}
	if out := ctl(t, h.NATS, "", "deadletters", "redrive", "--all"); !strings.Contains(out, "redriven 3 of 3") {
		t.Fatalf("redrive --all:\n%s", out)
	}
	for _, id := range ids {
		h.DB.WaitCount(t, "case of "+id, 1, casesOf, id)
	}
	redriveCaughtUp(t, h)
	if n := deadLetterCount(t, h); n != 0 {
		t.Fatalf("DEADLETTER holds %d dead letters after the redrive, want 0", n)
	}

	// The same dead letter again (as if the redrive had been run twice):
	// the inbox absorbs it.
	admin, _ := h.NATS.Admin(t)
	copyMsg := nats.NewMsg(kept.Subject)
	copyMsg.Header, copyMsg.Data = kept.Header, kept.Data
	copyMsg.Header.Set(events.HeaderMsgID, "second-copy")
	if err := admin.PublishMsg(copyMsg); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, testkit.Wait, "the copy dead letter stored", func() (bool, error) { return deadLetterCount(t, h) == 1, nil })
	if out := ctl(t, h.NATS, "", "deadletters", "redrive", "--consumer", service.Name); !strings.Contains(out, "redriven 1 of 1") {
		t.Fatalf("redrive of an applied event:\n%s", out)
	}
	redriveCaughtUp(t, h)
	for _, id := range ids {
		if n := h.DB.Count(t, casesOf, id); n != 1 {
			t.Errorf("request %s has %d cases, want 1", id, n)
		}
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM creation_support.outbox`); n != len(ids) {
		t.Errorf("%d events emitted, want %d (one case opened each)", n, len(ids))
	}
	if n := deadLetterCount(t, h); n != 0 {
		t.Errorf("DEADLETTER holds %d dead letters, want 0", n)
	}
}

// advisorsSnapshot is the directory part of the service's projection.
const advisorsSnapshot = `SELECT coalesce(string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', advisor_id, revision, chamber,
	departements, communes, epcis, specialities, roles, capacity, active, absent_until), E'\n' ORDER BY advisor_id), '')
	FROM creation_support.advisors`

// TestReplayRebuildsProjection: after the advisors projection of
// creation-support is deleted, a replay of ADVISOR (from a sequence, then
// from a time) rebuilds it as it was, late revisions included; events of
// the stream creation-support does not consume are skipped.
func TestReplayRebuildsProjection(t *testing.T) {
	h := startCreationSupport(t)
	absent := time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)
	for _, p := range []events.AdvisorUpdated{
		{AdvisorID: "cma-91-a", Revision: 1, Chamber: "CMA", Departements: []string{"91"}, Specialities: []string{"creation"}, Capacity: 10, Active: true},
		{AdvisorID: "cma-91-b", Revision: 1, Chamber: "CMA", Departements: []string{"91", "77"}, Roles: []string{"manager"}, Capacity: 5, Active: true},
		{AdvisorID: "cma-91-a", Revision: 2, Chamber: "CMA", Departements: []string{"91"}, Specialities: []string{"creation"}, Capacity: 12, Active: true, AbsentUntil: &absent},
		{AdvisorID: "cci-91-c", Revision: 3, Chamber: "CCI", Departements: []string{"91"}, Capacity: 8, Active: false},
		{AdvisorID: "cma-91-a", Revision: 1, Chamber: "CMA", Capacity: 1, Active: false}, // older than what it has: ignored
	} {
		p.UpdatedAt = time.Now()
		h.Publish(t, h.Event(t, "advisor-desk", p.AdvisorID, p))
	}
	last := h.Publish(t, h.Event(t, "advisor-desk", "cma-91-z", events.AdvisorUpdated{AdvisorID: "cma-91-z", Revision: 1, Chamber: "CMA", UpdatedAt: time.Now()}))
	h.CaughtUp(t, last)
	before := h.DB.Text(t, advisorsSnapshot)
	if strings.Count(before, "\n") != 3 || !strings.Contains(before, "cma-91-a|2|") {
		t.Fatalf("projection before the replay:\n%s", before)
	}

	for _, from := range [][]string{{"--from-seq", "1"}, {"--since", "1h"}} {
		if _, err := h.DB.Exec(h.Ctx, `DELETE FROM creation_support.advisors`); err != nil {
			t.Fatal(err)
		}
		out := ctl(t, h.NATS, "", append([]string{"replay", "--stream", events.StreamAdvisor.Name, "--consumer", service.Name}, from...)...)
		if !strings.Contains(out, "replayed 6 message(s) of ADVISOR") {
			t.Fatalf("replay %v:\n%s", from, out)
		}
		testkit.Eventually(t, testkit.Wait, "projection rebuilt by the replay "+from[0], func() (bool, error) {
			return h.DB.Text(t, advisorsSnapshot) == before, nil
		})
		redriveCaughtUp(t, h)
	}
	// An event no consumer of the service handles (intake's difficulty
	// reports) is acknowledged and skipped, not dead-lettered.
	h.Publish(t, h.Event(t, "intake", "01900000-0000-7000-8000-0000000000dd", events.DifficultyReported{}))
	if out := ctl(t, h.NATS, "", "replay", "--stream", events.StreamIntake.Name, "--consumer", service.Name, "--from-seq", "1"); !strings.Contains(out, "replayed 1 message(s)") {
		t.Fatalf("replay of INTAKE:\n%s", out)
	}
	redriveCaughtUp(t, h)
	if n := deadLetterCount(t, h); n != 0 {
		t.Errorf("DEADLETTER holds %d dead letters after the replays, want 0:\n%s", n, ctl(t, h.NATS, "", "deadletters", "list"))
	}
}

// deadLetterFrom publishes, as service, a dead letter of an event of
// subject with reason: what its consumer would have written.
func deadLetterFrom(t *testing.T, n *testkit.NATS, service, subject, reason string) {
	t.Helper()
	bus := n.Bus(t, service)
	if err := bus.EnsureDeadLetterStream(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	ev := testkit.NewEvent(t, "intake", "01900000-0000-7000-8000-0000000000ee", testkit.Departement, events.DifficultyReported{})
	msg := natsbus.Message(ev, nil)
	msg.Subject = events.DeadLetterPrefix + "." + service + "." + subject
	msg.Header.Set(events.HeaderDeadReason, reason)
	msg.Header.Set(events.HeaderDeadSubject, subject)
	msg.Header.Set(events.HeaderDeadConsume, service)
	if _, err := bus.JS.PublishMsg(t.Context(), msg, jetstream.WithMsgID(nats.NewInbox())); err != nil {
		t.Fatal(err)
	}
}

// TestPurgeAsksFirst: purge lists what it would delete and deletes only on
// "yes", and only the dead letters its filters select; it refuses to run
// without a selection.
func TestPurgeAsksFirst(t *testing.T) {
	n := testkit.StartNATS(t)
	deadLetterFrom(t, n, "creation-support", "intake.creation.submitted.91", "handler bug")
	deadLetterFrom(t, n, "creation-support", "intake.creation.submitted.77", "handler bug")
	deadLetterFrom(t, n, "takeover-matching", "intake.takeover.offer.submitted.91", "handler bug")

	if _, err := try(t, n, "", "deadletters", "purge"); err == nil {
		t.Fatal("purge without a selection ran")
	}
	out := ctl(t, n, "no\n", "deadletters", "purge", "--consumer", "creation-support")
	if !strings.Contains(out, "Delete these 2 dead letter(s)?") || !strings.Contains(out, "nothing deleted") {
		t.Fatalf("purge answered no:\n%s", out)
	}
	if list := ctl(t, n, "", "deadletters", "list"); !strings.Contains(list, "3 dead letter(s)") {
		t.Fatalf("after a purge answered no:\n%s", list)
	}
	out = ctl(t, n, "yes\n", "deadletters", "purge", "--consumer", "creation-support", "--subject", "intake.creation.*.91")
	if !strings.Contains(out, "Delete these 1 dead letter(s)?") || !strings.Contains(out, "deleted 1 of 1") {
		t.Fatalf("purge answered yes:\n%s", out)
	}
	list := ctl(t, n, "", "deadletters", "list")
	if !strings.Contains(list, "2 dead letter(s)") || !strings.Contains(list, "intake.creation.submitted.77") ||
		!strings.Contains(list, "takeover-matching") || strings.Contains(list, "intake.creation.submitted.91") {
		t.Fatalf("after purging creation-support's dead letter of 91:\n%s", list)
	}
	if out := ctl(t, n, "", "deadletters", "purge", "--all", "--yes"); !strings.Contains(out, "deleted 2 of 2") {
		t.Fatalf("purge --all --yes:\n%s", out)
	}
}

// TestPlatformctlRights: platformctl's NATS user cannot publish into a
// domain stream, nor touch a service's durable; it can publish into
// REDRIVE.
func TestPlatformctlRights(t *testing.T) {
	n := testkit.StartNATS(t)
	intake := n.Bus(t, "intake")
	if err := intake.EnsureRedriveStream(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(n.URL, nats.UserInfo(natsbus.OperatorUser, n.Passwords[natsbus.OperatorUser]),
		nats.CustomInboxPrefix(natsbus.OperatorInboxPrefix))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ev := testkit.NewEvent(t, "intake", "01900000-0000-7000-8000-0000000000ff", testkit.Departement, submitted("01900000-0000-7000-8000-0000000000ff"))
	short := func() context.Context {
		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		t.Cleanup(cancel)
		return ctx
	}
	if _, err := js.PublishMsg(short(), natsbus.Message(ev, nil)); err == nil {
		t.Error("platformctl published into INTAKE")
	}
	if _, err := js.CreateOrUpdateConsumer(short(), events.StreamIntake.Name, jetstream.ConsumerConfig{Durable: "creation-support"}); err == nil {
		t.Error("platformctl created or updated a durable on INTAKE")
	}
	if _, err := js.Stream(short(), events.StreamIntake.Name); err != nil {
		t.Errorf("platformctl cannot read INTAKE's info: %v", err)
	}
	msg := natsbus.Message(ev, nil)
	msg.Subject = events.RedriveSubject("creation-support", ev.Topic)
	if _, err := js.PublishMsg(short(), msg); err != nil {
		t.Errorf("platformctl cannot publish into REDRIVE: %v", err)
	}
	_, admin := n.Admin(t)
	st, err := admin.Stream(t.Context(), events.StreamIntake.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.CachedInfo().State.Msgs; got != 0 {
		t.Errorf("INTAKE holds %d messages, want 0", got)
	}
}
