package pgdb

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Provision makes sure a service's login role and schema exist in the
// database adminURL points at: the role owns the schema and nothing else,
// may connect to this database, and PUBLIC keeps no right on the database or
// on the public schema. It is idempotent and runs as an administrator
// (devstack, tests, a deployment job), never as the service itself.
func Provision(ctx context.Context, adminURL, schema, role, password string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect as admin: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		return fmt.Errorf("current database: %w", err)
	}
	for _, stmt := range ProvisionSQL(db, schema, role, password) {
		if err := execRetry(ctx, conn, stmt); err != nil && !alreadyExists(err) {
			return fmt.Errorf("provision %s: %w", schema, err)
		}
	}
	return nil
}

// execRetry runs one provisioning statement. Roles are global to the
// server: two provisioners altering the same role at once (replicas, or
// test packages provisioning the same service in their own databases) make
// Postgres fail one ALTER ROLE with "tuple concurrently updated", which a
// retry resolves.
func execRetry(ctx context.Context, conn *pgx.Conn, stmt string) error {
	for attempt := 1; ; attempt++ {
		_, err := conn.Exec(ctx, stmt)
		if err == nil || !concurrentlyUpdated(err) || attempt >= 10 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
		}
	}
}

func concurrentlyUpdated(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "XX000" && pgErr.Message == "tuple concurrently updated"
}

// ProvisionSQL is the idempotent SQL Provision runs; deploy/postgres uses
// the same statements for docker-compose.
func ProvisionSQL(db, schema, role, password string) []string {
	r, s, d := pgx.Identifier{role}.Sanitize(), pgx.Identifier{schema}.Sanitize(), pgx.Identifier{db}.Sanitize()
	pw := quoteLiteral(password)
	return []string{
		// CREATE ROLE has no IF NOT EXISTS; a concurrent creator is tolerated by alreadyExists.
		fmt.Sprintf(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE %s LOGIN PASSWORD %s; END IF; END $$`,
			quoteLiteral(role), r, pw),
		// No NOSUPERUSER here: only a superuser may say it, and managed
		// Postgres admins are not; new roles are not superusers anyway.
		fmt.Sprintf(`ALTER ROLE %s WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD %s`, r, pw),
		fmt.Sprintf(`REVOKE ALL ON DATABASE %s FROM PUBLIC`, d),
		`REVOKE ALL ON SCHEMA public FROM PUBLIC`,
		fmt.Sprintf(`GRANT CONNECT ON DATABASE %s TO %s`, d, r),
		fmt.Sprintf(`CREATE SCHEMA IF NOT EXISTS %s AUTHORIZATION %s`, s, r),
		fmt.Sprintf(`ALTER SCHEMA %s OWNER TO %s`, s, r),
		fmt.Sprintf(`REVOKE ALL ON SCHEMA %s FROM PUBLIC`, s),
	}
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// alreadyExists tolerates the races of two provisioners creating the same
// role or schema at once.
func alreadyExists(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "42710" || pgErr.Code == "42P06" || pgErr.Code == "23505")
}

// RoleURL derives a service's connection URL from an administrator URL by
// swapping in the service's role and password (devstack and tests).
func RoleURL(adminURL, role, password string) (string, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", fmt.Errorf("parse database url: %w", err)
	}
	u.User = url.UserPassword(role, password)
	return u.String(), nil
}
