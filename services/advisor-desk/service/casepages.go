package service

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// WithPeers makes the web desk's case pages find the owning services
// through resolve (a service's name, e.g. "creation-support", to its base
// URL), asked at each call, instead of the configured *_URL settings. An
// in-process stack needs it: advisor-desk starts first, before the other
// services' addresses are known.
func WithPeers(resolve func(service string) string) Option {
	return func(o *options) { o.peers = resolve }
}

// caseFiles is the client of the owning services' advisor APIs: each call
// carries the trace context (otelhttp) and is bounded by PEER_TIMEOUT.
func caseFiles(cfg Config, rt *platform.Runtime, resolve func(string) string) *peers.Client {
	if resolve == nil {
		urls := map[string]string{
			peers.Intake: cfg.IntakeURL, peers.CreationSupport: cfg.CreationSupportURL,
			peers.TakeoverMatching: cfg.TakeoverMatchingURL, peers.DifficultyAlert: cfg.DifficultyAlertURL,
		}
		resolve = func(service string) string { return urls[service] }
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxResponseHeaderBytes = 64 << 10
	var transport http.RoundTripper = base
	if rt.Tel != nil {
		transport = otelhttp.NewTransport(base, otelhttp.WithTracerProvider(rt.Tel.Tracer), otelhttp.WithPropagators(rt.Tel.Propagator))
	}
	return peers.New(transport, cfg.PeerTimeout, resolve)
}
