package natsbus_test

import (
	"testing"
	"time"

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
