// Package config reads difficulty-alert's settings from the environment.
package config

import (
	"fmt"

	"github.com/kelseyhightower/envconfig"

	"github.com/ccicma/platform/pkg/platform"
)

// Config is difficulty-alert's whole configuration. Every key may be prefixed with
// DIFFICULTY_ALERT_ (e.g. DIFFICULTY_ALERT_DATABASE_URL).
type Config struct {
	platform.Config
}

// Load reads the configuration.
func Load() (Config, error) {
	var c Config
	if err := envconfig.Process("DIFFICULTY_ALERT", &c); err != nil {
		return c, fmt.Errorf("read difficulty-alert config: %w", err)
	}
	return c, nil
}
