package natsbus

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestSetupTransient: a stream's setup outwaits a cluster not ready to
// place it and a NATS timeout, and fails at once on a refusal of the
// stream itself.
func TestSetupTransient(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("ensure stream INTAKE: %w", &jetstream.APIError{Code: 400, ErrorCode: jsNoSuitablePeers, Description: "no suitable peers for placement, peer offline"}), true},
		{&jetstream.APIError{Code: 503, ErrorCode: jsClusterNotAvailable, Description: "JetStream system temporarily unavailable"}, true},
		{fmt.Errorf("create: %w", nats.ErrTimeout), true},
		{&jetstream.APIError{Code: 400, ErrorCode: jetstream.JSErrCodeStreamNameInUse, Description: "stream name already in use"}, false},
		{errors.New("subjects overlap with an existing stream"), false},
	} {
		if got := setupTransient(tc.err); got != tc.want {
			t.Errorf("setupTransient(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
