package testkit

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/telemetry"
)

// Quiet is telemetry that discards logs, so that a service under test
// keeps the test's output readable.
func Quiet() telemetry.Options {
	return telemetry.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// IDP is an identity provider for a service under test: an issuer of
// advisors' tokens named issuer (audience "ccicma"), and the URL of its
// JWKS, served until the test ends.
func IDP(t testing.TB, issuer string) (*auth.Issuer, string) {
	t.Helper()
	idp, err := auth.NewIssuer(auth.IssuerOptions{Issuer: issuer, Audience: "ccicma"})
	if err != nil {
		t.Fatal(err)
	}
	jwks := httptest.NewServer(idp.JWKSHandler())
	t.Cleanup(jwks.Close)
	return idp, jwks.URL
}

// Run runs a service (its Run method) until stop or the end of the test,
// whichever comes first; either fails the test if the service does not
// shut down cleanly.
func Run(t testing.TB, ctx context.Context, run func(context.Context) error) (stop func()) {
	t.Helper()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(runCtx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("shutdown: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// Bus connects to n as a platform service, with its permissions, and
// ensures the stream it owns and the confidential streams it writes into:
// how a test publishes what that service would (intake's submissions,
// advisor-desk's directory).
func (n *NATS) Bus(t testing.TB, service string) *natsbus.Bus {
	t.Helper()
	id := Identity(t, service)
	tel, err := telemetry.New(context.Background(), service, Quiet())
	if err != nil {
		t.Fatal(err)
	}
	bus, err := natsbus.Connect(context.Background(), n.Config(service), id, tel)
	if err != nil {
		t.Fatalf("connect as %s: %v", service, err)
	}
	t.Cleanup(bus.Close)
	if err := bus.EnsureStream(context.Background(), id.Owns, 1); err != nil {
		t.Fatalf("ensure %s's stream: %v", service, err)
	}
	for _, w := range id.Writes {
		if err := bus.EnsureStream(context.Background(), w, 1); err != nil {
			t.Fatalf("ensure %s, which %s writes into: %v", w.Name, service, err)
		}
	}
	return bus
}

// Identity is a platform service's NATS identity: what it owns and
// consumes. It is testkit's one call of natsbus.IdentityOf.
func Identity(t testing.TB, service string) natsbus.Identity {
	t.Helper()
	id, err := natsbus.IdentityOf(service)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
