package postgres_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

func concern(offer, n int, concerns ...string) events.TakeoverOfferDifficultySeen {
	return events.TakeoverOfferDifficultySeen{OfferID: fmt.Sprintf("0195a1d0-0000-7000-8000-%012d", offer),
		ConcernID: fmt.Sprintf("0195a1d0-0001-7000-8000-%012d", n), RequestID: fmt.Sprintf("01900000-0000-7000-8000-%012d", offer),
		Chamber: "CCI", SecondaryChamber: "CMA", AdvisorID: "cci-transmission", NAFCode: "47.11B", Departement: "91", EPCI: "200056232",
		Concerns: concerns, SeenAt: time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)}
}

// testConcern: a takeover advisor's concern opens a call-back case of
// source advisor_observation for the offer's chambers, named by its offer,
// its kinds the concerns; the same event again and another concern about
// the same offer open nothing more. The table refuses a case that names
// both an offer and a creation case, or neither, or an offer without its
// concerns. The case finds its business through the newest signal of its
// offer's concerns, not another observation's.
func testConcern(t *testing.T, f *fixture) {
	f.project(t, advisor("cci-cell", "CCI", 1, "prevention_cell"))
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	uc := app.OpenConcernCase{Cases: f.store, Now: func() time.Time { return f.now }}
	p := concern(21, 1, events.ConcernCashFlow, events.ConcernOverdueDebts)
	ev := f.event(t, "takeover-matching", p.OfferID, p)
	second := concern(21, 2, events.ConcernOwnerWellbeing)
	for _, e := range []struct {
		ev events.Event
		p  events.TakeoverOfferDifficultySeen
	}{{ev, p}, {ev, p}, {f.event(t, "takeover-matching", p.OfferID, p), p}, {f.event(t, "takeover-matching", second.OfferID, second), second}} {
		if err := uc.Handle(f.ctx, e.ev, e.p); err != nil {
			t.Fatal(err)
		}
	}
	c := f.caseOf(t, p.RequestID)
	if c.Source != prevention.SourceAdvisorObservation || c.TakeoverOfferID != p.OfferID || c.CreationCaseID != "" || c.Checkpoint != "" ||
		!slices.Equal(c.Kinds, []string{"cash_flow", "overdue_debts"}) || c.Level != events.DifficultyCallBack ||
		c.Chamber != "CCI" || c.SecondaryChamber != "CMA" || !slices.Equal(c.AdvisorIDs, []string{"cci-cell", "cma-cell"}) ||
		c.NAFCode != "47.11B" || c.Routing.EPCI != "200056232" || !c.ReportedAt.Equal(p.SeenAt) ||
		c.SourceLabel() != "Signalé par le conseiller transmission-reprise" {
		t.Fatalf("concern's case = %+v", c)
	}
	if n := f.count(t, `SELECT count(*) FROM difficulty_cases`); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("%d events, want 1", n)
	}
	// Listed as read alone: the column comes back in lists too.
	listed, err := f.store.VisibleCases(f.ctx, access.Scope{CellChamber: "CMA"}, "", 10)
	if err != nil || len(listed) != 1 || listed[0].TakeoverOfferID != p.OfferID {
		t.Fatalf("listed %+v, %v", listed, err)
	}

	// The business: the newest signal of the offer's concerns, not a
	// creation observation's of another business.
	trendFrom := f.now.AddDate(0, 0, -30)
	if _, found, err := f.store.CaseBusiness(f.ctx, c, trendFrom); err != nil || found {
		t.Fatalf("business before any signal: %v %v", found, err)
	}
	identified := app.RecordIdentifiedSignal{Signals: f.store, Rescorer: f.rescore(t)}
	obs := events.PreventionObservationIdentified{CaseID: "01950000-0000-7000-8000-000000000021", RequestID: "01900000-0000-7000-8000-000000000099",
		CheckpointIndex: 0, SIREN: "552100554", ObservedAt: f.now}
	if err := identified.HandleObservation(f.ctx, f.event(t, "creation-support", obs.CaseID, obs), obs); err != nil {
		t.Fatal(err)
	}
	named := events.PreventionConcernIdentified{OfferID: p.OfferID, ConcernID: p.ConcernID, RequestID: p.RequestID, SIREN: "732829320",
		SIRET: "73282932000074", ObservedAt: p.SeenAt}
	if err := identified.HandleConcern(f.ctx, f.event(t, "intake", named.OfferID, named), named); err != nil {
		t.Fatal(err)
	}
	// Rescored with the concern's weight: 0.6 × 60, six days into the
	// finances' half-life of 180 days, 35 points, capped at 30.
	v, found, err := f.store.CaseBusiness(f.ctx, c, trendFrom)
	if err != nil || !found || v.SIREN != "732829320" || v.Points != 30 || len(v.Contributions) != 1 || v.Contributions[0].Uncapped != 35 ||
		len(v.Signals) != 1 || v.Signals[0].Kind != signal.KindAdvisorConcern {
		t.Fatalf("business %+v, %v %v", v, found, err)
	}

	for name, sql := range map[string]string{
		"a concern naming a creation case too": `UPDATE difficulty_cases SET creation_case_id = gen_random_uuid(), checkpoint = '1 an'
			WHERE takeover_offer_id IS NOT NULL`,
		"a concern without its concerns":    `UPDATE difficulty_cases SET kinds = '{}' WHERE takeover_offer_id IS NOT NULL`,
		"an observation naming neither":     `UPDATE difficulty_cases SET takeover_offer_id = NULL WHERE source = 'advisor_observation'`,
		"a case of the score with an offer": `UPDATE difficulty_cases SET source = 'score', siren = '732829320' WHERE takeover_offer_id IS NOT NULL`,
	} {
		if _, err := f.pool.Exec(f.ctx, sql); err == nil {
			t.Errorf("the table accepts %s", name)
		}
	}
	self := f.report(t, report(22, "CMA", ""))
	if _, err := f.pool.Exec(f.ctx, `UPDATE difficulty_cases SET takeover_offer_id = gen_random_uuid() WHERE case_id = $1`, self.ID); err == nil {
		t.Error("the table accepts a self report with an offer")
	}
	if self.TakeoverOfferID != "" {
		t.Errorf("a self report reads an offer: %+v", self)
	}
}
