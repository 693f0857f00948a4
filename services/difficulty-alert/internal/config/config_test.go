package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/config"
)

// TestBodaccFeedSettings: without a URL no feed (and no feed key alone);
// with one, every key is checked and a bad one named.
func TestBodaccFeedSettings(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	base := func() config.Config {
		return config.Config{BodaccFeedURL: "https://bodacc-datadila.opendatasoft.com/", BodaccFeedDepartements: []string{"91", " 2A"},
			BodaccFeedEvery: 6 * time.Hour, BodaccFeedOverlap: 72 * time.Hour}
	}
	f, err := base().BodaccFeed(now)
	if err != nil || f.URL != "https://bodacc-datadila.opendatasoft.com" || len(f.Departements) != 2 || f.Departements[1] != "2A" ||
		f.Every != 6*time.Hour || f.Overlap != 72*time.Hour || !f.Since.IsZero() {
		t.Fatalf("%+v %v", f, err)
	}
	withSince := base()
	withSince.BodaccFeedSince = "2026-01-01"
	if f, err := withSince.BodaccFeed(now); err != nil || f.Since != time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("since: %+v %v", f, err)
	}
	if f, err := (config.Config{BodaccFeedEvery: 6 * time.Hour}).BodaccFeed(now); err != nil || f.URL != "" {
		t.Errorf("no feed: %+v %v", f, err)
	}
	for _, tc := range []struct {
		key    string
		change func(*config.Config)
	}{
		{"BODACC_FEED_DEPARTEMENTS", func(c *config.Config) { c.BodaccFeedURL = "" }},
		{"BODACC_FEED_URL", func(c *config.Config) { c.BodaccFeedURL = "bodacc-datadila.opendatasoft.com" }},
		{"BODACC_FEED_URL", func(c *config.Config) { c.BodaccFeedURL = "ftp://bodacc.example" }},
		{"BODACC_FEED_URL", func(c *config.Config) { c.BodaccFeedURL = "https://user:pw@bodacc.example" }},
		{"BODACC_FEED_URL", func(c *config.Config) { c.BodaccFeedURL = "https://bodacc.example/?x=1" }},
		{"BODACC_FEED_DEPARTEMENTS", func(c *config.Config) { c.BodaccFeedDepartements = nil }},
		{"BODACC_FEED_DEPARTEMENTS", func(c *config.Config) { c.BodaccFeedDepartements = []string{"96"} }},
		{"BODACC_FEED_DEPARTEMENTS", func(c *config.Config) { c.BodaccFeedDepartements = []string{"91", "91"} }},
		{"BODACC_FEED_EVERY", func(c *config.Config) { c.BodaccFeedEvery = 0 }},
		{"BODACC_FEED_EVERY", func(c *config.Config) { c.BodaccFeedEvery = 30 * 24 * time.Hour }},
		{"BODACC_FEED_OVERLAP", func(c *config.Config) { c.BodaccFeedOverlap = 36 * time.Hour }},
		{"BODACC_FEED_OVERLAP", func(c *config.Config) { c.BodaccFeedOverlap = -24 * time.Hour }},
		{"BODACC_FEED_OVERLAP", func(c *config.Config) { c.BodaccFeedOverlap = 60 * 24 * time.Hour }},
		{"BODACC_FEED_SINCE", func(c *config.Config) { c.BodaccFeedSince = "01/01/2026" }},
		{"BODACC_FEED_SINCE", func(c *config.Config) { c.BodaccFeedSince = "2026-12-08" }},
	} {
		c := base()
		tc.change(&c)
		if _, err := c.BodaccFeed(now); err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("want an error naming %s, got %v", tc.key, err)
		}
	}
}
