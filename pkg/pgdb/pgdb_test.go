package pgdb_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"
)

// TestPgdb runs the pgdb tests in parallel in one database: creating a
// database costs more than these tests. Tests that need no particular
// service get a schema of their own owned by intake's role.
func TestPgdb(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "intake")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *testDB)
	}{
		{"ProvisionIsIdempotent", testProvisionIsIdempotent},
		{"ProvisionToleratesConcurrentProvisioners", testProvisionToleratesConcurrentProvisioners},
		{"ServiceRoleIsConfinedToItsSchema", testServiceRoleIsConfinedToItsSchema},
		{"OpenSetsSearchPath", testOpenSetsSearchPath},
		{"InTxCommitsOrRollsBack", testInTxCommitsOrRollsBack},
		{"MigrateAppliesEachSetOnce", testMigrateAppliesEachSetOnce},
		{"MigrateReportsABrokenMigration", testMigrateReportsABrokenMigration},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, db)
		})
	}
}

// testDB is the package's database and intake's role in it.
type testDB = testkit.Schemas

func open(t *testing.T, cfg pgdb.Config, schema string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgdb.Open(testkit.Context(t), cfg, schema)
	if err != nil {
		t.Fatalf("open %s: %v", schema, err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

func testProvisionIsIdempotent(t *testing.T, db *testDB) {
	ctx := testkit.Context(t)
	admin := db.Admin
	for i := range 2 {
		if err := pgdb.Provision(ctx, admin, "intake", "intake", "test-intake"); err != nil {
			t.Fatalf("provision #%d: %v", i+1, err)
		}
	}
	url, err := pgdb.RoleURL(admin, "intake", "test-intake")
	if err != nil {
		t.Fatal(err)
	}
	pool := open(t, pgdb.Config{URL: url}, "intake")
	var owner string
	if err := pool.QueryRow(ctx, `SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'intake'`).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if owner != "intake" {
		t.Errorf("schema intake owned by %q, want intake", owner)
	}
	var super, createDB, createRole bool
	if err := pool.QueryRow(ctx, `SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user`).
		Scan(&super, &createDB, &createRole); err != nil {
		t.Fatal(err)
	}
	if super || createDB || createRole {
		t.Errorf("service role has super=%v createdb=%v createrole=%v, want none", super, createDB, createRole)
	}
}

// Roles (and the database's ACL) are shared: provisioners of the same
// service at once (replicas, parallel test packages) must not fail each
// other with "tuple concurrently updated".
func testProvisionToleratesConcurrentProvisioners(t *testing.T, db *testDB) {
	ctx := testkit.Context(t)
	admin := db.Admin
	for round := range 3 {
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Go(func() { errs[i] = pgdb.Provision(ctx, admin, "concurrent_svc", "concurrent_svc", "pw") })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}

func testServiceRoleIsConfinedToItsSchema(t *testing.T, db *testDB) {
	ctx := testkit.Context(t)
	admin := db.Admin
	intake := open(t, testkit.ServiceDatabase(t, admin, "intake"), "intake")
	cs := open(t, testkit.ServiceDatabase(t, admin, "creation_support"), "creation_support")

	if _, err := cs.Exec(ctx, `CREATE TABLE x (id int PRIMARY KEY, secret text); INSERT INTO x VALUES (1, 'dossier')`); err != nil {
		t.Fatalf("creation_support creates a table in its own schema: %v", err)
	}
	var secret string
	if err := cs.QueryRow(ctx, `SELECT secret FROM creation_support.x`).Scan(&secret); err != nil || secret != "dossier" {
		t.Fatalf("owner reads its table: %q, %v", secret, err)
	}

	tests := []struct {
		name string
		sql  string
	}{
		{"read another schema", `SELECT secret FROM creation_support.x`},
		{"write another schema", `INSERT INTO creation_support.x VALUES (2, 'forged')`},
		{"create in another schema", `CREATE TABLE creation_support.y (id int)`},
		{"create in public", `CREATE TABLE public.y (id int)`},
		{"create a schema", `CREATE SCHEMA rogue`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := intake.Exec(ctx, tc.sql)
			if got := sqlState(err); got != "42501" {
				t.Fatalf("intake: %s: error %v (SQLSTATE %q), want insufficient_privilege 42501", tc.sql, err, got)
			}
		})
	}
	var n int
	if err := cs.QueryRow(ctx, `SELECT count(*) FROM x`).Scan(&n); err != nil || n != 1 {
		t.Errorf("creation_support.x has %d rows (%v), want 1", n, err)
	}
}

func testOpenSetsSearchPath(t *testing.T, db *testDB) {
	ctx := testkit.Context(t)
	schema, cfg := db.New(t), db.Config
	pool := open(t, cfg, schema)

	var path, app string
	if err := pool.QueryRow(ctx, `SELECT current_setting('search_path'), current_setting('application_name')`).Scan(&path, &app); err != nil {
		t.Fatal(err)
	}
	if path != schema || app != schema {
		t.Errorf("search_path=%q application_name=%q, want %q", path, app, schema)
	}
	// Every connection of the pool, not only the first, sees the schema.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			errs[i] = pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `SELECT pg_sleep(0.05)`); err != nil {
					return err
				}
				var p string
				if err := tx.QueryRow(ctx, `SHOW search_path`).Scan(&p); err != nil {
					return err
				}
				if p != schema {
					return errors.New("search_path " + p)
				}
				return nil
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE unqualified (id int)`); err != nil {
		t.Fatal(err)
	}
	var where string
	if err := pool.QueryRow(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = 'unqualified'`).Scan(&where); err != nil {
		t.Fatal(err)
	}
	if where != schema {
		t.Errorf("unqualified table created in %q, want %q", where, schema)
	}
}

func testInTxCommitsOrRollsBack(t *testing.T, db *testDB) {
	ctx := testkit.Context(t)
	schema, cfg := db.New(t), db.Config
	pool := open(t, cfg, schema)
	if _, err := pool.Exec(ctx, `CREATE TABLE t (v text)`); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO t VALUES ('rolled back')`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx error = %v, want boom", err)
	}
	if err := pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO t VALUES ('committed')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var vals []string
	rows, _ := pool.Query(ctx, `SELECT v FROM t`)
	vals, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(vals, ",") != "committed" {
		t.Errorf("rows = %v, want only the committed one", vals)
	}
}

func testMigrateAppliesEachSetOnce(t *testing.T, db *testDB) {
	ctx := testkit.Context(t)
	schema, cfg := db.New(t), db.Config
	pool := open(t, cfg, schema)

	shared := pgdb.Migrations{Name: "shared", Dir: "sql", FS: fstest.MapFS{
		"sql/001_log.sql":  {Data: []byte(`CREATE TABLE log (n int); INSERT INTO log VALUES (1);`)},
		"sql/002_more.sql": {Data: []byte(`INSERT INTO log VALUES (2);`)},
	}}
	own := pgdb.Migrations{Name: "service", Dir: "m", FS: fstest.MapFS{
		"m/001_cases.sql": {Data: []byte(`CREATE TABLE cases (id int); INSERT INTO log VALUES (10);`)},
	}}
	for i := range 2 {
		if err := pgdb.Migrate(ctx, pool, shared, own); err != nil {
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
	}
	var sum, n int
	if err := pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(n), 0) FROM log`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 3 || sum != 13 {
		t.Errorf("log has %d rows summing to %d, want 3 rows summing to 13 (each migration once)", n, sum)
	}
	for table, want := range map[string]int{"shared_schema_version": 2, "service_schema_version": 1} {
		var v int
		if err := pool.QueryRow(ctx, `SELECT version FROM `+table).Scan(&v); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if v != want {
			t.Errorf("%s = %d, want %d", table, v, want)
		}
	}
	var where string
	if err := pool.QueryRow(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = 'cases'`).Scan(&where); err != nil || where != schema {
		t.Errorf("migrated table in schema %q (%v), want %q", where, err, schema)
	}

	// A later release adds a migration: only that one runs.
	shared.FS.(fstest.MapFS)["sql/003_again.sql"] = &fstest.MapFile{Data: []byte(`INSERT INTO log VALUES (100);`)}
	if err := pgdb.Migrate(ctx, pool, shared, own); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*), sum(n) FROM log`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 4 || sum != 113 {
		t.Errorf("after the new migration: %d rows summing to %d, want 4 and 113", n, sum)
	}
}

func testMigrateReportsABrokenMigration(t *testing.T, db *testDB) {
	ctx := testkit.Context(t)
	schema, cfg := db.New(t), db.Config
	pool := open(t, cfg, schema)
	bad := pgdb.Migrations{Name: "bad", Dir: ".", FS: fstest.MapFS{
		"001_ok.sql":     {Data: []byte(`CREATE TABLE ok (id int);`)},
		"002_broken.sql": {Data: []byte(`CREATE TABLE broken (id nosuchtype);`)},
	}}
	err := pgdb.Migrate(ctx, pool, bad)
	if err == nil || !strings.Contains(err.Error(), "migrate bad") {
		t.Fatalf("Migrate = %v, want an error naming the set", err)
	}
	var v int
	if err := pool.QueryRow(ctx, `SELECT version FROM bad_schema_version`).Scan(&v); err != nil || v != 1 {
		t.Errorf("version after failure = %d (%v), want 1", v, err)
	}
}
