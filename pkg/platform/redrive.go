package platform

import (
	"context"
	"log/slog"
	"maps"
	"slices"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
)

// consumersToRun is what Run starts: the registered consumers with the
// runtime's defaults, and the service's durable on REDRIVE when it has
// consumers at all.
func (rt *Runtime) consumersToRun() []consumer {
	out := make([]consumer, 0, len(rt.consumers)+1)
	for _, c := range rt.consumers {
		out = append(out, consumer{spec: rt.withDefaults(c.spec), h: c.h})
	}
	if len(out) > 0 {
		out = append(out, rt.redriveConsumer(out))
	}
	return out
}

// withDefaults fills what a consumer's spec leaves to the runtime.
func (rt *Runtime) withDefaults(spec natsbus.ConsumerSpec) natsbus.ConsumerSpec {
	if spec.Outage == nil {
		// Every service's handlers use the pool: a database that does
		// not answer pauses its consumers instead of dead-lettering.
		spec.Outage = pgdb.IsOutage
	}
	if spec.MaxDeliver == 0 {
		spec.MaxDeliver = rt.cfg.ConsumerMaxDeliver
	}
	if len(spec.Backoff) == 0 {
		spec.Backoff = rt.cfg.ConsumerBackoff
	}
	return spec
}

// redriveConsumer reads what ops send back to this service (platformctl's
// redrives and replays, on events.RedriveSubject(service, subject)) and
// hands each event to the consumer whose stream and filters match its
// own subject, as if that consumer had received it: the same handler,
// batch runner and inbox, the same outage pause, and a dead letter under
// the event's own subject if it fails again. An event no consumer of the
// service handles (a replay of a whole stream) is acknowledged and
// skipped.
func (rt *Runtime) redriveConsumer(targets []consumer) consumer {
	prefix := events.RedriveSubject(rt.spec.Service, "")
	r := redrive{targets: targets, log: rt.Log}
	spec := rt.withDefaults(natsbus.ConsumerSpec{
		Stream:        events.Stream{Name: events.RedriveStream, Producer: events.RedrivePrefix},
		Filters:       []string{prefix + ">"},
		SubjectPrefix: prefix,
		// One worker: redrives are rare and a replay is a backlog that
		// needs no concurrency, and the order of the stream is kept.
		Workers: 1,
		Outage: func(err error) bool {
			return slices.ContainsFunc(targets, func(c consumer) bool { return c.spec.Outage(err) })
		},
	})
	if slices.ContainsFunc(targets, func(c consumer) bool { return c.spec.Batch != nil }) {
		spec.Batch = r
	}
	return consumer{spec: spec, h: r.handle}
}

// redrive dispatches redriven events to the service's consumers.
type redrive struct {
	targets []consumer
	log     *slog.Logger
}

// route returns the index of the consumer that handles subject.
func (r redrive) route(subject string) (int, bool) {
	i := slices.IndexFunc(r.targets, func(c consumer) bool { return c.spec.Matches(subject) })
	return i, i >= 0
}

func (r redrive) handle(ctx context.Context, ev events.Event) error {
	i, ok := r.route(ev.Topic)
	if !ok {
		r.log.DebugContext(ctx, "redriven event has no consumer here, skipped", "subject", ev.Topic, "event_id", ev.ID)
		return nil
	}
	return r.targets[i].h(ctx, ev)
}

// RunBatch implements natsbus.BatchRunner: the items go to the batch
// runner of the consumer that handles them, grouped by consumer; those of
// a consumer without one, or of none, are handled one by one. h is the
// redrive consumer's handler (handle, wrapped by natsbus).
func (r redrive) RunBatch(items []natsbus.Item, h natsbus.Handler) []error {
	errs := make([]error, len(items))
	groups := map[int][]int{}
	for n, it := range items {
		i, ok := r.route(it.Event.Topic)
		if !ok || r.targets[i].spec.Batch == nil {
			errs[n] = h(it.Ctx, it.Event)
			continue
		}
		groups[i] = append(groups[i], n)
	}
	for _, i := range slices.Sorted(maps.Keys(groups)) {
		group := make([]natsbus.Item, len(groups[i]))
		for j, n := range groups[i] {
			group[j] = items[n]
		}
		for j, err := range r.targets[i].spec.Batch.RunBatch(group, h) {
			errs[groups[i][j]] = err
		}
	}
	return errs
}
