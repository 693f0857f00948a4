// Package config reads creation-support's settings from the environment.
package config

import (
	"github.com/ccicma/platform/pkg/platform"
)

// Config is creation-support's whole configuration. Every key may be
// prefixed with CREATION_SUPPORT_ (e.g. CREATION_SUPPORT_DATABASE_URL).
type Config struct {
	platform.Config
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config]("CREATION_SUPPORT") }
