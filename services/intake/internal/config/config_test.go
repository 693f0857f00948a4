package config_test

import (
	"errors"
	"os"
	"testing"

	"github.com/ccicma/platform/services/intake/internal/config"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Not parallel: t.Setenv.
func TestDifficultyThresholds(t *testing.T) {
	for _, k := range []string{"INTAKE_DIFFICULTY_VIGILANCE_THRESHOLD", "INTAKE_DIFFICULTY_ALERT_THRESHOLD",
		"DIFFICULTY_VIGILANCE_THRESHOLD", "DIFFICULTY_ALERT_THRESHOLD"} {
		t.Setenv(k, "") // restored after the test
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
	c, err := config.Load()
	if err != nil {
		t.Fatalf("Load with defaults: %v", err)
	}
	if got := c.DifficultyThresholds(); got != request.DefaultThresholds() {
		t.Errorf("default thresholds %+v, want %+v", got, request.DefaultThresholds())
	}

	t.Setenv("INTAKE_DIFFICULTY_VIGILANCE_THRESHOLD", "20")
	t.Setenv("DIFFICULTY_ALERT_THRESHOLD", "60") // without the prefix too
	c, err = config.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := c.DifficultyThresholds(); got != (request.Thresholds{Vigilance: 20, Alert: 60}) {
		t.Errorf("thresholds %+v, want 20 and 60", got)
	}

	t.Setenv("INTAKE_DIFFICULTY_VIGILANCE_THRESHOLD", "70")
	if _, err := config.Load(); !errors.Is(err, request.ErrThresholds) {
		t.Errorf("vigilance above alert: Load = %v, want ErrThresholds", err)
	}
}
