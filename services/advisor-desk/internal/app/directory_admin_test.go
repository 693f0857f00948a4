package app_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

const importFile = directory.CSVHeader + `
cma-91-003,CMA,Inès Moreau,ines.moreau@cma-idf.example,91|77,91228|77288,200059228,creation|takeover,30,advisor,true,
cci-91-004,CCI,Jean Moreau,jean.moreau@cci-essonne.example,91,,,difficulty,12,advisor|prevention_cell,true,2026-08-31T00:00:00+02:00
cci-91-005,CCI,Admin Annuaire,annuaire@cci-essonne.example,91,,,,0,admin,true,
`

func (e *env) importer(t *testing.T) app.ImportDirectory {
	return app.ImportDirectory{Directory: e.store, Places: places(t), Now: func() time.Time { return clock }}
}

func (e *env) revision(t *testing.T, id string) int64 {
	t.Helper()
	var r int64
	if err := e.pool.QueryRow(e.ctx, `SELECT revision FROM advisors WHERE advisor_id = $1`, id).Scan(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestImportDirectory(t *testing.T) {
	t.Parallel()
	e := setup(t)
	uc := e.importer(t)

	res, err := uc.Import(e.ctx, []byte(importFile))
	if err != nil || res != (app.ImportResult{Created: 3}) {
		t.Fatalf("first import = %+v, %v; want 3 created", res, err)
	}
	evs := e.outbox(t)
	if len(evs) != 3 {
		t.Fatalf("%d events, want one per advisor", len(evs))
	}
	byID := map[string]outboxEvent{}
	for _, ev := range evs {
		byID[ev.payload.AdvisorID] = ev
	}
	ines := byID["cma-91-003"].payload
	if ines.Revision != 1 || !slices.Equal(ines.Departements, []string{"91", "77"}) || !slices.Equal(ines.Communes, []string{"91228", "77288"}) ||
		!slices.Equal(ines.EPCIs, []string{"200059228"}) || !slices.Equal(ines.Roles, []string{"advisor"}) || ines.AbsentUntil != nil {
		t.Errorf("event of cma-91-003 = %+v", ines)
	}
	jean := byID["cci-91-004"].payload
	if jean.AbsentUntil == nil || !jean.AbsentUntil.Equal(time.Date(2026, 8, 30, 22, 0, 0, 0, time.UTC)) || jean.AvailableAt(clock) {
		t.Errorf("event of cci-91-004 = %+v, want absent until 30 August 22:00 UTC", jean)
	}
	for id, ev := range byID {
		if strings.Contains(ev.raw, "Moreau") || strings.Contains(ev.raw, "@") {
			t.Errorf("event of %s carries a name or an e-mail: %s", id, ev.raw)
		}
	}

	// The same file again: nothing written, nothing emitted.
	res, err = uc.Import(e.ctx, []byte(importFile))
	if err != nil || res != (app.ImportResult{Unchanged: 3}) {
		t.Fatalf("second import = %+v, %v; want 3 unchanged", res, err)
	}
	if n := len(e.outbox(t)); n != 3 {
		t.Errorf("%d events after re-importing the same file, want still 3", n)
	}

	// One row changed (the absence ends; capacity), one added.
	changed := strings.Replace(importFile, "12,advisor|prevention_cell,true,2026-08-31T00:00:00+02:00", "15,advisor|prevention_cell,true,", 1) +
		"cma-91-006,CMA,Paul Girard,paul.girard@cma-idf.example,91,,,takeover,30,advisor|manager,true,\n"
	res, err = uc.Import(e.ctx, []byte(changed))
	if err != nil || res != (app.ImportResult{Created: 1, Updated: 1, Unchanged: 2}) {
		t.Fatalf("third import = %+v, %v", res, err)
	}
	evs = e.outbox(t)
	if len(evs) != 5 {
		t.Fatalf("%d events, want 5", len(evs))
	}
	for _, ev := range evs[3:] {
		p := ev.payload
		switch p.AdvisorID {
		case "cci-91-004":
			if p.Revision != 2 || p.Capacity != 15 || p.AbsentUntil != nil {
				t.Errorf("event of the change = %+v", p)
			}
		case "cma-91-006":
			if p.Revision != 1 {
				t.Errorf("event of the new advisor = %+v", p)
			}
		default:
			t.Errorf("event of unchanged %s", p.AdvisorID)
		}
	}
}

func TestImportDirectoryIsAllOrNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	uc := e.importer(t)
	if _, err := uc.Import(e.ctx, []byte(importFile)); err != nil {
		t.Fatal(err)
	}
	// A good change of row 2 and a bad row 4: nothing is written.
	bad := strings.Replace(importFile, ",30,advisor,true,", ",31,advisor,true,", 1)
	bad = strings.Replace(bad, "annuaire@cci-essonne.example", "annuaire", 1)
	_, err := uc.Import(e.ctx, []byte(bad))
	var ie *directory.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != 4 || ie.Rows[0].Field != "email" {
		t.Fatalf("import with a bad row 4 = %v, want an ImportError naming row 4's email", err)
	}
	if r := e.revision(t, "cma-91-003"); r != 1 {
		t.Errorf("cma-91-003 at revision %d after a refused import, want 1", r)
	}
	if n := len(e.outbox(t)); n != 3 {
		t.Errorf("%d events after a refused import, want still 3", n)
	}
}

func TestPutAndAbsence(t *testing.T) {
	t.Parallel()
	e := setup(t)
	now := func() time.Time { return clock }
	put := app.PutAdvisor{Directory: e.store, Places: places(t), Now: now}
	absence := app.SetAbsence{Directory: e.store, Now: now}
	a := directory.Advisor{AdvisorID: "cma-91-003", Chamber: "CMA", FullName: "Inès Moreau", Email: "ines@cma.example",
		Departements: []string{"91"}, Specialities: []string{"creation"}, Capacity: 30, Active: true, Roles: []string{"advisor"}}

	res, err := put.Put(e.ctx, a, nil)
	if err != nil || !res.Created || !res.Changed || res.Advisor.Revision != 1 {
		t.Fatalf("create = %+v, %v", res, err)
	}
	res, err = put.Put(e.ctx, a, nil)
	if err != nil || res.Created || res.Changed || res.Advisor.Revision != 1 {
		t.Fatalf("same data = %+v, %v; want unchanged at revision 1", res, err)
	}
	stale := int64(3)
	a.Capacity = 10
	if _, err := put.Put(e.ctx, a, &stale); !errors.Is(err, directory.ErrStale) {
		t.Fatalf("put against revision 3 = %v, want ErrStale", err)
	}
	cur := int64(1)
	if res, err = put.Put(e.ctx, a, &cur); err != nil || res.Advisor.Revision != 2 || res.Advisor.Capacity != 10 {
		t.Fatalf("put against revision 1 = %+v, %v", res, err)
	}

	until := clock.Add(10 * 24 * time.Hour)
	got, changed, err := absence.Set(e.ctx, a.AdvisorID, &until, nil)
	if err != nil || !changed || got.Revision != 3 || got.AbsentUntil == nil || !got.AbsentUntil.Equal(until) {
		t.Fatalf("absence = %+v %v %v", got, changed, err)
	}
	if _, changed, _ := absence.Set(e.ctx, a.AdvisorID, &until, nil); changed {
		t.Error("the same absence twice made a change")
	}
	past := clock.Add(-time.Hour)
	if _, _, err := absence.Set(e.ctx, a.AdvisorID, &past, nil); !errors.Is(err, directory.ErrInvalid) {
		t.Errorf("absence ending in the past = %v, want ErrInvalid", err)
	}
	if _, _, err := absence.Set(e.ctx, "cma-91-999", &until, nil); !errors.Is(err, directory.ErrUnknown) {
		t.Errorf("absence of an unknown advisor = %v, want ErrUnknown", err)
	}
	if got, changed, err = absence.Set(e.ctx, a.AdvisorID, nil, nil); err != nil || !changed || got.AbsentUntil != nil || got.Revision != 4 {
		t.Fatalf("back = %+v %v %v", got, changed, err)
	}
	if _, changed, _ := absence.Set(e.ctx, a.AdvisorID, nil, nil); changed {
		t.Error("clearing no absence made a change")
	}

	// One event per real change: create, capacity, absence, return.
	evs := e.outbox(t)
	var revs []int64
	for _, ev := range evs {
		revs = append(revs, ev.payload.Revision)
	}
	if !slices.Equal(revs, []int64{1, 2, 3, 4}) {
		t.Fatalf("events at revisions %v, want 1 2 3 4", revs)
	}
	if evs[2].payload.AbsentUntil == nil || !evs[2].payload.AbsentUntil.Equal(until) || evs[3].payload.AbsentUntil != nil {
		t.Errorf("absence events %+v, %+v", evs[2].payload, evs[3].payload)
	}
}

// TestConcurrentCreationLoses: two writers that both found no entry must
// not both store revision 1; the second gets ErrStale and writes nothing.
func TestConcurrentCreationLoses(t *testing.T) {
	t.Parallel()
	e := setup(t)
	put := app.PutAdvisor{Directory: e.store, Places: places(t), Now: func() time.Time { return clock }}
	a := directory.Advisor{AdvisorID: "cma-91-003", Chamber: "CMA", FullName: "Inès Moreau", Email: "ines@cma.example",
		Departements: []string{"91"}, Specialities: []string{"creation"}, Capacity: 30, Active: true, Roles: []string{"advisor"}}
	other := a
	other.Capacity = 5
	err := e.store.SaveAdvisor(e.ctx, a.AdvisorID, func(cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error) {
		if found {
			t.Fatal("the entry exists already")
		}
		// Another writer creates the entry meanwhile (its own transaction).
		if _, err := put.Put(e.ctx, other, nil); err != nil {
			t.Fatalf("concurrent create: %v", err)
		}
		next, _ := directory.Revise(cur, found, a)
		ev, err := events.New(app.Name, a.AdvisorID, "91", next.Changed(clock), clock)
		return next, []events.Event{ev}, true, err
	})
	if !errors.Is(err, directory.ErrStale) {
		t.Fatalf("the second creation = %v, want ErrStale", err)
	}
	var capacity int
	if err := e.pool.QueryRow(e.ctx, `SELECT capacity FROM advisors WHERE advisor_id = $1`, a.AdvisorID).Scan(&capacity); err != nil {
		t.Fatal(err)
	}
	if capacity != 5 || len(e.outbox(t)) != 1 {
		t.Errorf("capacity %d with %d events, want the first writer's 5 and its one event", capacity, len(e.outbox(t)))
	}
}
