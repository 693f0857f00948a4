// Package projection keeps a service's copy of the advisor directory in
// Postgres: the use case that applies advisor.directory.updated
// (ProjectAdvisor), the advisors table (Migrations), the upsert that keeps
// the highest revision of each entry (Upsert, Apply), and the reads that
// assignment shares (Get, Loads, AddCases, and Counter for a batch of
// assignments).
//
// Every service that assigns work (creation-support, takeover-matching,
// difficulty-alert) applies Migrations before its own set
// (platform.Spec.Shared), in its own schema: the table is the same in
// each, migrated in one place. The functions take a pool or a transaction.
package projection

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/directory"
	"github.com/ccicma/platform/pkg/pgdb"
)

// Migrations creates the advisors table in the service's schema.
func Migrations() pgdb.Migrations {
	return pgdb.Migrations{Name: "directory", FS: migrationFiles, Dir: "migrations"}
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB runs statements: *pgxpool.Pool, *pgx.Conn and pgx.Tx are ones.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Apply upserts the entry in the transaction of ctx's unit of work (the
// consumer's batch), or in its own. It claims no inbox row: the revision
// guard of Upsert already makes a repeated or late event harmless, and
// without a claim a replay of the directory's events rebuilds a
// projection whose rows were deleted, where the inbox would skip every
// event it had seen.
func Apply(ctx context.Context, pool *pgxpool.Pool, a directory.Advisor) error {
	return pgdb.InTx(ctx, pool, func(tx pgx.Tx) error { return Upsert(ctx, tx, a) })
}

// Upsert stores the entry unless the projection holds the same or a later
// revision: directory events may arrive late or twice, and the entry with
// the highest revision is the directory's current one. The load is the
// service's own count and is never overwritten.
func Upsert(ctx context.Context, db DB, a directory.Advisor) error {
	_, err := db.Exec(ctx, `INSERT INTO advisors
		(advisor_id, revision, chamber, departements, communes, epcis, specialities, roles, capacity, active,
		 absent_until, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (advisor_id) DO UPDATE SET
			revision = EXCLUDED.revision, chamber = EXCLUDED.chamber, departements = EXCLUDED.departements,
			communes = EXCLUDED.communes, epcis = EXCLUDED.epcis, specialities = EXCLUDED.specialities,
			roles = EXCLUDED.roles, capacity = EXCLUDED.capacity, active = EXCLUDED.active,
			absent_until = EXCLUDED.absent_until, updated_at = EXCLUDED.updated_at
		WHERE advisors.revision < EXCLUDED.revision`,
		a.AdvisorID, a.Revision, a.Chamber, orEmpty(a.Departements), orEmpty(a.Communes), orEmpty(a.EPCIs),
		orEmpty(a.Specialities), orEmpty(a.Roles), a.Capacity, a.Active, a.AbsentUntil, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("upsert advisor %s: %w", a.AdvisorID, err)
	}
	return nil
}

const columns = `advisor_id, revision, chamber, departements, communes, epcis, specialities, roles, capacity, active,
	absent_until, open_cases`

func scanLoad(r pgx.CollectableRow) (directory.Load, error) {
	var l directory.Load
	a := &l.Advisor
	err := r.Scan(&a.AdvisorID, &a.Revision, &a.Chamber, &a.Departements, &a.Communes, &a.EPCIs, &a.Specialities,
		&a.Roles, &a.Capacity, &a.Active, &a.AbsentUntil, &l.OpenCases)
	if a.AbsentUntil != nil {
		t := a.AbsentUntil.UTC()
		a.AbsentUntil = &t
	}
	return l, err
}

// Get returns an advisor of the projection.
func Get(ctx context.Context, db DB, id string) (directory.Advisor, bool, error) {
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM advisors WHERE advisor_id = $1`, id)
	if err != nil {
		return directory.Advisor{}, false, fmt.Errorf("get advisor %s: %w", id, err)
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanLoad)
	if errors.Is(err, pgx.ErrNoRows) {
		return directory.Advisor{}, false, nil
	}
	if err != nil {
		return directory.Advisor{}, false, fmt.Errorf("get advisor %s: %w", id, err)
	}
	return l.Advisor, true, nil
}

// Loads reads the active advisors of chamber whose départements hold
// departement (empty: any), with their load, by id; the caller's domain
// decides who is eligible (availability, speciality, role, narrower
// territory). It takes no lock: assignments decided concurrently may see
// the same loads and pick the same advisor, a small imbalance the next
// ones correct, whereas locking every candidate would serialise all
// assignments of a chamber. AddCases counts exactly.
func Loads(ctx context.Context, db DB, chamber, departement string) ([]directory.Load, error) {
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM advisors
		WHERE chamber = $1 AND active AND ($2 = '' OR $2 = ANY(departements))
		ORDER BY advisor_id`, chamber, departement)
	if err != nil {
		return nil, fmt.Errorf("load candidate advisors: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanLoad)
	if err != nil {
		return nil, fmt.Errorf("read candidate advisors: %w", err)
	}
	return out, nil
}

// AddCases adds n cases to each advisor's load (zero counts are skipped).
// It first locks the advisors' rows in advisor order, then updates them:
// an UPDATE ... FROM locks rows in whatever order its plan reads them, so
// without the ordered lock two transactions counting the same advisors
// could deadlock.
func AddCases(ctx context.Context, db DB, n map[string]int) error {
	ids := make([]string, 0, len(n))
	for _, id := range slices.Sorted(maps.Keys(n)) {
		if n[id] != 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	// Plain ints: pgx encodes them into the int[] parameter and refuses one
	// out of its range instead of wrapping it around.
	counts := make([]int, len(ids))
	for i, id := range ids {
		counts[i] = n[id]
	}
	if _, err := db.Exec(ctx, `SELECT 1 FROM advisors WHERE advisor_id = ANY($1) ORDER BY advisor_id FOR UPDATE`, ids); err != nil {
		return fmt.Errorf("lock advisor loads: %w", err)
	}
	if _, err := db.Exec(ctx, `UPDATE advisors a SET open_cases = a.open_cases + v.n
		FROM unnest($1::text[], $2::int[]) AS v(id, n) WHERE a.advisor_id = v.id`, ids, counts); err != nil {
		return fmt.Errorf("count cases in advisor loads: %w", err)
	}
	return nil
}

// orEmpty stores a missing list as an empty array: the columns are NOT
// NULL, and "no roles" is not "unknown roles".
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
