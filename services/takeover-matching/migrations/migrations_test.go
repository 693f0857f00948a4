package migrations_test

import (
	"testing"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/pgdb"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/takeover-matching/migrations"
)

// TestOpenOffersBecomePublishedListings: the offers registered before the
// listings' life (step 005) were all matched, status open; after it they
// are published listings, still matched, and a search keeps its status.
func TestOpenOffersBecomePublishedListings(t *testing.T) {
	ctx := testkit.Context(t)
	pool := testkit.NewSchemas(t, "takeover_matching").Pool(t, projection.Migrations(), testkit.MigrationsBefore(t, migrations.Set(), "005"))
	if _, err := pool.Exec(ctx, `INSERT INTO takeover_offers (offer_id, request_id, chamber, naf_code, naf_levels, departement,
		headcount, revenue_band, profit_band, asking_price, deal_types, reason, timeline, confidential, registered_at, match_keys)
		VALUES (gen_random_uuid(), gen_random_uuid(), 'CMA', '10.71C', '{10}', '91', 4, '300k_1m', '25k_75k', 250000,
		        '{fonds}', 'retirement', '6m_12m', false, now(), '{10|d:91}')`); err != nil {
		t.Fatal(err)
	}
	if err := pgdb.Migrate(ctx, pool, migrations.Set()); err != nil {
		t.Fatal(err)
	}
	var status string
	if err := pool.QueryRow(ctx, `SELECT status FROM takeover_offers`).Scan(&status); err != nil || status != "published" {
		t.Fatalf("the existing offer is %q (%v), want published", status, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM takeover_offers WHERE status = 'published' AND match_keys && '{10|d:91}'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d published listings found by their keys (%v)", n, err)
	}
}
