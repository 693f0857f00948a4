package natsbus

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccicma/platform/pkg/events"
)

// Handler reacts to one event. Its error decides the message's fate in one
// place (settle): nil acks; an error wrapping ErrPermanent or
// events.ErrMalformed dead-letters and terminates; an outage (IsOutage or
// the spec's Outage) pauses the worker, which retries the same work until
// the dependency answers, spending no delivery; any other error naks with a
// delay, until MaxDeliver is reached, then dead-letters. A handler that
// panics is dead-lettered with the panic as the reason.
type Handler func(ctx context.Context, ev events.Event) error

// ErrPermanent marks an error that retrying cannot fix.
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so that the consume loop dead-letters the event
// instead of retrying it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrPermanent, err)
}

// ConsumerSpec describes a durable pull consumer. The durable is always the
// service's name: one durable per service and stream.
type ConsumerSpec struct {
	Stream  events.Stream
	Filters []string // subject filters, e.g. "intake.creation.submitted.>"
	// MaxDeliver bounds deliveries (default 8).
	MaxDeliver int
	// AckWait is how long a delivery may stay unacknowledged (default 30 s).
	// Messages received and not settled within a third of it (a slow
	// batch, a pause, a queue behind them) are kept in progress, so it
	// only bounds how soon a crashed consumer's messages are redelivered.
	AckWait time.Duration
	// Backoff are the nak delays by delivery number; the last one repeats
	// (default 1 s, 2 s, 5 s, 10 s, 30 s).
	Backoff []time.Duration
	// MaxInFlight bounds messages buffered by the client (default 64): a
	// large buffer lets AckWait expire on messages not yet handled.
	MaxInFlight int
	// Workers handle messages concurrently (default 4), so that commits of
	// different aggregates overlap; messages of one aggregate (ce-subject)
	// always go to the same worker, in order.
	Workers int
	// Batch, when set, runs the messages a worker has at hand (up to
	// MaxBatch, default 64) as one unit of work, e.g. one transaction,
	// acknowledging them after it commits. Under light load a batch holds
	// one message, so batching adds no latency.
	Batch    BatchRunner
	MaxBatch int
	// Outage reports errors of the handler's other dependencies that mean
	// the dependency did not answer (the platform sets pgdb.IsOutage), in
	// addition to IsOutage's NATS and network errors.
	Outage func(error) bool
	// SubjectPrefix, when set, begins the subject of every message and is
	// not part of the event's: the REDRIVE stream's "redrive.<service>.".
	// The handler, and a dead letter, see the event's own subject.
	SubjectPrefix string
}

// Item is one event of a batch, with the context of its own trace span.
type Item struct {
	Ctx   context.Context
	Event events.Event
}

// BatchRunner runs h over items as one unit of work and returns one error
// per item (nil: done, to be acknowledged). An item's error must not undo
// the others' work: the runner retries the rest without it. An outage is
// not an item's error: the runner returns it for every item not done, and
// the consumer retries them after a pause.
type BatchRunner interface {
	RunBatch(items []Item, h Handler) []error
}

func (s ConsumerSpec) withDefaults() ConsumerSpec {
	if s.MaxDeliver == 0 {
		s.MaxDeliver = 8
	}
	if s.AckWait == 0 {
		s.AckWait = 30 * time.Second
	}
	if len(s.Backoff) == 0 {
		s.Backoff = []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second}
	}
	if s.MaxInFlight == 0 {
		s.MaxInFlight = 64
	}
	if s.Workers == 0 {
		s.Workers = 4
	}
	if s.MaxBatch == 0 {
		s.MaxBatch = 64
	}
	return s
}

// Subscription is a running consumer.
type Subscription struct {
	mu      sync.Mutex
	cc      jetstream.ConsumeContext // nil while waiting for the stream
	workers *workers                 // set with cc
	stopped bool
	cancel  context.CancelFunc
	waiting chan struct{} // closed when the wait for the stream ends
}

// Stop stops fetching, lets the handler finish the messages already
// buffered, and waits for that (or ctx).
func (s *Subscription) Stop(ctx context.Context) error {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.cancel()
	<-s.waiting
	s.mu.Lock()
	cc, w := s.cc, s.workers
	s.mu.Unlock()
	if cc == nil {
		return nil
	}
	// A worker paused by an outage would block the drain (its queue is
	// full): end the pauses first.
	w.stop()
	cc.Drain()
	select {
	case <-cc.Closed():
	case <-ctx.Done():
		cc.Stop()
		return fmt.Errorf("drain consumer: %w", ctx.Err())
	}
	// Every message delivered is now queued to a worker: let them finish.
	if !w.closeAndWait(ctx) {
		return fmt.Errorf("drain consumer workers: %w", ctx.Err())
	}
	return nil
}

// Consume ensures the durable consumer and starts handling its messages.
// When the stream does not exist yet (its producer has not started), it
// keeps trying in the background: services start in any order.
func (b *Bus) Consume(ctx context.Context, spec ConsumerSpec, h Handler) (*Subscription, error) {
	spec = spec.withDefaults()
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	sub := &Subscription{cancel: cancel, waiting: make(chan struct{})}
	cc, w, err := b.startConsumer(ctx, spec, h)
	switch {
	case err == nil:
		sub.cc, sub.workers = cc, w
		close(sub.waiting)
		return sub, nil
	case errors.Is(err, jetstream.ErrStreamNotFound):
		b.log.Warn("stream not found yet, waiting for its producer", "stream", spec.Stream.Name)
		go sub.await(wctx, b, spec, h)
		return sub, nil
	default:
		cancel()
		return nil, err
	}
}

// await retries the consumer's creation until the stream exists.
func (s *Subscription) await(ctx context.Context, b *Bus, spec ConsumerSpec, h Handler) {
	defer close(s.waiting)
	delay := 250 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		cc, w, err := b.startConsumer(ctx, spec, h)
		if err == nil {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.stopped {
				cc.Stop()
				w.closeAndWait(ctx)
				return
			}
			s.cc, s.workers = cc, w
			b.log.Info("consumer started", "stream", spec.Stream.Name)
			return
		}
		if !errors.Is(err, jetstream.ErrStreamNotFound) && ctx.Err() == nil {
			b.log.Warn("consumer not started yet", "stream", spec.Stream.Name, "err", err)
		}
		delay = min(2*delay, 5*time.Second)
	}
}

func (b *Bus) startConsumer(ctx context.Context, spec ConsumerSpec, h Handler) (jetstream.ConsumeContext, *workers, error) {
	cfg := jetstream.ConsumerConfig{
		Durable:        b.service,
		Description:    b.service + " reading " + spec.Stream.Name,
		FilterSubjects: spec.Filters,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        spec.AckWait,
		MaxDeliver:     spec.MaxDeliver,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		MaxAckPending:  max(1000, spec.MaxInFlight*4),
	}
	// One filter is sent as FilterSubject: the create call then names it
	// in its subject, which the NATS permissions can hold to the
	// service's own subjects (REDRIVE's durables, Identity.Permissions).
	if len(spec.Filters) == 1 {
		cfg.FilterSubject, cfg.FilterSubjects = spec.Filters[0], nil
	}
	cons, err := b.JS.CreateOrUpdateConsumer(ctx, spec.Stream.Name, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("ensure consumer %s on %s: %w", b.service, spec.Stream.Name, err)
	}
	c := &consumer{bus: b, spec: spec, tracer: b.tel.Tracer.Tracer("github.com/ccicma/platform/pkg/natsbus")}
	w := startWorkers(spec.Workers, spec.MaxInFlight, spec.MaxBatch, spec.AckWait, func(msgs []jetstream.Msg) { c.process(msgs, h) })
	c.stopping = w.stopping
	cc, err := cons.Consume(w.dispatch,
		jetstream.PullMaxMessages(spec.MaxInFlight),
		// A pull request held by a consumer leader that is lost (a NATS
		// node down) is answered by nobody: the client notices only when
		// two heartbeats are missing, and pulls again. The default (half
		// the 30 s expiry) stalled the consumer 30 s after losing a node.
		jetstream.PullHeartbeat(2*time.Second),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			b.log.Warn("consume error", "stream", spec.Stream.Name, "err", err)
		}))
	if err != nil {
		w.closeAndWait(ctx)
		return nil, nil, fmt.Errorf("consume %s: %w", spec.Stream.Name, err)
	}
	return cc, w, nil
}

type consumer struct {
	bus      *Bus
	spec     ConsumerSpec
	tracer   trace.Tracer
	stopping <-chan struct{}

	pauseMu     sync.Mutex
	paused      int // workers paused by an outage
	pausedSince time.Time
}

// delivery is one message being handled: its metadata, its span, its
// decoded event (or the reason it could not be decoded).
type delivery struct {
	msg      jetstream.Msg
	md       *jetstream.MsgMetadata
	ctx      context.Context
	span     trace.Span
	ev       events.Event
	err      error
	received time.Time
}

// receive opens the message's CONSUMER span (child of the producer's) and
// decodes its envelope. It returns nil for a message it cannot settle.
func (c *consumer) receive(msg jetstream.Msg) *delivery {
	d := &delivery{msg: msg, received: time.Now()}
	var err error
	if d.md, err = msg.Metadata(); err != nil { // not a JetStream message: nothing to settle
		c.bus.log.Error("message without metadata", "subject", msg.Subject(), "err", err)
		return nil
	}
	ctx := c.bus.tel.Extract(context.Background(), msg.Headers())
	d.ctx, d.span = c.tracer.Start(ctx, "process "+msg.Subject(), trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			attribute.String("messaging.system", "nats"),
			attribute.String("messaging.operation.name", "process"),
			attribute.String("messaging.operation.type", "process"),
			attribute.String("messaging.destination.name", msg.Subject()),
			attribute.String("messaging.consumer.group.name", c.bus.service),
			attribute.String("messaging.message.id", msg.Headers().Get(events.HeaderID)),
			// Clamped: a span attribute has no unsigned 64-bit type.
			attribute.Int64("messaging.nats.stream_sequence", int64(min(d.md.Sequence.Stream, math.MaxInt64))),
			attribute.Int64("messaging.nats.delivered", int64(min(d.md.NumDelivered, math.MaxInt64))),
		))
	if d.md.NumDelivered > 1 {
		c.bus.tel.Metrics.Redeliveries.WithLabelValues(c.bus.service).Inc()
	}
	d.ev, d.err = events.FromMessage(c.subject(msg), msg.Headers(), msg.Data())
	return d
}

// subject is the event's subject: the message's without the spec's
// SubjectPrefix.
func (c *consumer) subject(msg jetstream.Msg) string {
	return strings.TrimPrefix(msg.Subject(), c.spec.SubjectPrefix)
}

// finish settles a delivery with the handler's result and closes its span.
func (c *consumer) finish(d *delivery, herr error) {
	outcome := c.settle(d.ctx, d.msg, d.md, herr)
	if herr != nil {
		d.span.RecordError(herr)
		d.span.SetStatus(codes.Error, outcome)
	}
	d.span.SetAttributes(attribute.String("messaging.settle", outcome))
	d.span.End()
	c.bus.tel.Metrics.HandlerSeconds.WithLabelValues(c.bus.service, d.msg.Headers().Get(events.HeaderType), outcome).
		Observe(time.Since(d.received).Seconds())
}

// process handles messages one by one, or as one batch when the consumer
// has a BatchRunner; each message is settled after its unit of work.
func (c *consumer) process(msgs []jetstream.Msg, h Handler) {
	h = c.recovering(h)
	var ready []*delivery
	for _, msg := range msgs {
		d := c.receive(msg)
		switch {
		case d == nil:
		case d.err != nil:
			c.finish(d, d.err)
		default:
			ready = append(ready, d)
		}
	}
	if len(ready) == 0 {
		return
	}
	if c.spec.Batch == nil {
		for _, d := range ready {
			c.work([]*delivery{d}, func(ds []*delivery) []error { return []error{h(ds[0].ctx, ds[0].ev)} })
		}
		return
	}
	c.work(ready, func(ds []*delivery) []error { return c.runBatch(ds, h) })
}

// work runs a unit of work and settles its deliveries, except those that
// failed for an outage: the worker keeps them (the holder keeps them in
// progress, which creates no delivery), pauses with a growing delay and
// runs them again, until they succeed or fail on their own. Meanwhile its
// queue fills and the client pulls no more. A nak would not do: each
// redelivery counts toward MaxDeliver, so an outage longer than the nak
// backoffs would dead-letter every event it met.
func (c *consumer) work(ds []*delivery, run func([]*delivery) []error) {
	var p *pause
	for {
		errs := run(ds)
		var held []*delivery
		var cause error
		for i, d := range ds {
			if c.outage(errs[i]) {
				held, cause = append(held, d), errs[i]
				continue
			}
			c.finish(d, errs[i])
		}
		if len(held) == 0 {
			c.endPause(p, true)
			return
		}
		if p == nil {
			select {
			case <-c.stopping: // draining at shutdown: no pause
				c.release(held, cause)
				return
			default:
			}
			p = c.pauseWorker(cause)
		}
		p.cause = cause
		if !p.wait(c.stopping) {
			c.release(held, cause)
			c.endPause(p, false)
			return
		}
		ds = held
	}
}

// release gives up deliveries at shutdown during an outage. They are left
// unacknowledged rather than nak'ed: either way their next delivery counts
// one, but a nak would be redelivered at once to a replica that likely
// meets the same outage, and cannot be sent while NATS is the dependency
// that is down; AckWait hands them to the next consumer instance.
func (c *consumer) release(ds []*delivery, cause error) {
	for _, d := range ds {
		d.span.RecordError(cause)
		d.span.SetStatus(codes.Error, "released")
		d.span.SetAttributes(attribute.String("messaging.settle", "released"))
		d.span.End()
	}
}

// runBatch hands the deliveries to the BatchRunner. A panic of the runner
// itself (not of a handler, see recovering) fails every item with an
// ordinary error: retried, then dead-lettered after MaxDeliver.
func (c *consumer) runBatch(ds []*delivery, h Handler) (errs []error) {
	items := make([]Item, len(ds))
	for i, d := range ds {
		items[i] = Item{Ctx: d.ctx, Event: d.ev}
	}
	defer func() {
		if r := recover(); r != nil {
			c.bus.log.Error("batch runner panicked", "consumer", c.bus.service, "stream", c.spec.Stream.Name,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err := fmt.Errorf("batch runner panicked: %v", r)
			errs = make([]error, len(ds))
			for i := range errs {
				errs[i] = err
			}
		}
	}()
	errs = c.spec.Batch.RunBatch(items, h)
	if len(errs) != len(ds) {
		panic(fmt.Sprintf("batch runner returned %d results for %d items", len(errs), len(ds)))
	}
	return errs
}

// recovering turns a handler's panic into a permanent error: the event is
// dead-lettered with the panic as the reason, and the worker, and the
// process, go on. The stack is logged once, here.
func (c *consumer) recovering(h Handler) Handler {
	return func(ctx context.Context, ev events.Event) (err error) {
		defer func() {
			if r := recover(); r != nil {
				c.bus.log.ErrorContext(ctx, "handler panicked", "consumer", c.bus.service, "event_id", ev.ID,
					"type", ev.Type, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = Permanent(fmt.Errorf("handler panicked: %v", r))
			}
		}()
		return h(ctx, ev)
	}
}

// settle is the one place where a handler's result becomes ack, nak or
// dead-letter. It returns the outcome for metrics and traces.
func (c *consumer) settle(ctx context.Context, msg jetstream.Msg, md *jetstream.MsgMetadata, herr error) string {
	log := c.bus.log.With("subject", msg.Subject(), "stream_seq", md.Sequence.Stream, "delivered", md.NumDelivered)
	if herr == nil {
		if err := msg.Ack(); err != nil {
			// The state change is committed; a redelivery is absorbed by the inbox.
			log.WarnContext(ctx, "ack failed", "err", err)
		}
		return "ack"
	}
	permanent := errors.Is(herr, ErrPermanent) || errors.Is(herr, events.ErrMalformed)
	delivered := int(min(md.NumDelivered, math.MaxInt32)) // MaxDeliver is far below
	if !permanent && delivered < c.spec.MaxDeliver {
		delay := c.spec.Backoff[min(delivered, len(c.spec.Backoff))-1]
		log.WarnContext(ctx, "handler failed, will retry", "err", herr, "retry_in", delay)
		if err := msg.NakWithDelay(delay); err != nil {
			log.WarnContext(ctx, "nak failed", "err", err)
		}
		return "nak"
	}
	reason := herr.Error()
	if !permanent {
		reason = "max deliveries reached: " + reason
	}
	if err := c.deadLetter(ctx, msg, md, reason); err != nil {
		// Never terminate what was not saved: retry later instead.
		log.ErrorContext(ctx, "dead-letter failed, will retry", "err", err, "reason", reason)
		if err := msg.NakWithDelay(c.spec.Backoff[len(c.spec.Backoff)-1]); err != nil {
			log.WarnContext(ctx, "nak failed", "err", err)
		}
		return "nak"
	}
	log.ErrorContext(ctx, "event dead-lettered", "reason", reason)
	if err := msg.TermWithReason(truncate(reason, 200)); err != nil {
		log.WarnContext(ctx, "term failed", "err", err)
	}
	c.bus.tel.Metrics.DeadLetters.WithLabelValues(c.bus.service).Inc()
	return "dead_letter"
}

// deadLetter copies the message into DEADLETTER with the reason and its
// origin, and waits for the PubAck.
func (c *consumer) deadLetter(ctx context.Context, msg jetstream.Msg, md *jetstream.MsgMetadata, reason string) error {
	subject := c.subject(msg)
	dl := &nats.Msg{Subject: events.DeadLetterPrefix + "." + c.bus.service + "." + subject, Data: msg.Data(), Header: nats.Header{}}
	for k, v := range msg.Headers() {
		dl.Header[k] = v
	}
	dl.Header.Set(events.HeaderDeadReason, truncate(reason, 2000))
	dl.Header.Set(events.HeaderDeadSubject, subject)
	dl.Header.Set(events.HeaderDeadStream, md.Stream)
	dl.Header.Set(events.HeaderDeadSeq, strconv.FormatUint(md.Sequence.Stream, 10))
	dl.Header.Set(events.HeaderDeadDeliver, strconv.FormatUint(md.NumDelivered, 10))
	dl.Header.Set(events.HeaderDeadConsume, c.bus.service)
	id := c.bus.service + "-" + md.Stream + "-" + strconv.FormatUint(md.Sequence.Stream, 10)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := c.bus.JS.PublishMsg(pctx, dl, jetstream.WithMsgID(id)); err != nil {
		return fmt.Errorf("publish dead letter: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
