// Package service is advisor-desk's composition root: it wires the runtime,
// the directory and notification store, the live inbox, the use cases, the
// consumers and the routes. Devstack and cmd/advisor-desk both start the
// service through it.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/live"
	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/config"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/notification"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/consumers"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/httpapi"
	webport "github.com/ccicma/platform/services/advisor-desk/internal/ports/web"
	"github.com/ccicma/platform/services/advisor-desk/migrations"
	"github.com/ccicma/platform/services/advisor-desk/seed"
)

// Name is the service's name (app.Name, where it is written): NATS user,
// durable consumer, event source, configuration prefix.
const Name = app.Name

// Schema is the service's Postgres schema.
const Schema = "advisor_desk"

// Config is the service's configuration.
type Config = config.Config

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) { return config.Load() }

// DevIssuer is the issuer name of development tokens when AUTH_ISSUER is
// not set.
const DevIssuer = Name + "-dev"

// Service is a started advisor-desk.
type Service struct {
	*platform.Runtime // Addr, Run
	Store             *postgres.Store
	// Issuer signs development tokens (nil unless DevSignin).
	Issuer *auth.Issuer
}

// New connects the dependencies, seeds the directory (emitting its events)
// and prepares consumers and routes.
func New(ctx context.Context, cfg Config, topts telemetry.Options, opts ...Option) (*Service, error) {
	if !cfg.DevSignin && !cfg.AuthConfig.Remote() {
		return nil, errNoVerifier
	}
	ms, err := prepareMailReminders(cfg)
	if err != nil {
		return nil, err
	}
	rt, err := platform.Start(ctx, cfg.Config, platform.Spec{Service: Name, Schema: Schema, Migrations: migrations.Set(),
		Shared: []pgdb.Migrations{mailer.Migrations()}}, topts)
	if err != nil {
		return nil, err
	}
	store := postgres.New(rt.Pool, rt.Relay)
	o := newOptions(opts)
	now := o.now
	places, err := refdata.Load()
	if err != nil {
		return nil, err
	}
	if err := seedDirectory(ctx, cfg, app.SeedDirectory{Directory: store, Places: places, Now: now}, rt); err != nil {
		return nil, err
	}
	hub := live.NewHub()
	notify := app.Notify{Rules: notification.Rules(places), Notifications: store, Live: hub, Now: now, AfterCommit: pgdb.AfterCommit}
	mr, err := wireMailReminders(ms, cfg, rt, store, hub, now)
	if err != nil {
		return nil, err
	}
	rt.HandleAll(consumers.Consumers(notify, inbox.Batcher{Pool: rt.Pool}, rt.Log, mr.reaction))
	issuer, verifier, err := authentication(ctx, cfg, rt.Log)
	if err != nil {
		return nil, err
	}
	routes := httpapi.Routes{Notifications: app.ReadNotifications{Directory: store, Notifications: store}, Live: hub, Auth: verifier, Log: rt.Log, Poll: cfg.StreamPoll, Heartbeat: cfg.StreamHeartbeat}
	if issuer != nil {
		routes.DevSignIn = app.DevSignIn{Directory: store, Issuer: issuer}
		routes.JWKS = issuer.JWKSHandler()
		rt.Log.Warn("development sign-in enabled: any advisor id gets a token (never in production)")
		if routes.Web, err = webDesk(ctx, cfg, store, issuer, verifier, rt, deskExtras{places: places, peers: o.peers, mail: mr.routes.Preferences}); err != nil {
			return nil, err
		}
		routes.StreamSession = webport.StreamSession
	}
	routes.Directory = directoryRoutes(store, places, verifier, now, rt.Log)
	mr.routes.Auth = verifier
	if err := rt.Listen(withMailPreferences(routes.Handler(), mr)); err != nil {
		return nil, err
	}
	return &Service{Runtime: rt, Store: store, Issuer: issuer}, nil
}

var errNoVerifier = errors.New("no way to verify tokens: set OIDC_ISSUER (or AUTH_JWKS_URL and AUTH_ISSUER), " +
	"or ADVISOR_DESK_DEV_SIGNIN=true in development")

// authentication returns the development issuer (with DevSignin) and the
// verifier of tokens: against AUTH_JWKS_URL or the OIDC_ISSUER's discovered
// keys when set (an OIDC provider), else against the development issuer's
// key, in process.
func authentication(ctx context.Context, cfg Config, log *slog.Logger) (*auth.Issuer, *auth.Verifier, error) {
	ac := cfg.AuthConfig
	var issuer *auth.Issuer
	if cfg.DevSignin {
		if ac.IssuerName() == "" {
			ac.Issuer = DevIssuer
		}
		o, err := ac.IssuerOptions()
		if err != nil {
			return nil, nil, err
		}
		if issuer, err = auth.NewIssuer(o); err != nil {
			return nil, nil, err
		}
	}
	var verifier *auth.Verifier
	var err error
	switch {
	case ac.Remote():
		verifier, err = auth.NewRemoteVerifier(ctx, ac, &http.Client{Timeout: ac.JWKSTimeout}, log)
	case issuer != nil:
		verifier, err = auth.NewStaticVerifier(ac, issuer.JWKS(), log)
	default:
		err = errNoVerifier
	}
	if err != nil {
		return nil, nil, fmt.Errorf("authentication: %w", err)
	}
	return issuer, verifier, nil
}

func seedDirectory(ctx context.Context, cfg Config, uc app.SeedDirectory, rt *platform.Runtime) error {
	raw := seed.Advisors
	if cfg.AdvisorsFile != "" {
		var err error
		if raw, err = os.ReadFile(cfg.AdvisorsFile); err != nil {
			return fmt.Errorf("read ADVISORS_FILE: %w", err)
		}
	}
	n, err := uc.Import(ctx, raw)
	if err != nil {
		return fmt.Errorf("seed advisor directory: %w", err)
	}
	rt.Log.Info("advisor directory seeded", "changed", n)
	return nil
}
