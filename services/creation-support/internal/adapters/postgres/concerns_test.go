package postgres_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/app"
	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// followUp brings case c of advisor p to its post-creation follow-up.
func (f *fixture) followUp(c creation.Case, p auth.Principal) {
	f.t.Helper()
	if _, err := (app.TakeInCharge{Cases: f.store, Now: f.clock}).Do(f.ctx, p, c.ID); err != nil {
		f.t.Fatal(err)
	}
	if _, err := (app.MoveStage{Cases: f.store, Now: f.clock}).Do(f.ctx, p, c.ID,
		app.MoveInput{To: creation.StageFormalities, Reason: creation.ReasonDoneElsewhere}); err != nil {
		f.t.Fatal(err)
	}
	reg := creation.Registration{SIREN: "732829320", Date: f.now.AddDate(0, -1, 0), LegalForm: "SARL"}
	if _, err := (app.RegisterBusiness{Cases: f.store, Now: f.clock}).Do(f.ctx, p, c.ID, reg); err != nil {
		f.t.Fatal(err)
	}
}

// TestOneConcernADay: the case's advisor and a manager of its chamber
// raising concerns at the same moment get one concern, stored with its two
// events, and the day's concern for the others; two minutes later, past
// midnight UTC, the next day takes a new one, and the case reads its
// concerns oldest first. Refusals store nothing, and the table holds the
// rule should anything else write.
func TestOneConcernADay(t *testing.T) {
	f := newFixture(t)
	f.advisor(creation.Advisor{AdvisorID: "cma-a", Chamber: "CMA", Active: true})
	c := f.open(1, "CMA", "")
	person := func(id string, role auth.Role) auth.Principal {
		return auth.Principal{Subject: id, Chamber: "CMA", Roles: []auth.Role{role}}
	}
	advisor, manager := person("cma-a", auth.RoleAdvisor), person("cma-m", auth.RoleManager)
	f.followUp(c, advisor)
	day1 := creation.ConcernDay(f.now).Add(24*time.Hour - time.Minute) // 23:59 UTC
	raise := func(at time.Time, who auth.Principal, kinds ...string) (creation.Concern, bool, error) {
		uc := app.RaiseConcern{Cases: f.store, Now: func() time.Time { return at },
			NewID: func() (string, error) { return uuid.Must(uuid.NewV7()).String(), nil }}
		return uc.Do(f.ctx, who, c.ID, kinds)
	}
	stored := func() int {
		return f.count(`SELECT count(*) FROM case_difficulty_concerns`) +
			f.count(`SELECT count(*) FROM outbox WHERE topic IN ('creation.case.concern_raised.91', 'prevention.creation_concern.identified.91')`)
	}

	var invalid *creation.InvalidInput
	if _, _, err := raise(day1, advisor, "cash_flow", "cash_flow"); !errors.As(err, &invalid) {
		t.Fatalf("a code twice: %v", err)
	}
	if _, _, err := raise(day1, person("cma-b", auth.RoleAdvisor), "cash_flow"); !errors.Is(err, access.ErrNotFollower) {
		t.Fatalf("a colleague who does not follow the case: %v", err)
	}
	if _, _, err := (app.RaiseConcern{Cases: f.store, Now: f.clock, NewID: func() (string, error) { return uuid.Must(uuid.NewV7()).String(), nil }}).Do(
		f.ctx, advisor, "01900000-0000-7000-8000-0000000fffff", []string{"cash_flow"}); !errors.Is(err, creation.ErrCaseNotFound) {
		t.Fatalf("an unknown case: %v", err)
	}
	if n := stored(); n != 0 {
		t.Fatalf("refusals stored %d rows", n)
	}

	// Four at once: one concern.
	const n = 4
	var wg sync.WaitGroup
	got := make([]creation.Concern, n)
	raised := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		who := advisor
		if i%2 == 1 {
			who = manager
		}
		wg.Go(func() {
			got[i], raised[i], errs[i] = raise(day1.Add(time.Duration(i)*time.Second), who, "activity_drop")
		})
	}
	wg.Wait()
	first := -1
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("raise %d: %v", i, errs[i])
		}
		if raised[i] {
			if first >= 0 {
				t.Fatalf("raises %d and %d both raised one", first, i)
			}
			first = i
		}
	}
	if first < 0 {
		t.Fatal("no concern raised")
	}
	for i := range n {
		if got[i].ID != got[first].ID || got[i].AdvisorID != got[first].AdvisorID || !got[i].RaisedAt.Equal(got[first].RaisedAt) {
			t.Errorf("raise %d got %+v, want the day's %+v", i, got[i], got[first])
		}
	}
	topics := f.outboxTopics()
	if f.count(`SELECT count(*) FROM case_difficulty_concerns`) != 1 || topics["creation.case.concern_raised.91"] != 1 ||
		topics["prevention.creation_concern.identified.91"] != 1 {
		t.Fatalf("one concern stored with its two events, got %v", topics)
	}

	// Past midnight UTC: a new day.
	next, raisedNext, err := raise(day1.Add(2*time.Minute), manager, "owner_wellbeing", "cash_flow")
	if err != nil || !raisedNext || next.ID == got[first].ID || next.AdvisorID != "cma-m" {
		t.Fatalf("the next day: %v %v %+v", err, raisedNext, next)
	}
	read, _, err := f.store.Case(f.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(read.Concerns) != 2 || read.Concerns[0].ID != got[first].ID || read.Concerns[1].ID != next.ID ||
		!slices.Equal(read.Concerns[1].Kinds, []string{"owner_wellbeing", "cash_flow"}) || !read.Concerns[1].RaisedAt.Equal(next.RaisedAt) ||
		read.Concerns[1].RaisedAt.Location() != time.UTC {
		t.Fatalf("the case reads %+v", read.Concerns)
	}

	// The table's own rules: a day's second concern, a day that is not
	// the instant's, no code.
	for _, tt := range []struct {
		name, code string
		at, on     time.Time
		kinds      []string
	}{
		{"a second concern the same day", "23505", next.RaisedAt.Add(time.Hour), creation.ConcernDay(next.RaisedAt), []string{"cash_flow"}},
		{"a day not the instant's", "23514", day1.AddDate(0, 0, 5), creation.ConcernDay(day1), []string{"cash_flow"}},
		{"no code", "23514", day1.AddDate(0, 0, 6), creation.ConcernDay(day1.AddDate(0, 0, 6)), []string{}},
	} {
		_, err := f.pool.Exec(f.ctx, `INSERT INTO case_difficulty_concerns (concern_id, case_id, advisor_id, concerns, raised_at, raised_on)
			VALUES ($1, $2, 'cma-a', $3, $4, $5)`, uuid.Must(uuid.NewV7()).String(), c.ID, tt.kinds, tt.at, tt.on)
		if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
}
