package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/telemetry"
)

// RelayOptions tunes the relay; zero values take defaults.
type RelayOptions struct {
	BatchSize  int           // rows per round (default 256)
	Poll       time.Duration // fallback poll interval (default 1 s)
	AckTimeout time.Duration // wait for PubAcks of a round (default 5 s)
	MaxBackoff time.Duration // longest pause after failures (default 30 s); keep below the stream's duplicate window
}

// Relay publishes committed outbox rows to JetStream.
type Relay struct {
	pool   *pgxpool.Pool
	js     jetstream.JetStream
	tel    *telemetry.Telemetry
	tracer trace.Tracer
	log    *slog.Logger
	opts   RelayOptions
	wake   chan struct{}
}

// NewRelay builds a relay for the outbox of pool's schema.
func NewRelay(pool *pgxpool.Pool, js jetstream.JetStream, tel *telemetry.Telemetry, opts RelayOptions) *Relay {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = 5 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	return &Relay{
		pool: pool, js: js, tel: tel, opts: opts,
		tracer: tel.Tracer.Tracer("github.com/ccicma/platform/pkg/outbox"),
		log:    tel.Logger.With("component", "outbox-relay"),
		wake:   make(chan struct{}, 1),
	}
}

// Wake asks the relay to look for rows now. It never blocks: a pending wake
// already covers rows committed since.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run publishes until ctx ends, then makes one last flush bounded by
// flushTimeout so that rows committed before shutdown leave promptly.
func (r *Relay) Run(ctx context.Context, flushTimeout time.Duration) error {
	backoff := time.Duration(0)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
			defer cancel()
			_, err := r.Drain(fctx)
			return err
		case <-r.wake:
		case <-timer.C:
		}
		n, err := r.Drain(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			backoff = min(max(2*backoff, 100*time.Millisecond), r.opts.MaxBackoff)
			r.log.Warn("outbox relay round failed", "err", err, "retry_in", backoff, "published", n)
			resetTimer(timer, backoff)
			continue
		default:
			backoff = 0
		}
		resetTimer(timer, r.opts.Poll)
	}
}

// Drain publishes rounds until no pending row is left or a round fails.
func (r *Relay) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, full, err := r.round(ctx)
		total += n
		if err != nil || !full {
			return total, err
		}
	}
}

func resetTimer(t *time.Timer, d time.Duration) {
	if !t.Stop() {
		select {
		case <-t.C:
		default:
		}
	}
	t.Reset(d)
}

type row struct {
	id      int64
	topic   string
	headers map[string][]string
	payload []byte
}

// round locks up to BatchSize pending rows, publishes them asynchronously,
// awaits every PubAck and marks the acknowledged ones sent, in one short
// transaction. It reports whether the batch was full (more may be waiting).
func (r *Relay) round(ctx context.Context) (published int, full bool, err error) {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("begin relay round: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	rows, err := r.lock(ctx, tx)
	if err != nil || len(rows) == 0 {
		return 0, false, err
	}
	sent, failed, perr := r.publish(ctx, rows)
	if len(sent) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1)`, sent); err != nil {
			return 0, false, fmt.Errorf("mark outbox rows sent: %w", err)
		}
	}
	if len(failed) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1)`, failed, perr.Error()); err != nil {
			return 0, false, fmt.Errorf("record outbox failures: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		// The events went out; the rows stay pending and are republished
		// with the same Nats-Msg-Id, which JetStream drops as duplicates.
		return 0, false, fmt.Errorf("commit relay round: %w", err)
	}
	r.tel.Metrics.OutboxPublished.Add(float64(len(sent)))
	if perr != nil {
		r.tel.Metrics.OutboxPublishErrors.Add(float64(len(failed)))
		return len(sent), false, perr
	}
	return len(sent), len(rows) == r.opts.BatchSize, nil
}

func (r *Relay) lock(ctx context.Context, tx pgx.Tx) ([]row, error) {
	rs, err := tx.Query(ctx, `SELECT id, topic, headers, payload FROM outbox
		WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, r.opts.BatchSize)
	if err != nil {
		return nil, fmt.Errorf("select pending outbox rows: %w", err)
	}
	var out []row
	for rs.Next() {
		var x row
		var h []byte
		if err := rs.Scan(&x.id, &x.topic, &h, &x.payload); err != nil {
			rs.Close()
			return nil, fmt.Errorf("scan outbox row: %w", err)
		}
		if err := json.Unmarshal(h, &x.headers); err != nil {
			rs.Close()
			return nil, fmt.Errorf("decode outbox headers of row %d: %w", x.id, err)
		}
		out = append(out, x)
	}
	return out, rs.Err()
}

// publish sends every row asynchronously, each under a PRODUCER span child
// of the trace stored with the row, and waits for all PubAcks.
func (r *Relay) publish(ctx context.Context, rows []row) (sent, failed []int64, err error) {
	futures := make([]jetstream.PubAckFuture, len(rows))
	spans := make([]trace.Span, len(rows))
	var errs []error
	for i, x := range rows {
		pctx := r.tel.Extract(ctx, x.headers)
		_, span := r.tracer.Start(pctx, "send "+x.topic, trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(
				attribute.String("messaging.system", "nats"),
				attribute.String("messaging.operation.name", "send"),
				attribute.String("messaging.operation.type", "send"),
				attribute.String("messaging.destination.name", x.topic),
				attribute.String("messaging.message.id", first(x.headers[events.HeaderID])),
			))
		spans[i] = span
		msg := &nats.Msg{Subject: x.topic, Header: nats.Header(x.headers), Data: x.payload}
		r.tel.Inject(trace.ContextWithSpan(ctx, span), msg.Header)
		f, perr := r.js.PublishMsgAsync(msg, jetstream.WithMsgID(first(x.headers[events.HeaderID])))
		if perr != nil {
			errs = append(errs, perr)
		}
		futures[i] = f
	}
	actx, cancel := context.WithTimeout(ctx, r.opts.AckTimeout)
	defer cancel()
	for i, f := range futures {
		ok, ferr := await(actx, f)
		if ok {
			sent = append(sent, rows[i].id)
		} else {
			failed = append(failed, rows[i].id)
			errs = append(errs, ferr)
			spans[i].RecordError(ferr)
			spans[i].SetStatus(codes.Error, "publish failed")
		}
		spans[i].End()
	}
	if len(errs) > 0 {
		return sent, failed, fmt.Errorf("publish outbox rows: %w", errors.Join(dedupErrs(errs)...))
	}
	return sent, failed, nil
}

func await(ctx context.Context, f jetstream.PubAckFuture) (bool, error) {
	if f == nil {
		return false, errors.New("not sent")
	}
	select {
	case <-f.Ok():
		return true, nil
	case err := <-f.Err():
		return false, err
	case <-ctx.Done():
		return false, fmt.Errorf("no PubAck: %w", ctx.Err())
	}
}

// dedupErrs keeps one copy of each error text: a dead server fails a whole
// batch with the same error.
func dedupErrs(errs []error) []error {
	seen := map[string]bool{}
	var out []error
	for _, e := range errs {
		if e != nil && !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	return out
}

func first(v []string) string {
	if len(v) > 0 {
		return v[0]
	}
	return ""
}
