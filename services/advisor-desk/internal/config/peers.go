package config

import "time"

// Peers is where the web desk's case pages read the cases: the base URLs
// of the owning services' advisor APIs (called with the signed-in
// advisor's own token), and how long a call may take. The defaults are
// devstack's ports.
type Peers struct {
	IntakeURL           string        `envconfig:"INTAKE_URL" default:"http://127.0.0.1:8081"`
	CreationSupportURL  string        `envconfig:"CREATION_SUPPORT_URL" default:"http://127.0.0.1:8082"`
	TakeoverMatchingURL string        `envconfig:"TAKEOVER_MATCHING_URL" default:"http://127.0.0.1:8083"`
	DifficultyAlertURL  string        `envconfig:"DIFFICULTY_ALERT_URL" default:"http://127.0.0.1:8084"`
	PeerTimeout         time.Duration `envconfig:"PEER_TIMEOUT" default:"5s"`
}
