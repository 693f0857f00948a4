// Package config reads intake's settings from the environment.
package config

import (
	"github.com/ccicma/platform/pkg/platform"
)

// Config is intake's whole configuration. Every key may be prefixed with
// INTAKE_ (e.g. INTAKE_DATABASE_URL).
type Config struct {
	platform.Config
	// Departements are the départements the chambers serve; requests from
	// elsewhere are accepted and flagged for forwarding.
	Departements []string `envconfig:"DEPARTEMENTS" default:"91"`
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config]("INTAKE") }
