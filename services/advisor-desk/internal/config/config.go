// Package config reads advisor-desk's settings from the environment.
package config

import (
	"time"

	"github.com/ccicma/platform/pkg/platform"
)

// Config is advisor-desk's whole configuration. Every key may be prefixed
// with ADVISOR_DESK_ (e.g. ADVISOR_DESK_DATABASE_URL).
type Config struct {
	platform.Config
	// AdvisorsFile seeds the directory; empty means the embedded demo file.
	AdvisorsFile string `envconfig:"ADVISORS_FILE"`
	// StreamPoll is how often a live stream re-reads without a wake-up.
	StreamPoll time.Duration `envconfig:"STREAM_POLL" default:"2s"`
	// StreamHeartbeat keeps idle streams open through proxies.
	StreamHeartbeat time.Duration `envconfig:"STREAM_HEARTBEAT" default:"15s"`
}

// Load reads the configuration.
func Load() (Config, error) { return platform.LoadConfig[Config]("ADVISOR_DESK") }
