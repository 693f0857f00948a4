// Package service is difficulty-alert's composition root: it wires the
// runtime, the Postgres store and audit log, the use cases, the consumers
// and the authenticated API. Devstack and cmd/difficulty-alert both start
// the service through it.
//
// The service opens a prevention case for every difficulty report routed
// to a chamber (intake.difficulty.reported), for every creation case
// whose advisor saw difficulties at a post-creation checkpoint
// (creation.case.difficulty_seen) or raised a concern between two
// (creation.case.concern_raised) and for every business for sale whose
// takeover advisor raised a concern (takeover.offer.difficulty_seen; one
// open case a request), assigns it to a prevention advisor of each routed
// chamber from its projection of the directory (advisor.directory.updated),
// emits difficulty.case.opened, and serves the cases to the advisors the
// access rules let read them, each read audited.
// From the confidential stream PREVENTION, which it alone may read, it
// records the signals of self-diagnosis reports, of creation advisors'
// observations and concerns and of takeover advisors' concerns, named by
// the business's SIREN.
// It scores businesses from their signals (on every new signal and daily
// for decay; difficulty.business.level_changed on a change of level) and
// serves the scores to the prevention cell.
// Partner systems, provisioned from PARTNER_CLIENTS_FILE at start, push
// signals through their own API (client credentials, scopes, idempotency
// keys, a rate a client, every call audited).
// With BODACC_FEED_URL it polls the BODACC open-data portal for the notices
// of collective procedures of the départements it follows, and imports
// them as the cell's file imports are.
package service

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/platform"
	"github.com/ccicma/platform/pkg/telemetry"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/bodaccfeed"
	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/postgres"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/config"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
	"github.com/ccicma/platform/services/difficulty-alert/internal/ports/consumers"
	"github.com/ccicma/platform/services/difficulty-alert/internal/ports/httpapi"
	"github.com/ccicma/platform/services/difficulty-alert/migrations"
)

// Name is the service's name (app.Name, where it is written): NATS user,
// durable consumer, event source, configuration prefix.
const Name = app.Name

// Schema is the service's Postgres schema.
const Schema = "difficulty_alert"

// Config is the service's configuration.
type Config = config.Config

// LoadConfig reads the configuration from the environment.
func LoadConfig() (Config, error) { return config.Load() }

// Service is a started difficulty-alert.
type Service struct {
	*platform.Runtime // Addr, Run
}

// New connects the service's dependencies and prepares its consumers and
// routes.
func New(ctx context.Context, cfg Config, topts telemetry.Options) (*Service, error) {
	rules, err := cfg.ScoringRules()
	if err != nil {
		return nil, err
	}
	if cfg.ScoreDecayEvery <= 0 {
		return nil, fmt.Errorf("SCORE_DECAY_EVERY %s: want a positive duration", cfg.ScoreDecayEvery)
	}
	// Checked before anything is opened, so that a bad setting leaves
	// nothing to close; the keys are refreshed in the background until ctx
	// ends. Without keys the API answers 503.
	guard, err := auth.NewGuard(ctx, cfg.AuthConfig, &http.Client{Timeout: cfg.JWKSTimeout}, topts.Logger)
	if err != nil {
		return nil, fmt.Errorf("authentication: %w", err)
	}
	clients, err := partnerClients(cfg.PartnerClientsFile)
	if err != nil {
		return nil, err
	}
	feed, err := cfg.BodaccFeed(time.Now().UTC())
	if err != nil {
		return nil, err
	}
	now := func() time.Time { return time.Now().UTC() }
	limit, err := httpapi.NewPartnerLimit(cfg.PartnerRatePerMinute, cfg.PartnerRateBurst, now)
	if err != nil {
		return nil, err
	}
	rt, err := platform.Start(ctx, cfg.Config, platform.Spec{Service: Name, Schema: Schema, Migrations: migrations.Set(),
		Shared: []pgdb.Migrations{audit.Migrations(), projection.Migrations()}}, topts)
	if err != nil {
		return nil, err
	}
	store := postgres.New(rt.Pool, rt.Relay)
	auditLog := postgres.NewAudit(rt.Pool)
	if err := (app.SyncPartnerClients{Clients: store, Now: now}).Sync(ctx, clients); err != nil {
		return nil, err
	}
	rt.Log.InfoContext(ctx, "partner clients provisioned", "active", activeClients(clients))
	rt.Every("partner-prune", cfg.HousekeepEvery,
		app.PrunePartnerState{Store: store, Now: now, KeyRetention: cfg.PartnerKeyRetention, Log: rt.Log}.Run)
	open := app.OpenCase{Cases: store, Now: now, Log: rt.Log}
	observed := app.OpenObservedCase{Cases: store, Now: now}
	rescore := app.Rescore{Scores: store, Rules: rules, Now: now}
	identified := app.RecordIdentifiedSignal{Signals: store, Rescorer: rescore}
	concerned := app.OpenConcernCase{Cases: store, Now: now}
	rt.HandleAll(consumers.Consumers(open, observed, concerned, identified, projection.ProjectAdvisor{Advisors: store}, inbox.Batcher{Pool: rt.Pool}))
	decay := app.DecayScores{Rescore: rescore}
	rt.Every("rescore businesses for the decay of their signals", cfg.ScoreDecayEvery, func(ctx context.Context) error {
		n, err := decay.Run(ctx)
		if n > 0 {
			rt.Log.InfoContext(ctx, "businesses rescored", "businesses", n, "rules_version", rules.Version())
		}
		return err
	})
	if feed.URL != "" {
		pollFeed(rt, feed, store, rescore, now)
	}
	routes := httpapi.Routes{
		Cases:   app.ReadCases{Cases: store, Audit: auditLog, Now: now, Businesses: store},
		Audit:   app.QueryAudit{Audit: auditLog},
		Imports: app.ImportBodacc{Signals: store, Rescore: rescore},
		Signals: app.ReadSignals{Signals: store, Audit: auditLog, Now: now},
		Scores:  app.ReadScores{Scores: store, Audit: auditLog, Now: now, Views: store},
		Act: httpapi.Lifecycle{Take: app.TakeInCharge{Cases: store, Now: now}, Record: app.RecordAction{Cases: store, Now: now},
			Close: app.CloseCase{Cases: store, Now: now}, HandBack: app.HandBack{Cases: store, Loads: store, Now: now}},
		Partners: httpapi.Partners{
			Tokens: app.IssuePartnerToken{Clients: store, Now: now, TTL: cfg.PartnerTokenTTL},
			Auth:   app.AuthenticatePartner{Clients: store, Now: now},
			Pushes: app.PushPartnerSignals{Signals: store, Calls: store, Now: now, Log: rt.Log, Rescorer: rescore},
			Calls:  app.RecordPartnerCall{Calls: store},
			Limit:  limit,
			Now:    now,
		},
		Auth: guard,
		Log:  rt.Log,
	}
	if err := rt.Listen(routes.Handler()); err != nil {
		return nil, err
	}
	return &Service{Runtime: rt}, nil
}

// feedTick is how often the service looks whether a département's feed is
// due: a restart postpones a run by this much at most, not by a whole
// BODACC_FEED_EVERY.
const feedTick = 10 * time.Minute

// pollFeed registers the BODACC feed's job.
func pollFeed(rt *platform.Runtime, feed config.BodaccFeed, store *postgres.Store, rescore app.Rescore, now app.Clock) {
	poll := app.PollBodaccFeed{Feed: bodaccfeed.New(feed.URL), Cursors: store, Import: app.ImportBodacc{Signals: store, Rescore: rescore},
		Departements: feed.Departements, Every: feed.Every, Overlap: feed.Overlap, Since: feed.Since, Now: now, Log: rt.Log}
	rt.Every("poll the BODACC feed", min(feed.Every, feedTick), func(ctx context.Context) error {
		_, err := poll.Run(ctx)
		return err
	})
	rt.Log.Info("BODACC feed followed", "departements", feed.Departements, "every", feed.Every.String(),
		"overlap", feed.Overlap.String())
}

// partnerClients reads the partner clients file; none without one.
func partnerClients(path string) ([]partner.Client, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path) //nolint:gosec // G304: the file is named by the operator's configuration
	if err != nil {
		return nil, fmt.Errorf("partner clients: %w", err)
	}
	clients, err := partner.ParseClients(data)
	if err != nil {
		return nil, fmt.Errorf("partner clients %s: %w", path, err)
	}
	return clients, nil
}

func activeClients(cs []partner.Client) int {
	n := 0
	for _, c := range cs {
		if c.Active {
			n++
		}
	}
	return n
}
