package telemetry

import (
	"context"
	"net/textproto"
	"strings"

	"go.opentelemetry.io/otel/propagation"
)

// HeaderCarrier adapts NATS headers (a case-sensitive map) to the
// propagation API. It writes lowercase W3C keys ("traceparent"), because
// nats-server 2.11-2.13 lowercases a sampled Traceparent in flight, and
// reads the lowercase key first, then the canonical one.
type HeaderCarrier map[string][]string

var _ propagation.TextMapCarrier = HeaderCarrier(nil)

// Get returns the first value of key, whatever its case on the wire.
func (c HeaderCarrier) Get(key string) string {
	for _, k := range []string{strings.ToLower(key), textproto.CanonicalMIMEHeaderKey(key), key} {
		if v := c[k]; len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// Set stores value under the lowercase key, replacing any other spelling.
func (c HeaderCarrier) Set(key, value string) {
	delete(c, textproto.CanonicalMIMEHeaderKey(key))
	c[strings.ToLower(key)] = []string{value}
}

// Keys lists the keys present.
func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// Inject writes ctx's trace context into headers.
func (t *Telemetry) Inject(ctx context.Context, headers map[string][]string) {
	t.Propagator.Inject(ctx, HeaderCarrier(headers))
}

// Extract returns ctx with the remote trace context found in headers.
func (t *Telemetry) Extract(ctx context.Context, headers map[string][]string) context.Context {
	return t.Propagator.Extract(ctx, HeaderCarrier(headers))
}
