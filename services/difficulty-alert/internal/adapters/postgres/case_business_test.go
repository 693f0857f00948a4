package postgres_test

import (
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// testCaseLearnsItsBusiness: a case opened for a request learns its
// business from the confidential stream, whichever comes first: the
// report's case takes the SIREN of its signal arriving after it; a
// concern's case opening after its signal takes it at once. A business
// with an open case already keeps that one: another request's case opens
// without it. Linked, the case is the business's for the rescoring: a
// liquidation judiciaire closes it, and opens no other.
func testCaseLearnsItsBusiness(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 1, "prevention_cell"))
	f.project(t, advisor("cci-cell", "CCI", 1, "prevention_cell"))
	identified := app.RecordIdentifiedSignal{Signals: f.store, Rescorer: f.rescore(t)}
	sirenOfCase := func(id string) string {
		t.Helper()
		var s *string
		if err := f.pool.QueryRow(f.ctx, `SELECT siren FROM difficulty_cases WHERE case_id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s == nil {
			return ""
		}
		return *s
	}

	// The case first, then its signal.
	first, second := sirenOf(81_000_001), sirenOf(81_000_002)
	reported := f.report(t, report(41, "CMA", ""))
	if reported.SIREN != "" {
		t.Fatalf("a report's case names a business before its signal: %q", reported.SIREN)
	}
	named := events.PreventionReportIdentified{RequestID: reported.RequestID, SIREN: first, Score: 55, Level: events.DifficultyCallBack,
		QuestionnaireVersion: "q1", IdentifiedAt: f.now}
	if err := identified.HandleReport(f.ctx, f.event(t, "intake", named.RequestID, named), named); err != nil {
		t.Fatal(err)
	}
	if got := sirenOfCase(reported.ID); got != first {
		t.Errorf("the report's case names %q after its signal, want %q", got, first)
	}

	// The signal first, then its case.
	p := concern(42, 1, events.ConcernCashFlow)
	concerned := events.PreventionConcernIdentified{OfferID: p.OfferID, ConcernID: p.ConcernID, RequestID: p.RequestID, SIREN: second,
		ObservedAt: p.SeenAt}
	if err := identified.HandleConcern(f.ctx, f.event(t, "intake", p.OfferID, concerned), concerned); err != nil {
		t.Fatal(err)
	}
	opener := app.OpenConcernCase{Cases: f.store, Now: func() time.Time { return f.now }}
	if err := opener.Handle(f.ctx, f.event(t, "takeover-matching", p.OfferID, p), p); err != nil {
		t.Fatal(err)
	}
	late := f.caseOf(t, p.RequestID)
	if late.SIREN != second {
		t.Errorf("the concern's case opened after its signal names %q, want %q", late.SIREN, second)
	}

	// A business with an open case: another request's case opens all the
	// same, without it; the first keeps it.
	again := f.report(t, report(43, "CCI", ""))
	named.RequestID = again.RequestID
	if err := identified.HandleReport(f.ctx, f.event(t, "intake", named.RequestID, named), named); err != nil {
		t.Fatal(err)
	}
	if sirenOfCase(again.ID) != "" || sirenOfCase(reported.ID) != first {
		t.Errorf("two open cases name the business: %q, %q", sirenOfCase(again.ID), sirenOfCase(reported.ID))
	}

	// The rescoring knows the linked case: a liquidation closes it.
	if _, err := f.store.ApplyNotices(f.ctx, liquidation(t, second), f.rescore(t).Func()); err != nil {
		t.Fatal(err)
	}
	closed := f.caseOf(t, p.RequestID)
	if closed.Status != prevention.StatusClosed || closed.CloseReason != prevention.CloseBusinessClosed {
		t.Errorf("the concern's case after the liquidation: %s %s", closed.Status, closed.CloseReason)
	}
	if n := f.count(t, `SELECT count(*) FROM difficulty_cases WHERE siren = $1`, second); n != 1 {
		t.Errorf("%d cases of the business in liquidation, want its concern's alone", n)
	}
}

// testCaseAndSignalTogether: a request's case and its signal, delivered
// at the same moment by two streams and committed concurrently, still
// meet: each case names its business.
func testCaseAndSignalTogether(t *testing.T, f *fixture) {
	f.project(t, advisor("cma-cell", "CMA", 50, "prevention_cell"))
	identified := app.RecordIdentifiedSignal{Signals: f.store}
	const n = 12
	errs := make(chan error, 2*n)
	for i := range n {
		p := report(60+i, "CMA", "")
		named := events.PreventionReportIdentified{RequestID: p.RequestID, SIREN: sirenOf(82_000_000 + i), Score: 55,
			Level: events.DifficultyCallBack, QuestionnaireVersion: "q1", IdentifiedAt: f.now}
		opened, signalled := f.event(t, "intake", p.RequestID, p), f.event(t, "intake", named.RequestID, named)
		go func() { errs <- f.open.Handle(f.ctx, opened, p) }()
		go func() { errs <- identified.HandleReport(f.ctx, signalled, named) }()
	}
	for range 2 * n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := f.count(t, `SELECT count(*) FROM difficulty_cases WHERE siren IS NOT NULL`); got != n {
		t.Errorf("%d of %d cases name their business", got, n)
	}
}
