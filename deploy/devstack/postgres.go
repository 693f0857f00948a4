package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ensurePostgres makes sure the server of dbURL answers (starting the local
// cluster when it is installed but down) and that the database exists.
func ensurePostgres(ctx context.Context, dbURL string, log *slog.Logger) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	maint := *u
	maint.Path = "/postgres"
	conn, err := pgx.Connect(ctx, maint.String())
	if err != nil {
		if !startLocalCluster(ctx, log) {
			return fmt.Errorf("no Postgres answers at %s (%v).\n"+
				"Get one: apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start,\n"+
				"or point DATABASE_URL at a superuser URL of a reachable server", u.Redacted(), err)
		}
		for attempt := 0; ; attempt++ {
			if conn, err = pgx.Connect(ctx, maint.String()); err == nil {
				break
			}
			if attempt > 40 {
				return fmt.Errorf("local Postgres started but does not answer: %w", err)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{dbName}.Sanitize())
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") {
		return fmt.Errorf("create database %s: %w", dbName, err)
	}
	return nil
}

// startLocalCluster starts the Debian cluster(s) installed on this machine.
func startLocalCluster(ctx context.Context, log *slog.Logger) bool {
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
		return false
	}
	versions, _ := filepath.Glob("/etc/postgresql/*/main")
	started := false
	for _, dir := range versions {
		version := filepath.Base(filepath.Dir(dir))
		log.Info("starting the local Postgres cluster", "version", version)
		//nolint:gosec // G204: version is a directory name found under /etc/postgresql, passed as one argument to a fixed program, no shell
		cmd := exec.CommandContext(ctx, "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err == nil {
			started = true
		}
	}
	return started
}
