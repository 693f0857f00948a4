package consumers_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/live"
	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/consumers"
	"github.com/ccicma/platform/services/advisor-desk/migrations"
)

type nopWaker struct{}

func (nopWaker) Wake() {}

func caseOpened(t *testing.T, chamber, advisor string) events.Event {
	t.Helper()
	p := events.CreationCaseOpened{
		CaseID: uuid.Must(uuid.NewV7()).String(), RequestID: uuid.Must(uuid.NewV7()).String(),
		Chamber: chamber, AdvisorID: advisor, CommuneCode: "91228", Departement: "91", OpenedAt: time.Now().UTC(),
	}
	return testkit.NewEvent(t, "creation-support", p.CaseID, "91", p)
}

// TestConsumerRetriesThenDeadLetters runs advisor-desk's consumer, as the
// port declares it, on real NATS and Postgres. Only the retry schedule is
// shortened (the defaults wait minutes before giving up): an event for an
// advisor the directory never learns of is retried up to MaxDeliver, then
// dead-lettered with the reason; a malformed event is dead-lettered at
// once; neither blocks the events behind it.
func TestConsumerRetriesThenDeadLetters(t *testing.T) {
	t.Parallel()
	h := testkit.NewHarness(t, "advisor-desk", "advisor_desk")
	ctx := h.Ctx
	pool := h.Pool(t, outbox.Migrations(), inbox.Migrations(), mailer.Migrations(), migrations.Set())
	store := postgres.New(pool, nopWaker{})
	now := func() time.Time { return time.Now().UTC() }
	ref, err := refdata.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (app.SeedDirectory{Directory: store, Places: ref, Now: now}).Import(ctx, []byte(`[{"advisor_id": "cma-91-001",
		"chamber": "CMA", "full_name": "Léa Dubois", "email": "lea.dubois@cma.example", "departements": ["91"],
		"specialities": ["creation"], "capacity": 40, "active": true, "roles": ["advisor"]}]`)); err != nil {
		t.Fatal(err)
	}

	h.As(t, "creation-support") // CREATION exists
	desk := h.As(t, "advisor-desk")
	if err := desk.EnsureDeadLetterStream(ctx, 1); err != nil {
		t.Fatal(err)
	}

	notify := app.Notify{Rules: notification.Rules(nil), Notifications: store, Live: live.NewHub(), Now: now}
	cons := consumers.Consumers(notify, inbox.Batcher{Pool: pool}, slog.New(slog.DiscardHandler))
	// One consumer per stream the notification table reads, filtered on
	// its event types.
	byStream := map[string][]string{}
	for _, c := range cons {
		byStream[c.Spec.Stream.Name] = c.Spec.Filters
	}
	want := map[string][]string{
		"CREATION": {"creation.case.opened.>", "creation.case.taken_in_charge.>", "creation.case.reassigned.>", "creation.case.stage_changed.>",
			"creation.case.registered.>", "creation.case.closed.>", "creation.case.redirected_to_takeover.>", "creation.case.next_action_overdue.>", "creation.session.registered.>",
			"creation.case.difficulty_seen.>", "creation.case.concern_raised.>"},
		"TAKEOVER": {"takeover.offer.registered.>", "takeover.search.registered.>", "takeover.match.proposed.>",
			"takeover.offer.published.>", "takeover.offer.status_changed.>", "takeover.search.status_changed.>", "takeover.offer.review_due.>",
			"takeover.match.stage_changed.>", "takeover.offer.taken_in_charge.>", "takeover.offer.reassigned.>",
			"takeover.search.taken_in_charge.>", "takeover.search.reassigned.>", "takeover.offer.difficulty_seen.>"},
		"DIFFICULTY": {"difficulty.case.opened.>", "difficulty.case.taken_in_charge.>", "difficulty.case.action_recorded.>",
			"difficulty.case.closed.>", "difficulty.business.level_changed.>", "difficulty.case.escalated.>",
			"difficulty.case.handed_back.>"},
	}
	if len(byStream) != len(want) || len(cons) != len(want) {
		t.Fatalf("consumers %v, want %v", byStream, want)
	}
	// Every domain stream but the confidential ones: PREVENTION carries
	// the SIREN for difficulty-alert alone, and NATS refuses the desk a
	// consumer there.
	for _, s := range events.ConfidentialStreams() {
		if _, ok := byStream[s.Name]; ok {
			t.Errorf("a consumer on the confidential stream %s", s.Name)
		}
	}
	for s, f := range want {
		if !slices.Equal(byStream[s], f) {
			t.Errorf("%s consumer filters %v, want %v", s, byStream[s], f)
		}
	}
	c := cons[0]
	if c.Spec.Stream != events.StreamCreation {
		t.Fatalf("first consumer on %s, want CREATION", c.Spec.Stream.Name)
	}
	spec := c.Spec
	spec.MaxDeliver = 3
	spec.Backoff = []time.Duration{20 * time.Millisecond}
	sub, err := desk.Consume(ctx, spec, c.Handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sub.Stop(sctx); err != nil {
			t.Errorf("stop consumer: %v", err)
		}
	})

	ghost := caseOpened(t, events.ChamberCMA, "cma-91-ghost")
	malformed := caseOpened(t, "CMX", "cma-91-001")
	nobody := caseOpened(t, events.ChamberCCI, "") // no CCI advisor in the directory
	good := caseOpened(t, events.ChamberCMA, "cma-91-001")
	h.CaughtUp(t, h.Publish(t, ghost, malformed, nobody, good)) // every event settled

	// The good event behind the two bad ones was handled.
	notified := testkit.Column[string](t, pool, `SELECT source_event::text || ' ' || advisor_id FROM notifications ORDER BY id`)
	if want := []string{good.ID + " cma-91-001"}; !slices.Equal(notified, want) {
		t.Errorf("notifications %v, want %v", notified, want)
	}

	// Both bad events are in DEADLETTER, with their reason and deliveries.
	dl, err := h.JS.OrderedConsumer(ctx, events.DeadLetterStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{"deadletter.advisor-desk.>"},
	})
	if err != nil {
		t.Fatal(err)
	}
	type dead struct{ reason, deliveries, subject string }
	got := map[string]dead{}
	batch, err := dl.Fetch(3, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		h := m.Headers()
		got[h.Get(events.HeaderID)] = dead{h.Get(events.HeaderDeadReason), h.Get(events.HeaderDeadDeliver), m.Subject()}
	}
	if err := batch.Error(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("dead letters %v, want the two bad events (not the one nobody can receive)", got)
	}
	g := got[ghost.ID]
	if g.deliveries != "3" || !strings.Contains(g.reason, "max deliveries reached") || !strings.Contains(g.reason, "cma-91-ghost") ||
		g.subject != "deadletter.advisor-desk."+ghost.Topic {
		t.Errorf("dead letter of the unknown advisor's event = %+v, want 3 deliveries, max deliveries reached, naming cma-91-ghost", g)
	}
	m := got[malformed.ID]
	if m.deliveries != "1" || !strings.Contains(m.reason, "malformed") {
		t.Errorf("dead letter of the malformed event = %+v, want 1 delivery and a malformed reason", m)
	}
	var claimed int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE event_id IN ($1, $2)`, ghost.ID, malformed.ID).Scan(&claimed); err != nil {
		t.Fatal(err)
	}
	if claimed != 0 {
		t.Errorf("%d inbox claims for dead-lettered events, want 0", claimed)
	}
	// The event nobody can receive was acknowledged, claimed, and
	// notified no one: the stream's other reactions still saw it.
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE event_id = $1`, nobody.ID).Scan(&claimed); err != nil || claimed != 1 {
		t.Errorf("inbox claim of the event nobody can receive: %d (%v), want 1", claimed, err)
	}
}
