package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/config"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// Not parallel: t.Setenv.
func TestDifficultyThresholds(t *testing.T) {
	for _, k := range []string{"INTAKE_DIFFICULTY_VIGILANCE_THRESHOLD", "INTAKE_DIFFICULTY_ALERT_THRESHOLD",
		"DIFFICULTY_VIGILANCE_THRESHOLD", "DIFFICULTY_ALERT_THRESHOLD"} {
		t.Setenv(k, "") // restored after the test
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
	c, err := config.Load()
	if err != nil {
		t.Fatalf("Load with defaults: %v", err)
	}
	if got := c.DifficultyThresholds(); got != request.DefaultThresholds() {
		t.Errorf("default thresholds %+v, want %+v", got, request.DefaultThresholds())
	}

	t.Setenv("INTAKE_DIFFICULTY_VIGILANCE_THRESHOLD", "20")
	t.Setenv("DIFFICULTY_ALERT_THRESHOLD", "60") // without the prefix too
	c, err = config.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := c.DifficultyThresholds(); got != (request.Thresholds{Vigilance: 20, Alert: 60}) {
		t.Errorf("thresholds %+v, want 20 and 60", got)
	}

	t.Setenv("INTAKE_DIFFICULTY_VIGILANCE_THRESHOLD", "70")
	if _, err := config.Load(); !errors.Is(err, request.ErrThresholds) {
		t.Errorf("vigilance above alert: Load = %v, want ErrThresholds", err)
	}
}

// TestRoutingRules: without ROUTING_RULES_FILE the embedded table; a file
// named there replaces it, and its version shows in decisions; a missing
// or bad file is an error naming the file and the rule.
func TestRoutingRules(t *testing.T) {
	t.Parallel()
	embedded, err := routing.EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	if r, err := (config.Config{}).RoutingRules(); err != nil || r != embedded {
		t.Errorf("no file: %p, %v; want the embedded table %p", r, err, embedded)
	}

	dir := t.TempDir()
	table := func(version string, rules ...string) []byte {
		return []byte(`{"version": "` + version + `", "naf_version": "NAFRev2",
  "out_of_territory_reason": "La commune ({departement}) est hors du territoire servi.",
  "rules": [` + strings.Join(rules, ",\n") + `]}`)
	}
	small := `{"id": "small", "when": {"naf_artisanal": "always", "headcount_max": 10}, "then": {"lead": "CMA", "reason": "Artisanal ({naf})."}}`
	rest := `{"id": "rest", "then": {"lead": "CCI", "reason": "Le reste ({naf})."}}`
	path := filepath.Join(dir, "rules.json")
	if err := os.WriteFile(path, table("override-7", small, rest), 0o600); err != nil {
		t.Fatal(err)
	}
	rules, err := config.Config{RoutingRulesFile: path}.RoutingRules()
	if err != nil {
		t.Fatalf("RoutingRules(%s): %v", path, err)
	}
	ref, err := refdata.Load()
	if err != nil {
		t.Fatal(err)
	}
	router := routing.Router{Ref: ref, Departements: []string{"91"}, Rules: rules}
	if r := router.Route(routing.Input{NAFCode: "4322A", Headcount: 3, Departement: "91"}); r.RuleID != "small" ||
		r.RulesVersion != "override-7" || r.Reason != "Artisanal (43.22A)." {
		t.Errorf("with the file: %+v, want rule small of version override-7", r)
	}
	// 15 employees: the file has no droit de suite, its catch-all decides.
	if r := router.Route(routing.Input{NAFCode: "4322A", Headcount: 15, AlreadyRegistered: true}); r.RuleID != "rest" {
		t.Errorf("with the file, 15 employees: rule %q, want rest", r.RuleID)
	}

	if _, err := (config.Config{RoutingRulesFile: filepath.Join(dir, "missing.json")}).RoutingRules(); err == nil {
		t.Error("a missing file was accepted")
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, table("t1", small), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (config.Config{RoutingRulesFile: bad}).RoutingRules(); err == nil || !strings.Contains(err.Error(), bad) ||
		!strings.Contains(err.Error(), `"small"`) {
		t.Errorf("bad file: %v, want an error naming the file and the rule", err)
	}
}

// TestMailSettings: without SMTP_URL e-mail is off and nothing else is
// checked; with it, the status links need an absolute PUBLIC_BASE_URL and
// the delivery settings must be safe (a lease that outlasts a send).
// Not parallel: t.Setenv.
func TestMailSettings(t *testing.T) {
	for _, k := range []string{"SMTP_URL", "INTAKE_SMTP_URL", "PUBLIC_BASE_URL", "INTAKE_PUBLIC_BASE_URL", "MAIL_LEASE", "INTAKE_MAIL_LEASE"} {
		t.Setenv(k, "")
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
	c, err := config.Load()
	if err != nil || c.Enabled() {
		t.Fatalf("defaults: enabled %v, err %v; want e-mail off", c.Enabled(), err)
	}
	t.Setenv("INTAKE_SMTP_URL", "smtp://127.0.0.1:2525")
	t.Setenv("INTAKE_PUBLIC_BASE_URL", "https://entreprendre.example.org")
	if c, err = config.Load(); err != nil || !c.Enabled() || c.MailFollowUpDelay <= 0 || !strings.Contains(c.MailFrom, "@") {
		t.Fatalf("e-mail on: %+v, err %v", c.Mail, err)
	}
	t.Setenv("INTAKE_PUBLIC_BASE_URL", "/suivi")
	if _, err := config.Load(); err == nil || !strings.Contains(err.Error(), "PUBLIC_BASE_URL") {
		t.Errorf("a relative PUBLIC_BASE_URL: Load = %v", err)
	}
	t.Setenv("INTAKE_PUBLIC_BASE_URL", "https://entreprendre.example.org")
	t.Setenv("INTAKE_MAIL_LEASE", "10s")
	if _, err := config.Load(); err == nil || !strings.Contains(err.Error(), "MAIL_LEASE") {
		t.Errorf("a lease shorter than a send: Load = %v", err)
	}
}

// TestBuyerDigestSettings: the digest's threshold and hour default to 75
// and 8 o'clock, and out of range they stop the service.
func TestBuyerDigestSettings(t *testing.T) {
	for _, k := range []string{"BUYER_DIGEST_MIN_SCORE", "BUYER_DIGEST_HOUR", "BUYER_DIGEST_EVERY"} {
		for _, key := range []string{k, "INTAKE_" + k} {
			t.Setenv(key, "")
			if err := os.Unsetenv(key); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err := config.Load()
	if err != nil || c.BuyerDigestMinScore != 75 || c.BuyerDigestHour != 8 {
		t.Fatalf("defaults: %d, %d, %v; want 75 and 8", c.BuyerDigestMinScore, c.BuyerDigestHour, err)
	}
	t.Setenv("INTAKE_BUYER_DIGEST_MIN_SCORE", "60")
	if c, err := config.Load(); err != nil || c.BuyerDigestMinScore != 60 {
		t.Errorf("INTAKE_BUYER_DIGEST_MIN_SCORE=60: %d, %v", c.BuyerDigestMinScore, err)
	}
	for k, v := range map[string]string{"INTAKE_BUYER_DIGEST_MIN_SCORE": "101", "INTAKE_BUYER_DIGEST_HOUR": "24"} {
		t.Setenv(k, v)
		if _, err := config.Load(); err == nil {
			t.Errorf("%s=%s accepted", k, v)
		}
		t.Setenv(k, "8")
	}
}
