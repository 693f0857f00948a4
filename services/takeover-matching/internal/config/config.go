// Package config reads takeover-matching's settings from the environment.
package config

import (
	"github.com/ccicma/platform/pkg/platform"
)

// Config is takeover-matching's whole configuration. Every key may be prefixed with
// TAKEOVER_MATCHING_ (e.g. TAKEOVER_MATCHING_DATABASE_URL).
type Config struct {
	platform.Config
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config]("TAKEOVER_MATCHING") }
