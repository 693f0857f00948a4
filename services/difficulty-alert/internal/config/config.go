// Package config reads difficulty-alert's settings from the environment.
package config

import (
	"github.com/ccicma/platform/pkg/platform"
)

// Config is difficulty-alert's whole configuration. Every key may be prefixed with
// DIFFICULTY_ALERT_ (e.g. DIFFICULTY_ALERT_DATABASE_URL).
type Config struct {
	platform.Config
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config]("DIFFICULTY_ALERT") }
