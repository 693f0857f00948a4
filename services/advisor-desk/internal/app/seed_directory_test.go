package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"
	"github.com/ccicma/platform/pkg/mailer"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/refdata"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
	"github.com/ccicma/platform/services/advisor-desk/migrations"
	"github.com/ccicma/platform/services/advisor-desk/seed"
)

type waker struct{ n atomic.Int64 }

func (w *waker) Wake() { w.n.Add(1) }

type env struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	waker *waker
	store *postgres.Store
	uc    app.SeedDirectory
}

var loadPlaces = sync.OnceValues(refdata.Load)

// places is the reference data, loaded once for the package.
func places(t *testing.T) *refdata.Data {
	t.Helper()
	ref, err := loadPlaces()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

var clock = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// setup opens advisor-desk's schema on a fresh database, migrated as the
// service migrates it, and the use case over the real store.
func setup(t *testing.T) *env {
	t.Helper()
	e := &env{ctx: testkit.Context(t), waker: &waker{}}
	pool := testkit.NewSchemas(t, "advisor_desk").Pool(t, outbox.Migrations(), inbox.Migrations(), mailer.Migrations(), migrations.Set())
	e.pool = pool
	e.store = postgres.New(pool, e.waker)
	e.uc = app.SeedDirectory{Directory: e.store, Places: places(t), Now: func() time.Time { return clock }}
	return e
}

// outboxEvent is one outbox row, decoded.
type outboxEvent struct {
	topic   string
	raw     string
	payload events.AdvisorUpdated
}

func (e *env) outbox(t *testing.T) []outboxEvent {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `SELECT topic, headers, payload FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxEvent
	for rows.Next() {
		var topic string
		var headers, payload []byte
		if err := rows.Scan(&topic, &headers, &payload); err != nil {
			t.Fatal(err)
		}
		var h map[string][]string
		if err := json.Unmarshal(headers, &h); err != nil {
			t.Fatal(err)
		}
		ev, err := events.FromMessage(topic, h, payload)
		if err != nil {
			t.Fatalf("outbox row is not an event: %v", err)
		}
		p, err := events.Decode[events.AdvisorUpdated](ev)
		if err != nil {
			t.Fatalf("outbox row: %v", err)
		}
		if ev.Subject != p.AdvisorID {
			t.Errorf("event subject %q, want the advisor id %q", ev.Subject, p.AdvisorID)
		}
		out = append(out, outboxEvent{topic: topic, raw: string(headers) + string(payload), payload: p})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSeedDirectoryEmitsOnlyChanges(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var entries []directory.Advisor
	if err := json.Unmarshal(seed.Advisors, &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Fatalf("the demo directory has %d entries; this test expects 4", len(entries))
	}

	// First import: one event per advisor, at revision 1.
	n, err := e.uc.Import(e.ctx, seed.Advisors)
	if err != nil || n != 4 {
		t.Fatalf("first import = %d, %v; want 4 changed", n, err)
	}
	evs := e.outbox(t)
	if len(evs) != 4 {
		t.Fatalf("outbox holds %d rows after the first import, want 4", len(evs))
	}
	for i, ev := range evs {
		a := entries[i]
		p := ev.payload
		if ev.topic != "advisor.directory.updated.91" {
			t.Errorf("topic %q, want advisor.directory.updated.91", ev.topic)
		}
		if p.AdvisorID != a.AdvisorID || p.Revision != 1 || p.Chamber != a.Chamber || p.Capacity != a.Capacity ||
			p.Active != a.Active || strings.Join(p.Specialities, ",") != strings.Join(a.Specialities, ",") || !p.UpdatedAt.Equal(clock) {
			t.Errorf("event %d = %+v, want advisor %s at revision 1", i, p, a.AdvisorID)
		}
		// Names and e-mails stay in advisor-desk.
		if strings.Contains(ev.raw, a.FullName) || strings.Contains(ev.raw, a.Email) {
			t.Errorf("event of %s carries the advisor's name or e-mail: %s", a.AdvisorID, ev.raw)
		}
	}
	if got := e.count(t, "advisors"); got != 4 {
		t.Errorf("%d advisors stored, want 4", got)
	}
	if w := e.waker.n.Load(); w != 4 {
		t.Errorf("relay woken %d times, want 4", w)
	}

	// Second import of the same file: quiet.
	n, err = e.uc.Import(e.ctx, seed.Advisors)
	if err != nil || n != 0 {
		t.Fatalf("second import = %d, %v; want 0 changed", n, err)
	}
	if got := len(e.outbox(t)); got != 4 {
		t.Fatalf("outbox holds %d rows after an unchanged import, want 4", got)
	}
	if w := e.waker.n.Load(); w != 4 {
		t.Errorf("relay woken %d times after an unchanged import, want still 4", w)
	}

	// An entry changed in the file is left as stored: the admin API owns
	// it once it exists, and a restart must not undo an admin's change.
	changed := entries[2]
	changed.Capacity = 25
	entries[2] = changed
	// A new entry is added, at revision 1.
	added := entries[0]
	added.AdvisorID, added.Email = "cci-91-009", "nouveau@cci-essonne.example"
	entries = append(entries, added)
	raw, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	n, err = e.uc.Import(e.ctx, raw)
	if err != nil || n != 1 {
		t.Fatalf("import with one change and one new entry = %d, %v; want 1 added", n, err)
	}
	evs = e.outbox(t)
	if len(evs) != 5 || evs[4].payload.AdvisorID != "cci-91-009" || evs[4].payload.Revision != 1 {
		t.Fatalf("outbox holds %d rows (last %+v), want 5, the last of cci-91-009 at revision 1", len(evs), evs[len(evs)-1].payload)
	}
	var revision int64
	var capacity int
	if err := e.pool.QueryRow(e.ctx, `SELECT revision, capacity FROM advisors WHERE advisor_id = $1`, changed.AdvisorID).
		Scan(&revision, &capacity); err != nil {
		t.Fatal(err)
	}
	if revision != 1 || capacity == 25 {
		t.Errorf("stored entry at revision %d with capacity %d, want the first revision untouched", revision, capacity)
	}
}

// withRoles replaces the roles of a one-entry JSON object.
func withRoles(entry, roles string) string {
	return strings.Replace(entry, `"roles": ["advisor"]`, `"roles": `+roles, 1)
}

func TestSeedDirectoryRejectsAnInvalidFileWhole(t *testing.T) {
	t.Parallel()
	e := setup(t)
	good := `{"advisor_id": "cci-91-001", "chamber": "CCI", "full_name": "Camille Martin", "email": "camille.martin@cci.example",
	          "departements": ["91"], "specialities": ["creation"], "capacity": 40, "active": true, "roles": ["advisor"]}`
	badChamber := `{"advisor_id": "cmx-91-001", "chamber": "CMX", "full_name": "Léa Dubois", "email": "lea.dubois@cma.example",
	          "departements": ["91"], "specialities": ["creation"], "capacity": 40, "active": true, "roles": ["advisor"]}`
	badEmail := `{"advisor_id": "cma-91-002", "chamber": "CMA", "full_name": "Thomas Petit", "email": "Thomas Petit <thomas@cma.example>",
	          "departements": ["91"], "specialities": ["creation"], "capacity": 30, "active": true, "roles": ["advisor"]}`
	tests := []struct {
		name    string
		raw     string
		invalid bool     // the error wraps directory.ErrInvalid
		mention []string // what the error names
	}{
		{"bad chamber", "[" + good + "," + badChamber + "]", true, []string{"cmx-91-001", "chamber"}},
		{"bad email", "[" + good + "," + badEmail + "]", true, []string{"cma-91-002", "email"}},
		{"both, the valid entry first", "[" + good + "," + badChamber + "," + badEmail + "]", true,
			[]string{"cmx-91-001", "cma-91-002"}},
		{"bad entry first", "[" + badEmail + "," + good + "]", true, []string{"cma-91-002"}},
		{"not JSON", "[" + good + ",", false, []string{"read advisor directory"}},
		{"unknown role", "[" + withRoles(good, `["advisor","superuser"]`) + "]", true, []string{"cci-91-001", "superuser"}},
		{"no role", "[" + withRoles(good, `[]`) + "]", true, []string{"cci-91-001", "roles"}},
		{"role twice", "[" + withRoles(good, `["manager","manager"]`) + "]", true, []string{"cci-91-001", "duplicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := e.uc.Import(e.ctx, []byte(tt.raw))
			if err == nil || n != 0 {
				t.Fatalf("Import = %d, %v; want an error and nothing changed", n, err)
			}
			if errors.Is(err, directory.ErrInvalid) != tt.invalid {
				t.Errorf("error %v: wraps ErrInvalid = %v, want %v", err, !tt.invalid, tt.invalid)
			}
			for _, m := range tt.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if a, o := e.count(t, "advisors"), e.count(t, "outbox"); a != 0 || o != 0 {
				t.Errorf("%d advisors and %d outbox rows stored, want none", a, o)
			}
		})
	}
	if w := e.waker.n.Load(); w != 0 {
		t.Errorf("relay woken %d times, want 0", w)
	}
}
