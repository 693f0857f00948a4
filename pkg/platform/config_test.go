package platform_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/platform"
)

type serviceConfig struct {
	platform.Config
	Departements []string `envconfig:"DEPARTEMENTS" default:"91"`
}

// TestLoadConfigKeys: each key is read as SERVICE_KEY first (the prefix
// derived from the service's name), then as the bare KEY, including the
// database and NATS settings.
func TestLoadConfigKeys(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://shared@db/ccicma")
	t.Setenv("INTAKE_DATABASE_URL", "postgres://intake@db/ccicma")
	t.Setenv("NATS_URL", "nats://shared:4222")
	t.Setenv("INTAKE_NATS_USER", "intake")
	t.Setenv("HTTP_ADDR", ":9000")
	t.Setenv("INTAKE_DEPARTEMENTS", "91,77")
	c, err := platform.LoadConfig[serviceConfig]("intake")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"prefixed key wins", c.DB.URL, "postgres://intake@db/ccicma"},
		{"bare key as fallback", c.NATS.URL, "nats://shared:4222"},
		{"prefixed NATS user", c.NATS.User, "intake"},
		{"bare HTTP_ADDR", c.HTTPAddr, ":9000"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %q, want %q", ck.name, ck.got, ck.want)
		}
	}
	if len(c.Departements) != 2 || c.Departements[1] != "77" {
		t.Errorf("departements = %v", c.Departements)
	}
	if c.DB.MaxConns != 8 || c.ShutdownTimeout.Seconds() != 15 {
		t.Errorf("defaults not applied: max conns %d, shutdown %s", c.DB.MaxConns, c.ShutdownTimeout)
	}
	if _, err := platform.LoadConfig[serviceConfig]("creation-support"); err != nil {
		t.Fatal(err)
	}
}

// TestEnvPrefix: the prefix is the service's name in upper case, "_" for
// "-".
func TestEnvPrefix(t *testing.T) {
	for name, want := range map[string]string{"intake": "INTAKE", "creation-support": "CREATION_SUPPORT",
		"takeover-matching": "TAKEOVER_MATCHING", "difficulty-alert": "DIFFICULTY_ALERT", "advisor-desk": "ADVISOR_DESK"} {
		if got := platform.EnvPrefix(name); got != want {
			t.Errorf("EnvPrefix(%q) = %q, want %q", name, got, want)
		}
	}
}
