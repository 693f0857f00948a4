package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/difficulty-alert/service"
)

// TestBadBodaccFeedSettingsStopTheStart: a feed the service could not
// follow as configured stops it before anything opens, naming the key.
func TestBadBodaccFeedSettingsStopTheStart(t *testing.T) {
	t.Parallel()
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	for key, change := range map[string]func(*service.Config){
		"BODACC_FEED_URL":          func(c *service.Config) { c.BodaccFeedURL = "bodacc-datadila.opendatasoft.com" },
		"BODACC_FEED_DEPARTEMENTS": func(c *service.Config) { c.BodaccFeedDepartements = []string{"99"} },
		"BODACC_FEED_OVERLAP":      func(c *service.Config) { c.BodaccFeedOverlap = 12 * time.Hour },
	} {
		c := cfg
		c.BodaccFeedURL, c.BodaccFeedDepartements = "https://bodacc-datadila.opendatasoft.com", []string{"91"}
		change(&c)
		if _, err := service.New(t.Context(), c, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("New = %v, want an error naming %s", err, key)
		}
	}
}
