package natsbus

import "testing"

// TestRedactHidesEveryPasswordOfAClusterList: NATS_URL lists a cluster's
// nodes; an error naming it must show none of their passwords.
func TestRedactHidesEveryPasswordOfAClusterList(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"nats://127.0.0.1:4222", "nats://127.0.0.1:4222"},
		{"nats://u:secret@a:4222,nats://u:secret@b:4222", "nats://u:xxxxx@a:4222,nats://u:xxxxx@b:4222"},
		{"nats://a:4222, nats://b:4222", "nats://a:4222,nats://b:4222"},
	} {
		if got := redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
