package postgres_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/siren"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/postgres"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// addSignal stores a partner-like signal of kind about the business, as
// the partners' API will; procedure only for court events.
func (f *fixture) addSignal(t *testing.T, sirenNumber, kind string, theme signal.Theme, on time.Time, strength int) {
	t.Helper()
	var procedure *string
	if theme == signal.ThemeCourtEvents {
		p := string(signal.ProcedureOther)
		procedure = &p
	}
	if _, err := f.pool.Exec(f.ctx, `INSERT INTO signals (signal_id, source, kind, theme, siren, occurred_on, strength, expires_on,
			source_ref, procedure, recorded_at)
		VALUES (gen_random_uuid(), 'partner', $1, $2, $3, $4, $5, $6, gen_random_uuid()::text, $7, now())`,
		kind, string(theme), sirenNumber, on, strength, on.AddDate(2, 0, 0), procedure); err != nil {
		t.Fatal(err)
	}
}

// levelEvents decodes the level_changed events in the outbox, oldest
// first.
func (f *fixture) levelEvents(t *testing.T) []map[string]any {
	t.Helper()
	rows, err := f.pool.Query(f.ctx, `SELECT payload FROM outbox WHERE topic LIKE 'difficulty.business.level_changed.%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("payload %s: %v", b, err)
		}
		out = append(out, m)
	}
	return out
}

func (f *fixture) score(t *testing.T, sirenNumber string) app.BusinessScore {
	t.Helper()
	b, found, err := f.store.BusinessScore(f.ctx, sirenNumber, f.now.AddDate(0, 0, -app.TrendDays))
	if err != nil || !found {
		t.Fatalf("business %s: %v %v", sirenNumber, found, err)
	}
	return b
}

// sirenOf makes a valid SIREN of n (its Luhn key computed).
func sirenOf(n int) string {
	base := fmt.Sprintf("%08d", n)
	for k := range 10 {
		if s := base + fmt.Sprint(k); siren.Valid(s) {
			return s
		}
	}
	panic("no key")
}

// testImportScoresInItsTransaction: the BODACC import scores the
// businesses it names as it stores their notices: the redressement of
// January (80, decayed over 316 days to 44 points) is a court state
// apart and counts in the court events' theme, the withdrawn sauvegarde
// counts nothing (imported in the same transaction as its cancellation,
// it never rose); a business rising above "aucune alerte" emits its event
// once, and importing the file again emits nothing.
func testImportScoresInItsTransaction(t *testing.T, f *fixture) {
	f.importFile(t, "procedures-collectives.json", 500)
	b := f.score(t, "830249439")
	if b.Court == nil || b.Court.Procedure != signal.ProcedureRedressementJudiciaire {
		t.Errorf("court state %+v", b.Court)
	}
	if b.Level != scoring.LevelModerate || b.Points != 44 || len(b.Contributions) != 1 || b.Contributions[0].Capped ||
		b.Contributions[0].Theme != signal.ThemeCourtEvents || b.RulesVersion != "2026.2" || !b.ScoredAt.Equal(f.now) ||
		b.Explanation != "Décisions de justice : 44 points (1 signal, le 14 janvier 2026). Total : 44 points, risque modéré." {
		t.Errorf("830249439 scored %+v", b)
	}
	if w := f.score(t, "443061841"); w.Points != 0 || w.Level != scoring.LevelNone || w.Court != nil || !w.ActiveUntil.IsZero() {
		t.Errorf("a withdrawn notice scores %+v", w)
	}
	evs := f.levelEvents(t)
	for _, e := range evs {
		if e["previous_level"] != "none" || e["level"] == "none" {
			t.Errorf("event %v", e)
		}
		for _, v := range e {
			if s, ok := v.(string); ok && (s == "830249439" || s == "443061841") {
				t.Errorf("an event carries a SIREN: %v", e)
			}
		}
	}
	var businesses int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM businesses WHERE level <> 'none'`).Scan(&businesses); err != nil {
		t.Fatal(err)
	}
	if businesses != 2 || len(evs) != businesses {
		t.Errorf("%d events for %d businesses above none: %v", len(evs), businesses, evs)
	}
	f.importFile(t, "procedures-collectives.json", 500)
	if again := f.levelEvents(t); len(again) != len(evs) {
		t.Errorf("importing again emitted %d events", len(again)-len(evs))
	}
}

// testEachKindAndDecay: one signal of each kind, each about its own
// business, scores as the rules say (stored contributions and
// explanation); 240 days later the daily rescoring decays them all, and a
// second run that day rescores nothing.
func testEachKindAndDecay(t *testing.T, f *fixture) {
	rules, err := scoring.EmbeddedRules()
	if err != nil {
		t.Fatal(err)
	}
	kinds := []struct {
		kind  string
		theme signal.Theme
	}{
		{"court_judgment", signal.ThemeCourtEvents}, {"self_diagnosis_call_back", signal.ThemeSelfAssessment},
		{"checkpoint_difficulties", signal.ThemeFinances}, {"social_debt", signal.ThemeSocialTaxDebts},
		{"tax_debt", signal.ThemeSocialTaxDebts}, {"payment_incident", signal.ThemePayments},
		{"late_accounts", signal.ThemeFinances}, {"unweighed_kind", signal.ThemePayments},
	}
	on := f.now.AddDate(0, 0, -10)
	var sirens []string
	for i, k := range kinds {
		s := sirenOf(10_000_000 + i)
		sirens = append(sirens, s)
		f.addSignal(t, s, k.kind, k.theme, on, 50)
	}
	if err := f.rescore(t).Rescore(f.ctx, sirens); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		for i, k := range kinds {
			want := rules.Score([]scoring.Signal{{Kind: signal.Kind(k.kind), Theme: k.theme, Status: signal.StatusActive, On: on,
				Expires: on.AddDate(2, 0, 0), Strength: 50}}, f.now)
			got := f.score(t, sirens[i])
			if got.Points != want.Points || got.Level != want.Level || got.Explanation != want.Explanation ||
				!slices.EqualFunc(got.Contributions, want.Contributions, func(a, b scoring.Contribution) bool {
					return a.Theme == b.Theme && a.Points == b.Points && a.Signals == b.Signals && a.Latest.Equal(b.Latest)
				}) {
				t.Errorf("%s, %s: stored %d %s %q, want %d %s %q", when, k.kind, got.Points, got.Level, got.Explanation,
					want.Points, want.Level, want.Explanation)
			}
			if want.Points == 0 {
				t.Errorf("%s, %s: scores nothing", when, k.kind)
			}
		}
	}
	check("fresh")
	fresh := f.score(t, sirens[0]).Points

	f.now = f.now.AddDate(0, 0, 240)
	decay := app.DecayScores{Rescore: f.rescore(t), Batch: 3}
	n, err := decay.Run(f.ctx)
	if err != nil || n != len(kinds) {
		t.Fatalf("daily rescoring: %d %v", n, err)
	}
	check("240 days later")
	if later := f.score(t, sirens[0]).Points; later >= fresh {
		t.Errorf("court judgment did not decay: %d then %d", fresh, later)
	}
	if n, err := decay.Run(f.ctx); n != 0 || err != nil {
		t.Errorf("a second run the same day rescored %d (%v)", n, err)
	}
	// Two years on, every signal has expired: the last rescoring drops
	// them to 0 and takes the businesses off the daily job.
	f.now = f.now.AddDate(2, 0, 0)
	if n, err := decay.Run(f.ctx); n != len(kinds) || err != nil {
		t.Errorf("rescoring after expiry: %d %v", n, err)
	}
	f.now = f.now.AddDate(0, 0, 1)
	if n, err := decay.Run(f.ctx); n != 0 || err != nil {
		t.Errorf("businesses without signals still rescored: %d %v", n, err)
	}
	if b := f.score(t, sirens[0]); b.Points != 0 || b.Level != scoring.LevelNone {
		t.Errorf("expired signals still score %+v", b)
	}
}

// testLevelChangesBothWays: none → moderate → high as signals come, high
// → moderate → none as they decay or are withdrawn; each change is one
// event naming the business's number, rescoring without a change emits
// nothing.
func testLevelChangesBothWays(t *testing.T, f *fixture) {
	s := sirenOf(20_000_001)
	rescore := func() {
		t.Helper()
		if err := f.rescore(t).Rescore(f.ctx, []string{s, s}); err != nil {
			t.Fatal(err)
		}
	}
	f.addSignal(t, s, "payment_incident", signal.ThemePayments, f.now, 50) // 30 points: moderate
	rescore()
	rescore()
	f.addSignal(t, s, "social_debt", signal.ThemeSocialTaxDebts, f.now, 50) // +40: high
	rescore()
	id := f.score(t, s).ID
	// 120 days on (the debts' half-life, payments 90): 20 + 12 = 32, moderate.
	f.now = f.now.AddDate(0, 0, 120)
	if _, err := (app.DecayScores{Rescore: f.rescore(t)}).Run(f.ctx); err != nil {
		t.Fatal(err)
	}
	if b := f.score(t, s); b.Level != scoring.LevelModerate || b.Points != 32 {
		t.Errorf("after decay %d %s", b.Points, b.Level)
	}
	if _, err := f.pool.Exec(f.ctx, `UPDATE signals SET status = 'withdrawn', ended_at = now() WHERE siren = $1`, s); err != nil {
		t.Fatal(err)
	}
	rescore()
	var got []string
	for _, e := range f.levelEvents(t) {
		if e["business_id"] != id || e["rules_version"] != "2026.2" || e["changed_at"] == "" {
			t.Errorf("event %v", e)
		}
		got = append(got, fmt.Sprintf("%s→%s", e["previous_level"], e["level"]))
	}
	want := []string{"none→moderate", "moderate→high", "high→moderate", "moderate→none"}
	if !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if n := f.count(t, `SELECT count(*) FROM business_score_history h JOIN businesses b USING (business_id) WHERE b.siren = $1`, s); n != 2 {
		t.Errorf("%d days of history, want 2", n)
	}
}

// testDecayJobSharedByReplicas: three replicas running the daily job at
// once rescore every business due exactly once between them.
func testDecayJobSharedByReplicas(t *testing.T, f *fixture) {
	var sirens []string
	for i := range 60 {
		s := sirenOf(30_000_000 + i)
		sirens = append(sirens, s)
		f.addSignal(t, s, "payment_incident", signal.ThemePayments, f.now, 10+i)
	}
	if err := f.rescore(t).Rescore(f.ctx, sirens); err != nil {
		t.Fatal(err)
	}
	before := len(f.levelEvents(t))
	f.now = f.now.AddDate(0, 0, 30)
	var wg sync.WaitGroup
	counts := make([]int, 3)
	for r := range counts {
		wg.Go(func() {
			n, err := app.DecayScores{Rescore: f.rescore(t), Batch: 7}.Run(f.ctx)
			if err != nil {
				t.Error(err)
			}
			counts[r] = n
		})
	}
	wg.Wait()
	if total := counts[0] + counts[1] + counts[2]; total != len(sirens) {
		t.Errorf("replicas rescored %v, %d in all, want %d", counts, total, len(sirens))
	}
	if n := f.count(t, `SELECT count(*) FROM businesses WHERE scored_at = $1`, f.now); n != len(sirens) {
		t.Errorf("%d businesses rescored today, want %d", n, len(sirens))
	}
	// Every business that crossed a threshold did so once.
	changed := f.count(t, `SELECT count(*) FROM businesses b WHERE level <> (SELECT level FROM business_score_history h
		WHERE h.business_id = b.business_id ORDER BY day LIMIT 1)`)
	if got := len(f.levelEvents(t)) - before; got != changed {
		t.Errorf("%d events for %d level changes", got, changed)
	}
}

// testCellListAndTrend: the cell's list by level, highest first, with the
// trend against 30 days ago and the court state, paged; every business
// sent is audited, and only the cell reads it.
func testCellListAndTrend(t *testing.T, f *fixture) {
	f.importFile(t, "procedures-collectives.json", 500)
	a, b := sirenOf(40_000_001), sirenOf(40_000_002)
	start := f.now
	f.now = start.AddDate(0, 0, -40)
	f.addSignal(t, a, "payment_incident", signal.ThemePayments, f.now, 50) // 30 then
	if err := f.rescore(t).Rescore(f.ctx, []string{a}); err != nil {
		t.Fatal(err)
	}
	f.now = start
	f.addSignal(t, a, "tax_debt", signal.ThemeSocialTaxDebts, f.now, 50) // +40, payments decayed to 22
	f.addSignal(t, b, "tax_debt", signal.ThemeSocialTaxDebts, f.now, 40) // 32: moderate, new
	if err := f.rescore(t).Rescore(f.ctx, []string{a, b}); err != nil {
		t.Fatal(err)
	}
	read := app.ReadScores{Scores: f.store, Audit: postgres.NewAudit(f.pool), Now: func() time.Time { return f.now }}
	page, err := read.List(f.ctx, cell, app.ScorePage{Level: scoring.LevelHigh, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range page {
		court := ""
		if x.Court != nil {
			court = string(x.Court.Procedure)
		}
		got = append(got, fmt.Sprintf("%s %d %+d %s", x.SIREN, x.Points, x.Trend, court))
	}
	want := []string{a + " 62 +32 ", "512345679 55 +55 liquidation_judiciaire"}
	if !slices.Equal(got, want) {
		t.Errorf("high: %q, want %q", got, want)
	}
	moderate, err := read.List(f.ctx, cell, app.ScorePage{Level: scoring.LevelModerate, Limit: 10})
	if err != nil || len(moderate) != 2 || moderate[0].SIREN != "830249439" || moderate[0].Court == nil || moderate[1].SIREN != b ||
		moderate[1].Trend != 32 {
		t.Errorf("moderate: %+v %v", moderate, err)
	}
	first, err := read.List(f.ctx, cell, app.ScorePage{Limit: 1})
	if err != nil || len(first) != 1 {
		t.Fatal(err)
	}
	score := first[0].Points
	next, err := read.List(f.ctx, cell, app.ScorePage{Limit: 1, AfterScore: &score, AfterSIREN: first[0].SIREN})
	if err != nil || len(next) != 1 || next[0].SIREN == first[0].SIREN || next[0].Points > score {
		t.Errorf("next page %+v after %+v (%v)", next, first, err)
	}
	listed := len(page) + len(moderate) + 2
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE resource = $1 AND action = $2`, app.ResourceBusinessScore, app.ActionList); n != listed {
		t.Errorf("%d list entries audited, want %d", n, listed)
	}
	one, err := read.Get(f.ctx, cell, a)
	if err != nil || one.Points != 62 || one.ID == "" || len(one.Contributions) != 2 {
		t.Errorf("get %+v %v", one, err)
	}
	none, err := read.Get(f.ctx, cell, sirenOf(40_000_003))
	if err != nil || none.Points != 0 || none.Level != scoring.LevelNone || none.ID != "" {
		t.Errorf("a business never signalled: %+v %v", none, err)
	}
	es, err := postgres.NewAudit(f.pool).Query(f.ctx, audit.Filter{AllChambers: true, ResourceID: a, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range es {
		if e.Action == app.ActionRead && e.Resource == app.ResourceBusinessScore && e.ActorID == cell.Subject {
			reads++
		}
	}
	if reads != 1 {
		t.Errorf("%d reads of %s audited: %+v", reads, a, es)
	}
	for _, p := range []auth.Principal{
		{Subject: "cma-91-003", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}},
		{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor, auth.RoleManager}},
	} {
		if _, err := read.List(f.ctx, p, app.ScorePage{Limit: 10}); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("%s lists: %v", p.Subject, err)
		}
		if _, err := read.Get(f.ctx, p, a); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("%s reads: %v", p.Subject, err)
		}
	}
}
