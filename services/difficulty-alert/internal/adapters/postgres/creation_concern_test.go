package postgres_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// creationConcern is concern n of the creation case of seen(c, ·): same
// creation case, same request.
func creationConcern(c, n int, concerns ...string) events.CreationCaseConcernRaised {
	return events.CreationCaseConcernRaised{CaseID: fmt.Sprintf("01950000-0000-7000-8000-%012d", c),
		ConcernID: fmt.Sprintf("0195a1d0-0002-7000-8000-%012d", n), RequestID: fmt.Sprintf("01900000-0000-7000-8000-%012d", c),
		Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-crea", NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91",
		EPCI: "200056232", Concerns: concerns, RaisedAt: time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)}
}

// creationConcernNamed is the confidential event naming the business of
// concern p.
func creationConcernNamed(p events.CreationCaseConcernRaised, siren string) events.PreventionCreationConcernIdentified {
	return events.PreventionCreationConcernIdentified{CaseID: p.CaseID, ConcernID: p.ConcernID, RequestID: p.RequestID, SIREN: siren,
		ObservedAt: p.RaisedAt}
}

// testCreationConcern: a creation advisor's concern between two
// checkpoints opens a call-back case of source advisor_observation for
// the creation case's chambers, named by its creation case at no
// checkpoint, its kinds the concerns; the same event again, another
// concern and a checkpoint's difficulties of the same request open
// nothing more while it is open. Its signal on the confidential stream is
// an advisor_concern of the creation case, which names the case's
// business and rescores it. The table refuses a creation concern without
// its concerns or with an offer too.
func testCreationConcern(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	f.project(t, advisor("cci-cell", "CCI", 1, "prevention_cell"))
	observed := app.OpenObservedCase{Cases: f.store, Now: func() time.Time { return f.now }}
	p := creationConcern(31, 1, events.ConcernCashFlow, events.ConcernActivityDrop)
	ev := f.event(t, "creation-support", p.CaseID, p)
	second := creationConcern(31, 2, events.ConcernOwnerWellbeing)
	for _, e := range []struct {
		ev events.Event
		p  events.CreationCaseConcernRaised
	}{{ev, p}, {ev, p}, {f.event(t, "creation-support", p.CaseID, p), p}, {f.event(t, "creation-support", second.CaseID, second), second}} {
		if err := observed.HandleConcern(f.ctx, e.ev, e.p); err != nil {
			t.Fatal(err)
		}
	}
	checkpoint := seen(31, 1)
	if err := observed.Handle(f.ctx, f.event(t, "creation-support", checkpoint.CaseID, checkpoint), checkpoint); err != nil {
		t.Fatal(err)
	}
	c := f.caseOf(t, p.RequestID)
	if c.Source != prevention.SourceAdvisorObservation || c.CreationCaseID != p.CaseID || c.Checkpoint != "" || c.TakeoverOfferID != "" ||
		!slices.Equal(c.Kinds, []string{"cash_flow", "activity_drop"}) || c.Level != events.DifficultyCallBack ||
		c.Chamber != "CMA" || c.SecondaryChamber != "CCI" || !slices.Equal(c.AdvisorIDs, []string{"cma-cell", "cci-cell"}) ||
		c.NAFCode != "10.71C" || c.NAFVersion != "NAFRev2" || c.Routing.EPCI != "200056232" || !c.ReportedAt.Equal(p.RaisedAt) ||
		!c.FromCreationConcern() || c.SourceLabel() != "Signalé par le conseiller création entre deux points de suivi post-création" {
		t.Fatalf("creation concern's case = %+v", c)
	}
	if n := f.count(t, `SELECT count(*) FROM difficulty_cases`); n != 1 {
		t.Fatalf("%d cases, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("%d events, want 1", n)
	}
	var payload []byte
	if err := f.pool.QueryRow(f.ctx, `SELECT payload FROM outbox`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	opened, err := events.Decode[events.DifficultyCaseOpened](events.Event{Type: events.DifficultyCaseOpened{}.EventName().Type(), Data: payload})
	if err != nil || opened.Source != events.DifficultySourceAdvisorObservation || opened.ObservedIn != events.ObservedInCreationCase ||
		opened.CaseID != c.ID {
		t.Fatalf("event = %+v, %v", opened, err)
	}
	listed, err := f.store.VisibleCases(f.ctx, access.Scope{CellChamber: "CCI"}, "", 10)
	if err != nil || len(listed) != 1 || listed[0].CreationCaseID != p.CaseID || len(listed[0].Kinds) != 2 || listed[0].Checkpoint != "" {
		t.Fatalf("listed %+v, %v", listed, err)
	}

	// Its business: none before the signal; the signal names it, links the
	// case and rescores it with the concern's weight (0.6 × 60 the same
	// day, 36 points, capped at 30 for finances).
	trendFrom := f.now.AddDate(0, 0, -30)
	if _, found, err := f.store.CaseBusiness(f.ctx, c, trendFrom); err != nil || found {
		t.Fatalf("business before any signal: %v %v", found, err)
	}
	identified := app.RecordIdentifiedSignal{Signals: f.store, Rescorer: f.rescore(t)}
	business := sirenOf(83_100_001)
	named := creationConcernNamed(p, business)
	if err := identified.HandleCreationConcern(f.ctx, f.event(t, "creation-support", named.CaseID, named), named); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM signals WHERE source = 'advisor_observation' AND kind = 'advisor_concern' AND theme = 'finances'
		AND strength = 60 AND source_ref = $1 AND request_id = $2 AND siren = $3 AND siret IS NULL AND occurred_on = '2026-11-26'
		AND expires_on = '2027-11-26'`, p.CaseID+"/"+p.ConcernID, p.RequestID, business); n != 1 {
		t.Fatalf("%d signals of the concern, want 1", n)
	}
	c = f.caseOf(t, p.RequestID)
	if c.SIREN != business {
		t.Errorf("the case names %q after its signal, want the business", c.SIREN)
	}
	v, found, err := f.store.CaseBusiness(f.ctx, c, trendFrom)
	if err != nil || !found || v.SIREN != business || v.Points != 30 || len(v.Contributions) != 1 || v.Contributions[0].Uncapped != 36 ||
		len(v.Signals) != 1 || v.Signals[0].Kind != signal.KindAdvisorConcern {
		t.Fatalf("business %+v, %v %v", v, found, err)
	}
	// Found through its creation case's signals too, when the case does
	// not name it (another case of the business was open first).
	unlinked := c
	unlinked.SIREN = ""
	if v, found, err := f.store.CaseBusiness(f.ctx, unlinked, trendFrom); err != nil || !found || v.SIREN != business {
		t.Errorf("business through the creation case's signals: %+v, %v %v", v, found, err)
	}

	// A SIREN failing its key is malformed, and the reason does not hold it.
	bad := creationConcernNamed(second, "732829321")
	err = identified.HandleCreationConcern(f.ctx, f.event(t, "creation-support", bad.CaseID, bad), bad)
	if !errors.Is(err, events.ErrMalformed) || strings.Contains(err.Error(), "732829321") {
		t.Errorf("bad SIREN: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM signals`); n != 1 {
		t.Errorf("%d signals, want the good one", n)
	}

	for name, sql := range map[string]string{
		"a creation concern without its concerns": `UPDATE difficulty_cases SET kinds = '{}' WHERE case_id = $1`,
		"a creation concern naming an offer too":  `UPDATE difficulty_cases SET takeover_offer_id = gen_random_uuid() WHERE case_id = $1`,
		"a creation concern with a score":         `UPDATE difficulty_cases SET score = 10 WHERE case_id = $1`,
	} {
		if _, err := f.pool.Exec(f.ctx, sql, c.ID); err == nil {
			t.Errorf("the table accepts %s", name)
		}
	}
}

// testCheckpointThenCreationConcern: the other way round, a checkpoint's
// case open, a concern about the same creation case opens nothing and
// leaves the case as it was; a concern whose signal came first opens its
// case with its business.
func testCheckpointThenCreationConcern(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	observed := app.OpenObservedCase{Cases: f.store, Now: func() time.Time { return f.now }}
	checkpoint := seen(32, 0)
	if err := observed.Handle(f.ctx, f.event(t, "creation-support", checkpoint.CaseID, checkpoint), checkpoint); err != nil {
		t.Fatal(err)
	}
	p := creationConcern(32, 1, events.ConcernOverdueDebts)
	if err := observed.HandleConcern(f.ctx, f.event(t, "creation-support", p.CaseID, p), p); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM difficulty_cases`); n != 1 {
		t.Fatalf("%d cases, want the checkpoint's", n)
	}
	if c := f.caseOf(t, p.RequestID); c.Checkpoint != "6 mois" || len(c.Kinds) != 0 || c.FromCreationConcern() ||
		c.SourceLabel() != "Signalé par le conseiller création lors du suivi post-création" {
		t.Errorf("the checkpoint's case after a concern: %+v", c)
	}

	identified := app.RecordIdentifiedSignal{Signals: f.store, Rescorer: f.rescore(t)}
	early := creationConcern(33, 1, events.ConcernSupplierDelays)
	business := sirenOf(83_300_001)
	named := creationConcernNamed(early, business)
	if err := identified.HandleCreationConcern(f.ctx, f.event(t, "creation-support", named.CaseID, named), named); err != nil {
		t.Fatal(err)
	}
	if err := observed.HandleConcern(f.ctx, f.event(t, "creation-support", early.CaseID, early), early); err != nil {
		t.Fatal(err)
	}
	if c := f.caseOf(t, early.RequestID); c.SIREN != business || !c.FromCreationConcern() {
		t.Errorf("the concern's case opened after its signal: %+v", c)
	}
}
