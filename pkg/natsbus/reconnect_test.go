package natsbus_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestOnReconnectRunsWhenTheServerIsBack: the hooks registered with
// OnReconnect run when the connection comes back after the server was
// stopped and started again, not before, and Ready says the connection is
// down meanwhile.
func TestOnReconnectRunsWhenTheServerIsBack(t *testing.T) {
	t.Parallel()
	n := testkit.StartNATS(t)
	bus := n.Bus(t, "intake")
	called := make(chan struct{}, 2)
	bus.OnReconnect(func() { called <- struct{}{} })

	n.Stop(t)
	testkit.Eventually(t, testkit.Wait, "connection seen down", func() (bool, error) {
		return bus.Ready(t.Context()) != nil, nil
	})
	select {
	case <-called:
		t.Fatal("OnReconnect hook ran while the server was down")
	default:
	}
	n.Restart(t)
	select {
	case <-called:
	case <-time.After(testkit.Wait):
		t.Fatalf("OnReconnect hook not run %s after the server came back", testkit.Wait)
	}
	if err := bus.Ready(t.Context()); err != nil {
		t.Errorf("Ready after the reconnection: %v", err)
	}
}

// TestStreamSetupWaitsForTheServer: a stream ensured while the server is
// down (as a service starting during a NATS restart, or on a cluster still
// electing its leader) is created once the server is back, instead of
// failing the start.
func TestStreamSetupWaitsForTheServer(t *testing.T) {
	t.Parallel()
	n := testkit.StartNATS(t)
	bus := n.Bus(t, "intake")
	n.Stop(t)
	testkit.Eventually(t, testkit.Wait, "connection seen down", func() (bool, error) {
		return bus.Ready(t.Context()) != nil, nil
	})
	back := make(chan struct{})
	go func() {
		// Past the JetStream API's own 5 s timeout: one request alone
		// would fail.
		defer close(back)
		time.Sleep(6 * time.Second)
		n.Restart(t)
	}()
	err := bus.EnsureRedriveStream(t.Context(), 1)
	<-back
	if err != nil {
		t.Fatalf("ensure REDRIVE through a server restart: %v", err)
	}
	if _, err := bus.JS.Stream(t.Context(), events.RedriveStream); err != nil {
		t.Fatalf("REDRIVE after the setup: %v", err)
	}
}
