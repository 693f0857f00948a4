package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kelseyhightower/envconfig"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/natsembed"

	"github.com/ccicma/platform/deploy/devstack/stack"
	advisordesk "github.com/ccicma/platform/services/advisor-desk/service"
)

// Config is devstack's configuration (environment variables).
type Config struct {
	// DatabaseURL is a superuser URL; the database is created if missing.
	DatabaseURL string `envconfig:"DATABASE_URL" default:"postgres://postgres@127.0.0.1:5432/ccicma?sslmode=disable"`
	// NATSURL points at an external nats-server (2.11+) configured like
	// deploy/nats; empty runs an embedded one.
	NATSURL string `envconfig:"NATS_URL"`
	// NATSPort of the embedded server (4222 is often taken by a system one).
	NATSPort    int    `envconfig:"DEVSTACK_NATS_PORT" default:"4223"`
	MonitorPort int    `envconfig:"DEVSTACK_NATS_MONITOR_PORT" default:"8222"`
	DataDir     string `envconfig:"DEVSTACK_DATA_DIR" default:".devstack"`
	Host        string `envconfig:"DEVSTACK_HOST" default:"127.0.0.1"`
	// BasePort: intake on it, then creation-support, takeover-matching,
	// difficulty-alert, advisor-desk on the next ports.
	BasePort     int        `envconfig:"DEVSTACK_BASE_PORT" default:"8081"`
	Departements []string   `envconfig:"DEPARTEMENTS" default:"91"`
	LogLevel     slog.Level `envconfig:"LOG_LEVEL" default:"INFO"`
	// DevSignIn makes advisor-desk issue the advisors' tokens (false: an
	// OIDC provider does, set AUTH_JWKS_URL and AUTH_ISSUER).
	DevSignIn bool `envconfig:"ADVISOR_DESK_DEV_SIGNIN" default:"true"`
	// SigningKeyFile is advisor-desk's token signing key; empty: one kept
	// in DataDir, created on the first run, so tokens survive restarts.
	SigningKeyFile string `envconfig:"AUTH_SIGNING_KEY_FILE"`
	// Seed submits demo creation projects at every stage of the journey on
	// the first run (an empty creation-support), so the desk is not empty.
	Seed bool `envconfig:"DEVSTACK_SEED" default:"true"`
	// Mail runs an in-process SMTP catcher (pkg/mailcatch) on MailPort,
	// its e-mails readable at MailWebPort, and points intake and
	// advisor-desk at it: nobody's mailbox gets the demo's e-mails.
	// Turned off (or with SMTP_URL set), the services read their SMTP
	// settings from the environment.
	Mail        bool `envconfig:"DEVSTACK_MAIL" default:"true"`
	MailPort    int  `envconfig:"DEVSTACK_MAIL_PORT" default:"2525"`
	MailWebPort int  `envconfig:"DEVSTACK_MAIL_WEB_PORT" default:"8086"`
}

func run(ctx context.Context) error {
	var cfg Config
	if err := envconfig.Process("", &cfg); err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if err := ensurePostgres(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	secrets, err := loadSecrets(filepath.Join(cfg.DataDir, "secrets.env"))
	if err != nil {
		return err
	}
	if cfg.DevSignIn && cfg.SigningKeyFile == "" {
		cfg.SigningKeyFile = filepath.Join(cfg.DataDir, "dev-signing-key.pem")
		if err := ensureSigningKey(cfg.SigningKeyFile); err != nil {
			return err
		}
	}
	natsCfg, shutdownNATS, err := startNATS(cfg, secrets)
	if err != nil {
		return err
	}
	defer shutdownNATS()
	smtpURL, mailWeb, stopMail, err := startMailCatcher(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stopMail()
	st, err := stack.Start(ctx, stack.Options{
		AdminDatabaseURL:   cfg.DatabaseURL,
		RolePassword:       func(role string) string { return secrets["pg_"+role] },
		NATS:               natsCfg,
		Host:               cfg.Host,
		BasePort:           cfg.BasePort,
		Departements:       cfg.Departements,
		Logger:             log,
		DisableDevSignIn:   !cfg.DevSignIn,
		AuthSigningKeyFile: cfg.SigningKeyFile,
		SMTPURL:            smtpURL,
		IntakeSMTPURL:      smtpURL,
	})
	if err != nil {
		return err
	}
	printWelcome(cfg, st, mailWeb)
	if cfg.Seed && cfg.DevSignIn {
		go seed(ctx, cfg, st, log)
	}
	return st.Run(ctx)
}

// seed fills a new platform with demo creation projects once it serves;
// a failure is logged, the platform runs on.
func seed(ctx context.Context, cfg Config, st *stack.Stack, log *slog.Logger) {
	db, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		log.Warn("demo seed: open the database", "err", err)
		return
	}
	defer db.Close()
	if err := awaitReady(ctx, st.URL("intake")+"/readyz"); err != nil {
		log.Warn("demo seed: the platform did not get ready", "err", err)
		return
	}
	n, err := st.SeedJourneys(ctx, db)
	if err != nil {
		log.Warn("demo seed stopped", "projects", n, "err", err)
		return
	}
	if n > 0 {
		log.Info("demo creation projects seeded at every stage of the journey", "projects", n)
	}
}

// awaitReady polls a readiness URL for up to a minute.
func awaitReady(ctx context.Context, url string) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after a minute", url)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// startNATS starts the embedded server, or returns the settings of the
// external one.
func startNATS(cfg Config, secrets map[string]string) (func(string) natsbus.Config, func(), error) {
	if cfg.NATSURL != "" {
		return func(service string) natsbus.Config {
			prefix := strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
			return natsbus.Config{URL: cfg.NATSURL, User: service, Password: os.Getenv(prefix + "_NATS_PASSWORD")}
		}, func() {}, nil
	}
	pw := map[string]string{natsembed.AdminUser: secrets["nats_admin"], natsbus.OperatorUser: secrets["nats_"+natsbus.OperatorUser]}
	for _, id := range natsbus.Platform() {
		pw[id.Service] = secrets["nats_"+id.Service]
	}
	ns, err := natsembed.Start(natsembed.Options{
		Host: cfg.Host, Port: cfg.NATSPort, MonitorPort: cfg.MonitorPort,
		StoreDir: filepath.Join(cfg.DataDir, "jetstream"), Passwords: pw,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("embedded nats (port %d; set DEVSTACK_NATS_PORT if taken): %w", cfg.NATSPort, err)
	}
	url := ns.ClientURL()
	if err := writePlatformctlEnv(filepath.Join(cfg.DataDir, "platformctl.env"), url, pw[natsbus.OperatorUser]); err != nil {
		ns.Shutdown()
		return nil, nil, err
	}
	return func(service string) natsbus.Config {
			return natsbus.Config{URL: url, User: service, Password: pw[service]}
		}, func() {
			ns.Shutdown()
			ns.WaitForShutdown()
		}, nil
}

// writePlatformctlEnv writes the settings with which platformctl, the ops
// command, reaches the embedded server as its own user:
//
//	set -a; . .devstack/platformctl.env; set +a; go run ./deploy/platformctl deadletters list
func writePlatformctlEnv(path, url, password string) error {
	env := fmt.Sprintf("PLATFORMCTL_NATS_URL=%s\nPLATFORMCTL_NATS_USER=%s\nPLATFORMCTL_NATS_PASSWORD=%s\n",
		url, natsbus.OperatorUser, password)
	if err := os.WriteFile(path, []byte(env), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// loadSecrets reads the development passwords kept between runs, creating
// random ones on the first run (so no password is written in the code).
func loadSecrets(path string) (map[string]string, error) {
	want := []string{"nats_admin", "nats_" + natsbus.OperatorUser}
	for _, id := range natsbus.Platform() {
		want = append(want, "nats_"+id.Service, "pg_"+stack.Schema(id.Service))
	}
	secrets := map[string]string{}
	if raw, err := os.ReadFile(path); err == nil { //nolint:gosec // G304: the path is devstack's own secrets file, from its configuration
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				secrets[k] = v
			}
		}
	} else if !os.IsNotExist(err) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	changed := false
	for _, k := range want {
		if secrets[k] == "" {
			b := make([]byte, 16)
			if _, err := rand.Read(b); err != nil {
				return nil, err
			}
			secrets[k] = hex.EncodeToString(b)
			changed = true
		}
	}
	if !changed {
		return secrets, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	var b strings.Builder
	for _, k := range want {
		fmt.Fprintf(&b, "%s=%s\n", k, secrets[k])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return secrets, nil
}

// ensureSigningKey creates advisor-desk's development signing key on the
// first run (like the passwords, never written in the code).
func ensureSigningKey(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("signing key %s: %w", path, err)
	}
	key, err := auth.GenerateKeyPEM()
	if err != nil {
		return fmt.Errorf("generate the signing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// startMailCatcher starts the SMTP catcher and the web page of its
// e-mails; it returns the catcher's SMTP URL and the page's URL (both
// empty when devstack runs none).
func startMailCatcher(ctx context.Context, cfg Config, log *slog.Logger) (smtpURL, web string, stop func(), err error) {
	if !cfg.Mail || os.Getenv("SMTP_URL") != "" {
		return "", "", func() {}, nil
	}
	catcher, err := mailcatch.Listen(net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.MailPort)))
	if err != nil {
		return "", "", nil, fmt.Errorf("%w (DEVSTACK_MAIL_PORT, or DEVSTACK_MAIL=false)", err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.MailWebPort)))
	if err != nil {
		_ = catcher.Close()
		return "", "", nil, fmt.Errorf("mail catcher page: %w (DEVSTACK_MAIL_WEB_PORT, or DEVSTACK_MAIL=false)", err)
	}
	srv := &http.Server{Handler: catcher.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("mail catcher page stopped", "err", err)
		}
	}()
	stop = func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx) // the page of a stopping devstack: nothing to save
		_ = catcher.Close()
	}
	return catcher.URL(), "http://" + l.Addr().String(), stop, nil
}

// mailHelp says where the demo's e-mails are read.
func mailHelp(web string) string {
	if web == "" {
		return ""
	}
	return "\n  courriels          " + web + "   (reçus par le serveur SMTP de développement : accusés de réception, notifications)"
}

func printWelcome(cfg Config, st *stack.Stack, mailWeb string) {
	intake, desk := st.URL("intake"), st.URL("advisor-desk")
	traces := "set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4318 with Jaeger) to export traces"
	if v := os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); v != "" {
		traces = "exported over OTLP to " + v + " (Jaeger UI: http://localhost:16686)"
	}
	fmt.Printf(`
Plateforme CCI-CMA démarrée (Ctrl-C pour arrêter)

  intake             %s   (formulaires : /creation /cession /reprise /difficultes ; API : /openapi.json)
  creation-support   %s
  takeover-matching  %s
  difficulty-alert   %s
  advisor-desk       %s   (bureau des conseillers : /connexion puis /boite)
  NATS monitoring    http://%s:%d
  traces             %s
  metrics            <service URL>/metrics%s%s

Conseillers de démonstration : cci-91-001 Camille Martin (CCI, responsable,
administratrice de l'annuaire), cci-91-002 Karim Benali (CCI, cellule de
prévention), cma-91-001 Léa Dubois (CMA, responsable), cma-91-002 Thomas
Petit (CMA, cellule de prévention).%s

Essayez (une boulangerie à Évry, routée vers la CMA) :

  curl -sS -X POST %s/api/v1/creation-requests \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-0001' \
    -d '{"applicant":{"first_name":"Inès","last_name":"Moreau","email":"ines.moreau@example.fr"},"project":{"description":"Boulangerie-pâtisserie artisanale","naf_code":"10.71C","postcode":"91000","planned_headcount":3}}'

%s
`, intake, st.URL("creation-support"), st.URL("takeover-matching"), st.URL("difficulty-alert"), desk,
		cfg.Host, cfg.MonitorPort, traces, platformctlHelp(cfg), mailHelp(mailWeb), webDeskHelp(cfg, desk), intake, signInHelp(cfg, desk))
}

// platformctlHelp tells how to run the ops command against the embedded
// NATS server (an external one has its own passwords).
func platformctlHelp(cfg Config) string {
	if cfg.NATSURL != "" {
		return ""
	}
	return "\n  platformctl        set -a; . " + filepath.Join(cfg.DataDir, "platformctl.env") +
		"; set +a; go run ./deploy/platformctl deadletters list"
}

// webDeskHelp tells how to sign in to the web desk as a demo advisor.
func webDeskHelp(cfg Config, desk string) string {
	if !cfg.DevSignIn {
		return ""
	}
	return fmt.Sprintf(`

Bureau des conseillers : %s/connexion
  identifiant cma-91-001 (ou un autre conseiller ci-dessus, ou son e-mail)
  mot de passe %s
Gardez la boîte ouverte et envoyez une demande depuis un autre onglet (les
formulaires ci-dessus) : elle s'y affiche en direct.`, desk, advisordesk.DemoPassword)
}

// signInHelp tells how to get a token and read Léa's notifications with it.
func signInHelp(cfg Config, desk string) string {
	if !cfg.DevSignIn {
		return fmt.Sprintf(`Les jetons viennent du fournisseur OIDC (AUTH_JWKS_URL, AUTH_ISSUER) :

  curl -sS -H "Authorization: Bearer $TOKEN" %s/api/v1/advisors/cma-91-001/notifications
`, desk)
	}
	return fmt.Sprintf(`Connectez-vous comme Léa Dubois (connexion de développement, sans mot de passe),
puis lisez ses notifications, en liste et en direct :

  TOKEN=$(curl -sS -X POST %s/api/v1/dev/tokens -H 'Content-Type: application/json' \
    -d '{"advisor_id":"cma-91-001"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -sS -H "Authorization: Bearer $TOKEN" %s/api/v1/advisors/cma-91-001/notifications
  curl -sSN -H "Authorization: Bearer $TOKEN" %s/api/v1/advisors/cma-91-001/notifications/stream

  (un navigateur, dont EventSource n'envoie pas d'en-têtes, passe le jeton en
  ?access_token= sur le flux seulement ; clés publiques : %s/.well-known/jwks.json)
`, desk, desk, desk, desk)
}
