// Package stack starts the whole platform in one process: the five
// services, each with its own Postgres role and schema and its own NATS
// user, against a database and a NATS server given by the caller. The
// devstack command and the end-to-end tests both use it.
package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	advisordesk "github.com/ccicma/platform/services/advisor-desk/service"
	creationsupport "github.com/ccicma/platform/services/creation-support/service"
	difficultyalert "github.com/ccicma/platform/services/difficulty-alert/service"
	intake "github.com/ccicma/platform/services/intake/service"
	takeovermatching "github.com/ccicma/platform/services/takeover-matching/service"
)

// Options configures a stack.
type Options struct {
	// AdminDatabaseURL is a superuser URL of the platform's database; the
	// stack provisions each service's schema and role with it.
	AdminDatabaseURL string
	// RolePassword returns the password of a service's role.
	RolePassword func(role string) string
	// NATS returns how a service connects to NATS.
	NATS func(service string) natsbus.Config
	// Host and BasePort place the HTTP servers: intake on BasePort,
	// creation-support +1, takeover-matching +2, difficulty-alert +3,
	// advisor-desk +4. BasePort 0 picks free ports.
	Host     string
	BasePort int
	// Departements served by the chambers.
	Departements []string
	// Logger is the base logger of every service.
	Logger *slog.Logger
	// Telemetry lets tests record spans (nil: per-service defaults).
	Telemetry func(service string) telemetry.Options
	// Tune adjusts the common settings (e.g. shorter timeouts in tests).
	Tune func(*platform.Config)
	// DisableDevSignIn turns off advisor-desk's development sign-in; it is
	// on by default, and advisor-desk then issues the tokens of the
	// platform and verifies them in process. Turned off, advisor-desk
	// verifies tokens of the provider at AUTH_JWKS_URL (and AUTH_ISSUER).
	DisableDevSignIn bool
	// AuthSigningKeyFile holds advisor-desk's signing key, so that tokens
	// survive restarts (empty: AUTH_SIGNING_KEY_FILE, or a key generated
	// at start; then a restarted advisor-desk signs with a new key, which
	// the other services, given the first one in process, do not know).
	AuthSigningKeyFile string
	// SMTPURL, when set, makes advisor-desk e-mail its notifications to
	// this server, without TLS (a local catcher such as pkg/mailcatch);
	// empty leaves advisor-desk's SMTP settings to its environment.
	SMTPURL string
	// IntakeSMTPURL, when set, makes intake e-mail the applicants (their
	// receipts and follow-ups) to this server, without TLS, with status
	// links to intake's address; empty leaves intake's SMTP settings to
	// its environment.
	IntakeSMTPURL string
}

// Runner is a started service.
type Runner interface {
	Addr() string
	Run(ctx context.Context) error
}

// Stack is the running platform. One service can be stopped and started
// again while the others run (StopService, StartService), as a process of
// that service would be: fault-injection runs use it.
type Stack struct {
	opts  Options
	order []string

	mu       sync.Mutex
	services map[string]Runner
	// addrs keep each service's first address, so that a restarted
	// service listens where its peers and clients call it.
	addrs map[string]string
	// devKeys are advisor-desk's development issuer and keys, handed to
	// the other services in process (nil when dev sign-in is off).
	devKeys *auth.Issuer
	run     *runGroup // nil unless Run is serving
}

// Names lists the services in start order.
var Names = []string{advisordesk.Name, creationsupport.Name, intake.Name, takeovermatching.Name, difficultyalert.Name}

// schemas maps services to their schema.
var schemas = map[string]string{
	intake.Name: intake.Schema, creationsupport.Name: creationsupport.Schema, takeovermatching.Name: takeovermatching.Schema,
	difficultyalert.Name: difficultyalert.Schema, advisordesk.Name: advisordesk.Schema,
}

var ports = map[string]int{
	intake.Name: 0, creationsupport.Name: 1, takeovermatching.Name: 2, difficultyalert.Name: 3, advisordesk.Name: 4,
}

// Schema returns a service's schema (and role) name.
func Schema(service string) string { return schemas[service] }

// Start provisions the database and starts every service (their HTTP
// servers listen; Run serves them).
func Start(ctx context.Context, o Options) (*Stack, error) {
	for _, name := range Names {
		role := schemas[name]
		if err := pgdb.Provision(ctx, o.AdminDatabaseURL, role, role, o.RolePassword(role)); err != nil {
			return nil, fmt.Errorf("provision %s: %w", name, err)
		}
	}
	st := &Stack{opts: o, services: map[string]Runner{}, addrs: map[string]string{}}
	for _, name := range Names {
		port := 0
		if o.BasePort != 0 {
			port = o.BasePort + ports[name]
		}
		svc, err := st.startOne(ctx, name, net.JoinHostPort(o.Host, strconv.Itoa(port)))
		if err != nil {
			return nil, errors.Join(fmt.Errorf("start %s: %w", name, err), st.abort())
		}
		st.services[name] = svc
		st.addrs[name] = svc.Addr()
		st.order = append(st.order, name)
	}
	return st, nil
}

// startOne creates a service listening on addr (port 0: a free one).
func (st *Stack) startOne(ctx context.Context, name, addr string) (Runner, error) {
	o := st.opts
	role := schemas[name]
	dbURL, err := pgdb.RoleURL(o.AdminDatabaseURL, role, o.RolePassword(role))
	if err != nil {
		return nil, err
	}
	// Services that verify advisors' tokens get advisor-desk's keys in
	// process: no fetch over HTTP from a server not yet serving.
	keys := func(a *auth.Config) {
		if keys := st.issuer(); keys != nil {
			a.JWKS, a.Issuer = keys.JWKS(), keys.Name()
		}
	}
	common := func(c *platform.Config) {
		c.DB.URL = dbURL
		c.NATS = o.NATS(name)
		c.HTTPAddr = addr
		if o.Tune != nil {
			o.Tune(c)
		}
	}
	topts := telemetry.Options{Logger: o.Logger, WithRuntimeMetrics: name == intake.Name}
	if o.Telemetry != nil {
		topts = o.Telemetry(name)
		topts.Logger = o.Logger
	}
	switch name {
	case intake.Name:
		cfg, err := intake.LoadConfig()
		if err != nil {
			return nil, err
		}
		common(&cfg.Config)
		if len(o.Departements) > 0 {
			cfg.Departements = o.Departements
		}
		keys(&cfg.AuthConfig)
		if o.IntakeSMTPURL != "" {
			cfg.SMTPURL, cfg.SMTPTLS = o.IntakeSMTPURL, "none"
			if !strings.HasSuffix(addr, ":0") { // a free port is known only once listening
				cfg.PublicBaseURL = "http://" + addr
			}
		}
		return intake.New(ctx, cfg, topts)
	case creationsupport.Name:
		cfg, err := creationsupport.LoadConfig()
		if err != nil {
			return nil, err
		}
		common(&cfg.Config)
		keys(&cfg.AuthConfig)
		return creationsupport.New(ctx, cfg, topts)
	case takeovermatching.Name:
		cfg, err := takeovermatching.LoadConfig()
		if err != nil {
			return nil, err
		}
		common(&cfg.Config)
		keys(&cfg.AuthConfig)
		return takeovermatching.New(ctx, cfg, topts)
	case difficultyalert.Name:
		cfg, err := difficultyalert.LoadConfig()
		if err != nil {
			return nil, err
		}
		common(&cfg.Config)
		keys(&cfg.AuthConfig)
		return difficultyalert.New(ctx, cfg, topts)
	case advisordesk.Name:
		cfg, err := advisordesk.LoadConfig()
		if err != nil {
			return nil, err
		}
		common(&cfg.Config)
		cfg.DevSignin = !o.DisableDevSignIn
		if o.AuthSigningKeyFile != "" {
			cfg.SigningKeyFile = o.AuthSigningKeyFile
		}
		if o.SMTPURL != "" {
			cfg.SMTPURL, cfg.SMTPTLS = o.SMTPURL, "none"
		}
		// The case pages call the other services, which start after
		// advisor-desk (on free ports when BasePort is 0): they are looked
		// up at each call, which comes only once Run serves, after Start
		// has noted their addresses.
		peers := advisordesk.WithPeers(func(service string) string {
			if addr := st.addr(service); addr != "" {
				return "http://" + addr
			}
			return ""
		})
		svc, err := advisordesk.New(ctx, cfg, topts, peers)
		if err != nil {
			return nil, err
		}
		st.mu.Lock()
		st.devKeys = svc.Issuer
		st.mu.Unlock()
		return svc, nil
	}
	return nil, fmt.Errorf("unknown service %q", name)
}

// abort shuts down services already started when a later one fails.
func (st *Stack) abort() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs []error
	for _, name := range st.order {
		if err := st.services[name].Run(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (st *Stack) issuer() *auth.Issuer {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.devKeys
}

func (st *Stack) addr(service string) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.addrs[service]
}

// URL is the base URL of a service.
func (st *Stack) URL(service string) string { return "http://" + st.addr(service) }
