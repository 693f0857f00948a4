package config_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/config"
)

// The case pages' peers default to devstack's ports and read the keys
// bare (docker-compose) or prefixed (the k8s ConfigMap).
func TestPeerKeys(t *testing.T) {
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := config.Peers{IntakeURL: "http://127.0.0.1:8081", CreationSupportURL: "http://127.0.0.1:8082",
		TakeoverMatchingURL: "http://127.0.0.1:8083", DifficultyAlertURL: "http://127.0.0.1:8084", PeerTimeout: 5 * time.Second}
	if cfg.Peers != want {
		t.Errorf("defaults %+v, want %+v", cfg.Peers, want)
	}
	t.Setenv("INTAKE_URL", "http://intake:8080")
	t.Setenv("ADVISOR_DESK_DIFFICULTY_ALERT_URL", "http://difficulty-alert:8080")
	t.Setenv("PEER_TIMEOUT", "2s")
	if cfg, err = config.Load(); err != nil {
		t.Fatal(err)
	}
	if cfg.IntakeURL != "http://intake:8080" || cfg.DifficultyAlertURL != "http://difficulty-alert:8080" || cfg.PeerTimeout != 2*time.Second {
		t.Errorf("read %+v", cfg.Peers)
	}
}
