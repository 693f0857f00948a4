package telemetry

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the platform-wide instruments every service reports.
type Metrics struct {
	// HandlerSeconds: event handler latency by consumer, event type and outcome
	// (ack, nak, dead_letter, duplicate is counted as ack).
	HandlerSeconds *prometheus.HistogramVec
	// Redeliveries: messages received more than once, by consumer.
	Redeliveries *prometheus.CounterVec
	// DeadLetters: events dead-lettered, by consumer.
	DeadLetters *prometheus.CounterVec
	// ConsumerPaused: workers of a consumer paused because a dependency
	// (Postgres, NATS) does not answer, by consumer and stream.
	ConsumerPaused *prometheus.GaugeVec
	// OutboxPublished: outbox rows published by the relay.
	OutboxPublished prometheus.Counter
	// OutboxPublishErrors: publish attempts that failed and will be retried.
	OutboxPublishErrors prometheus.Counter

	reg *prometheus.Registry
}

func newMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{
		HandlerSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "event_handler_duration_seconds",
			Help:    "Time spent handling one event, by consumer, event type and outcome.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"consumer", "type", "outcome"}),
		Redeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "event_redeliveries_total",
			Help: "Messages delivered more than once to a consumer.",
		}, []string{"consumer"}),
		DeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "event_dead_letters_total",
			Help: "Events moved to the DEADLETTER stream, by consumer.",
		}, []string{"consumer"}),
		ConsumerPaused: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "event_consumer_paused_workers",
			Help: "Workers of a consumer paused because a dependency does not answer, by consumer and stream.",
		}, []string{"consumer", "stream"}),
		OutboxPublished: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "outbox_published_total",
			Help: "Outbox rows published and acknowledged by JetStream.",
		}),
		OutboxPublishErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "outbox_publish_errors_total",
			Help: "Outbox publish attempts that failed and will be retried.",
		}),
		reg: reg,
	}
	for _, c := range []prometheus.Collector{m.HandlerSeconds, m.Redeliveries, m.DeadLetters, m.ConsumerPaused, m.OutboxPublished, m.OutboxPublishErrors} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metric: %w", err)
		}
	}
	return m, nil
}

// GaugeFunc registers a gauge computed at scrape time (e.g. outbox backlog).
func (m *Metrics) GaugeFunc(name, help string, f func() float64) error {
	if err := m.reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)); err != nil {
		return fmt.Errorf("register %s: %w", name, err)
	}
	return nil
}

// MetricsHandler serves the registry in the Prometheus text format.
func (t *Telemetry) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(t.Registry, promhttp.HandlerOpts{Registry: t.Registry})
}
