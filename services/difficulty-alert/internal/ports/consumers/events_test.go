package consumers_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/postgres"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/ports/consumers"
	"github.com/ccicma/platform/services/difficulty-alert/migrations"
)

type nopWaker struct{}

func (nopWaker) Wake() {}

// rescorer records what it was asked to rescore; it fails while fail is
// set, as scoring with its database away would.
type rescorer struct {
	mu    sync.Mutex
	calls [][]string
	fail  bool
}

func (r *rescorer) Rescore(_ context.Context, sirens []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, slices.Clone(sirens))
	if r.fail {
		return errors.New("scoring unavailable")
	}
	return nil
}

func (r *rescorer) set(fail bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = fail
}

func (r *rescorer) seen() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// TestPreventionConsumerStoresThenRescores runs the port's PREVENTION
// consumer on real NATS and Postgres: it is the one durable on the
// confidential stream, unbatched, for its four event types; each signal is
// stored, then its business rescored (after the commit); a rescoring
// that fails is retried with its event, which stores nothing twice.
func TestPreventionConsumerStoresThenRescores(t *testing.T) {
	t.Parallel()
	h := testkit.NewHarness(t, app.Name, "difficulty_alert")
	pool := h.Pool(t, outbox.Migrations(), inbox.Migrations(), audit.Migrations(), projection.Migrations(), migrations.Set())
	store := postgres.New(pool, nopWaker{})
	rs := &rescorer{}
	cons := consumers.Consumers(app.OpenCase{}, app.OpenObservedCase{}, app.OpenConcernCase{}, app.RecordIdentifiedSignal{Signals: store, Rescorer: rs},
		projection.ProjectAdvisor{Advisors: store}, inbox.Batcher{Pool: pool})
	i := slices.IndexFunc(cons, func(c natsbus.Consumer) bool { return c.Spec.Stream == events.StreamPrevention })
	if i < 0 {
		t.Fatal("no consumer of PREVENTION")
	}
	c := cons[i]
	if want := []string{"prevention.report.identified.>", "prevention.observation.identified.>", "prevention.concern.identified.>",
		"prevention.creation_concern.identified.>"}; !slices.Equal(c.Spec.Filters, want) || c.Spec.Batch != nil {
		t.Fatalf("PREVENTION consumer filters %v (batch %v), want %v unbatched", c.Spec.Filters, c.Spec.Batch, want)
	}

	h.As(t, "intake") // PREVENTION exists: its writers ensure it
	da := h.As(t, app.Name)
	spec := c.Spec
	spec.Backoff = []time.Duration{20 * time.Millisecond}
	sub, err := da.Consume(h.Ctx, spec, c.Handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sub.Stop(ctx); err != nil {
			t.Errorf("stop consumer: %v", err)
		}
	})

	rs.set(true)
	id := "01900000-0000-7000-8000-0000000000a1"
	h.Publish(t, h.Event(t, "intake", id, events.PreventionReportIdentified{RequestID: id, SIREN: "732829320", Score: 30,
		Level: events.DifficultyVigilance, QuestionnaireVersion: "q1", IdentifiedAt: time.Now()}))
	testkit.Eventually(t, testkit.Wait, "rescoring retried", func() (bool, error) { return len(rs.seen()) >= 2, nil })
	rs.set(false)
	caseID := "01900000-0000-7000-8000-0000000000a2"
	h.CaughtUp(t, h.Publish(t, h.Event(t, "creation-support", caseID, events.PreventionObservationIdentified{CaseID: caseID,
		RequestID: "01900000-0000-7000-8000-0000000000a3", SIREN: "552100554", ObservedAt: time.Now()})))
	testkit.Eventually(t, testkit.Wait, "both businesses rescored", func() (bool, error) {
		calls := rs.seen()
		return slices.ContainsFunc(calls, func(c []string) bool { return slices.Equal(c, []string{"552100554"}) }), nil
	})
	for _, c := range rs.seen() {
		if len(c) != 1 || (c[0] != "732829320" && c[0] != "552100554" && c[0] != "830249439" && c[0] != "443061841") {
			t.Errorf("rescored %v", c)
		}
	}
	offerID := "0195a1d0-0000-7000-8000-0000000000a4"
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerID, events.PreventionConcernIdentified{OfferID: offerID,
		ConcernID: "0195a1d0-0001-7000-8000-0000000000a5", RequestID: "01900000-0000-7000-8000-0000000000a6", SIREN: "830249439",
		ObservedAt: time.Now()})))
	testkit.Eventually(t, testkit.Wait, "the business for sale rescored", func() (bool, error) {
		calls := rs.seen()
		return slices.ContainsFunc(calls, func(c []string) bool { return slices.Equal(c, []string{"830249439"}) }), nil
	})
	concernID := "0195a1d0-0002-7000-8000-0000000000a7"
	h.CaughtUp(t, h.Publish(t, h.Event(t, "creation-support", caseID, events.PreventionCreationConcernIdentified{CaseID: caseID,
		ConcernID: concernID, RequestID: "01900000-0000-7000-8000-0000000000a3", SIREN: "443061841", ObservedAt: time.Now()})))
	testkit.Eventually(t, testkit.Wait, "the business of the creation concern rescored", func() (bool, error) {
		calls := rs.seen()
		return slices.ContainsFunc(calls, func(c []string) bool { return slices.Equal(c, []string{"443061841"}) }), nil
	})
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.signals`); n != 4 {
		t.Errorf("%d signals, want 4 (the retried one once)", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.signals WHERE source = 'advisor_observation' AND kind = 'advisor_concern'
		AND source_ref = $1`, caseID+"/"+concernID); n != 1 {
		t.Errorf("%d signals of the creation concern, want 1", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.signals WHERE source = 'advisor_observation' AND kind = 'advisor_concern'
		AND source_ref = $1`, offerID+"/0195a1d0-0001-7000-8000-0000000000a5"); n != 1 {
		t.Errorf("%d signals of the concern, want 1", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM difficulty_alert.signals WHERE source = 'self_report' AND kind = 'self_diagnosis_vigilance' AND strength = 30`); n != 1 {
		t.Errorf("%d vigilance self reports of strength 30, want 1", n)
	}
}

// TestOpeningConsumersReadOnlyTheirEvents: of CREATION and TAKEOVER the
// service reads only the difficulties advisors saw and the concerns they
// raised (the durables' filters), batched, with one worker each, as
// INTAKE's openings: they count cases in the same advisor rows.
func TestOpeningConsumersReadOnlyTheirEvents(t *testing.T) {
	t.Parallel()
	cons := consumers.Consumers(app.OpenCase{}, app.OpenObservedCase{}, app.OpenConcernCase{}, app.RecordIdentifiedSignal{},
		projection.ProjectAdvisor{}, inbox.Batcher{})
	for stream, want := range map[events.Stream][]string{
		events.StreamIntake:   {"intake.difficulty.reported.>"},
		events.StreamCreation: {"creation.case.difficulty_seen.>", "creation.case.concern_raised.>"},
		events.StreamTakeover: {"takeover.offer.difficulty_seen.>"},
	} {
		i := slices.IndexFunc(cons, func(c natsbus.Consumer) bool { return c.Spec.Stream == stream })
		if i < 0 {
			t.Errorf("no consumer of %s", stream.Name)
			continue
		}
		if s := cons[i].Spec; !slices.Equal(s.Filters, want) || s.Workers != 1 || s.Batch == nil {
			t.Errorf("%s consumer: filters %v, %d workers, batch %v; want %v, one worker, batched", stream.Name, s.Filters, s.Workers, s.Batch, want)
		}
	}
}
