// Package pgdb is the platform's Postgres plumbing: a pgx pool bound to one
// service's schema, provisioning of that schema and its login role, embedded
// migrations (tern), and a transaction helper.
package pgdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Config says how a service reaches its database.
type Config struct {
	// URL connects as the service's own role, e.g.
	// postgres://intake:secret@127.0.0.1:5432/ccicma?sslmode=disable
	URL      string `envconfig:"DATABASE_URL" default:"postgres://postgres@127.0.0.1:5432/ccicma?sslmode=disable"`
	MaxConns int32  `envconfig:"DATABASE_MAX_CONNS" default:"8"`
}

// Open connects a pool whose sessions see only the service's schema: the
// search_path is set at connection time so that SQL names no schema.
func Open(ctx context.Context, cfg Config, schema string) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	pc.ConnConfig.RuntimeParams["search_path"] = schema
	pc.ConnConfig.RuntimeParams["application_name"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	if err := ping(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// ping waits for the server a little: services may start before Postgres.
func ping(ctx context.Context, pool *pgxpool.Pool) error {
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		if err = pool.Ping(ctx); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("reach postgres: %w", ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("reach postgres at %s: %w", pool.Config().ConnConfig.Host, err)
}

// InTx runs fn in a transaction, committing when it returns nil and rolling
// back otherwise. Within a unit of work (see Unit) fn runs in the unit's
// transaction, and committing or rolling back is the unit owner's job: an
// error from fn must then make the owner roll the whole unit back.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) (err error) {
	if u, ok := unitOf(ctx); ok {
		return fn(u.tx)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			if rbErr := tx.Rollback(context.WithoutCancel(ctx)); rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
