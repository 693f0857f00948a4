package natsbus_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
)

func TestIsOutage(t *testing.T) {
	t.Parallel()
	_, dialErr := net.Dial("tcp", "127.0.0.1:1") // nothing listens there
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"dial refused", fmt.Errorf("call directory: %w", dialErr), true},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"dependency deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), true},
		{"nats closed", fmt.Errorf("publish: %w", nats.ErrConnectionClosed), true},
		{"nats no responders", nats.ErrNoResponders, true},
		{"nats timeout", nats.ErrTimeout, true},
		{"plain error", errors.New("commune unknown"), false},
		{"malformed", fmt.Errorf("%w: missing header", events.ErrMalformed), false},
		{"nil", nil, false},
	} {
		if got := natsbus.IsOutage(tc.err); got != tc.want {
			t.Errorf("%s: IsOutage(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
