package postgres_test

import (
	"testing"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// topics counts the outbox's events by type (the topic without its
// territory).
func (f *fixture) topics(t *testing.T) map[string]int {
	t.Helper()
	rows, err := f.pool.Query(f.ctx, `SELECT topic FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var topic string
		if err := rows.Scan(&topic); err != nil {
			t.Fatal(err)
		}
		out[topic]++
	}
	return out
}

func (f *fixture) caseOfBusiness(t *testing.T, siren string) (prevention.Case, int) {
	t.Helper()
	var id string
	n := f.count(t, `SELECT count(*) FROM difficulty_cases WHERE siren = $1`, siren)
	if n == 0 {
		return prevention.Case{}, 0
	}
	if err := f.pool.QueryRow(f.ctx, `SELECT case_id::text FROM difficulty_cases WHERE siren = $1 ORDER BY opened_at DESC LIMIT 1`,
		siren).Scan(&id); err != nil {
		t.Fatal(err)
	}
	c, found, err := f.store.Case(f.ctx, id)
	if err != nil || !found {
		t.Fatalf("case %s: %v %v", id, found, err)
	}
	return c, n
}

// testScoreCases: the import's redressement lifts 830249439 to "risque
// modéré": a prevention case opens for the joint cell of both chambers in
// the notice's département, unassigned, at level vigilance, naming the
// business but no request; the liquidated 512345679 gets none. A social
// debt lifts 830249439 to "risque fort": its case is escalated to call
// back, once. A liquidation judgment then closes it (business_closed, by
// the system) and opens no new one. A business known by a partner's
// signals only (no département) gets no case, its level event only.
func testScoreCases(t *testing.T, f *fixture) {
	f.importFile(t, "procedures-collectives.json", 500)
	c, n := f.caseOfBusiness(t, "830249439")
	if n != 1 || c.Source != prevention.SourceScore || c.Level != "vigilance" || c.Status != prevention.StatusOpened ||
		c.Chamber != "CCI" || c.SecondaryChamber != "CMA" || c.Departement != "91" || len(c.AdvisorIDs) != 0 || c.RequestID != "" {
		t.Fatalf("case opened by the score: %d %+v", n, c)
	}
	if b := f.score(t, "830249439"); b.OpenCaseID != c.ID {
		t.Errorf("the business's open case %q, want %q", b.OpenCaseID, c.ID)
	}
	if _, n := f.caseOfBusiness(t, "512345679"); n != 0 {
		t.Errorf("a business in liquidation got %d cases", n)
	}
	if got := f.topics(t)["difficulty.case.opened.91"]; got != 1 {
		t.Errorf("%d case openings published", got)
	}

	f.addSignal(t, "830249439", "social_debt", signal.ThemeSocialTaxDebts, f.now, 50) // +40: high
	rescore := f.rescore(t)
	for range 2 {
		if err := rescore.Rescore(f.ctx, []string{"830249439"}); err != nil {
			t.Fatal(err)
		}
	}
	c, n = f.caseOfBusiness(t, "830249439")
	if n != 1 || c.Level != "call_back" || c.Status != prevention.StatusOpened {
		t.Fatalf("escalated case: %d %+v", n, c)
	}
	if got := f.topics(t)["difficulty.case.escalated.91"]; got != 1 {
		t.Errorf("%d escalations published, want 1", got)
	}

	if _, err := f.store.ApplyNotices(f.ctx, liquidation(t, "830249439"), rescore.Func()); err != nil {
		t.Fatal(err)
	}
	c, n = f.caseOfBusiness(t, "830249439")
	if n != 1 || c.Status != prevention.StatusClosed || c.CloseReason != prevention.CloseBusinessClosed ||
		c.ClosedBy != prevention.ClosedBySystem || !c.ClosedAt.Equal(f.now) {
		t.Fatalf("case after the liquidation: %d %+v", n, c)
	}
	if got := f.topics(t)["difficulty.case.closed.91"]; got != 1 {
		t.Errorf("%d closings published, want 1", got)
	}
	if b := f.score(t, "830249439"); b.OpenCaseID != "" || b.Court == nil || b.Court.Procedure != signal.ProcedureLiquidationJudiciaire {
		t.Errorf("after the liquidation: open case %q, court %+v", b.OpenCaseID, b.Court)
	}

	other := sirenOf(70_000_001)
	f.addSignal(t, other, "tax_debt", signal.ThemeSocialTaxDebts, f.now, 60)
	if err := rescore.Rescore(f.ctx, []string{other}); err != nil {
		t.Fatal(err)
	}
	if b := f.score(t, other); b.Level != "moderate" {
		t.Errorf("partner signal: %+v", b)
	}
	if _, n := f.caseOfBusiness(t, other); n != 0 {
		t.Errorf("a business without a département got %d cases", n)
	}
}

// liquidation is the BODACC notice of a liquidation judiciaire of the
// business, today, in the Essonne.
func liquidation(t *testing.T, siren string) []app.NoticeToApply {
	t.Helper()
	n, err := signal.ReadNotice(signal.BodaccRecord{ID: "A202609991999", Family: "collective", Type: "annonce",
		Registre: []string{siren}, Published: "2026-11-25", Parution: "20260999", Number: "1999", Departement: "91",
		Tribunal: "TRIBUNAL DE COMMERCE D'EVRY", Jugement: `{"nature": "Jugement d'ouverture de liquidation judiciaire", "date": "2026-11-24"}`})
	if err != nil {
		t.Fatal(err)
	}
	return []app.NoticeToApply{{Notice: n, SignalID: newUUID(t)}}
}

// testScoreCaseFollowsEarlierCase: a business whose earlier case (closed)
// was the CMA's, in Paris, gets its next case from the CMA's cell alone,
// in Paris, when its level rises again; its closed case is left alone.
func testScoreCaseFollowsEarlierCase(t *testing.T, f *fixture) {
	s := sirenOf(80_000_001)
	earlier := newUUID(t)
	if _, err := f.pool.Exec(f.ctx, `INSERT INTO difficulty_cases (case_id, chamber, advisor_ids, status, level, kinds, departement,
			out_of_territory, reported_at, opened_at, updated_at, source, siren, closed_at, closed_by, close_reason)
		VALUES ($1, 'CMA', '{}', 'closed', 'vigilance', '{}', '75', false, $2, $2, $2, 'score', $3, $2, 'system', 'recovered')`,
		earlier, f.now.AddDate(-1, 0, 0), s); err != nil {
		t.Fatal(err)
	}
	f.addSignal(t, s, "payment_incident", signal.ThemePayments, f.now, 50) // 30 points: moderate
	if err := f.rescore(t).Rescore(f.ctx, []string{s}); err != nil {
		t.Fatal(err)
	}
	c, n := f.caseOfBusiness(t, s)
	if n != 2 || c.ID == earlier || c.Chamber != "CMA" || c.SecondaryChamber != "" || c.Departement != "75" || c.Level != "vigilance" ||
		c.Status != prevention.StatusOpened {
		t.Errorf("new case %d %+v", n, c)
	}
	if old, _, err := f.store.Case(f.ctx, earlier); err != nil || old.Status != prevention.StatusClosed || old.Level != "vigilance" {
		t.Errorf("earlier case %+v %v", old, err)
	}
}
