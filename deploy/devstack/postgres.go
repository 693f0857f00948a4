package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ensurePostgres makes sure the server of dbURL answers and that the
// database exists. It installs and starts nothing: that takes root, so it is
// ensure-deps.sh's job, which `make run` runs first; run directly (go run
// ./deploy/devstack), devstack says so when no server answers.
func ensurePostgres(ctx context.Context, dbURL string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	maint := *u
	maint.Path = "/postgres"
	conn, err := pgx.Connect(ctx, maint.String())
	if err != nil {
		return fmt.Errorf("no Postgres answers at %s: %w\n"+
			"Run `make run`, or deploy/devstack/ensure-deps.sh run before go run ./deploy/devstack: "+
			"it installs and starts the local server (127.0.0.1:5432, user postgres);\n"+
			"or point DATABASE_URL at a superuser URL of a reachable server", u.Redacted(), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{dbName}.Sanitize())
	var pgErr *pgconn.PgError
	if err != nil && (!errors.As(err, &pgErr) || pgErr.Code != "42P04") {
		return fmt.Errorf("create database %s: %w", dbName, err)
	}
	return nil
}
