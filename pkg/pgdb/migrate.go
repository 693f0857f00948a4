package pgdb

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
)

// Migrations is one ordered set of tern migrations (001_x.sql, 002_y.sql...)
// with its own version table, so that the platform's shared tables (outbox,
// inbox) and a service's own tables evolve independently in one schema.
type Migrations struct {
	Name string // version table is <name>_schema_version
	FS   fs.FS
	Dir  string // directory of the .sql files within FS
}

// Migrate applies the sets in order, as the service's role, in its schema
// (the pool's search_path). Tern serialises concurrent migrators with an
// advisory lock, so replicas may start together.
func Migrate(ctx context.Context, pool *pgxpool.Pool, sets ...Migrations) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire connection for migrations: %w", err)
	}
	defer conn.Release()
	for _, set := range sets {
		m, err := migrate.NewMigrator(ctx, conn.Conn(), set.Name+"_schema_version")
		if err != nil {
			return fmt.Errorf("migrator %s: %w", set.Name, err)
		}
		dir, err := fs.Sub(set.FS, set.Dir)
		if err != nil {
			return fmt.Errorf("%s migrations: %w", set.Name, err)
		}
		if err := m.LoadMigrations(dir); err != nil {
			return fmt.Errorf("load %s migrations: %w", set.Name, err)
		}
		if err := m.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate %s: %w", set.Name, err)
		}
	}
	return nil
}
