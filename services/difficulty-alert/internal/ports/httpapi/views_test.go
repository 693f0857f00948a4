package httpapi_test

import (
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
)

type viewAnswer struct {
	BusinessID    string `json:"business_id"`
	Score         int    `json:"score"`
	Level         string `json:"level"`
	LevelLabel    string `json:"level_label"`
	Trend         int    `json:"trend"`
	TrendDays     int    `json:"trend_days"`
	Explanation   string `json:"explanation"`
	Contributions []struct {
		Theme      string `json:"theme"`
		ThemeLabel string `json:"theme_label"`
		Points     int    `json:"points"`
	} `json:"contributions"`
	Court *struct {
		Procedure      string `json:"procedure"`
		ProcedureLabel string `json:"procedure_label"`
		Since          string `json:"since"`
	} `json:"court_state"`
	Signals []struct {
		Source      string `json:"source"`
		SourceLabel string `json:"source_label"`
		Kind        string `json:"kind"`
		KindLabel   string `json:"kind_label"`
		ThemeLabel  string `json:"theme_label"`
		OccurredOn  string `json:"occurred_on"`
		Strength    int    `json:"strength"`
		ExpiresOn   string `json:"expires_on"`
	} `json:"signals"`
}

// identify records the self-report signal naming the business of request
// requestID (SIREN siren), as the prevention stream's event would.
func (a *api) identify(t *testing.T, requestID, siren string) {
	t.Helper()
	p := events.PreventionReportIdentified{RequestID: requestID, SIREN: siren, Score: 70,
		Level: events.DifficultyCallBack, QuestionnaireVersion: "q1", IdentifiedAt: a.now}
	uc := app.RecordIdentifiedSignal{Signals: a.store, Rescorer: a.rescore}
	if err := uc.HandleReport(testkit.Context(t), event(t, requestID, p), p); err != nil {
		t.Fatal(err)
	}
}

// TestCaseViewHasItsBusiness: the case of a self report whose business is
// known (by the signal its request wrote) reads, for its assigned advisor
// and for the cell, with its business's score, explanation, contributions,
// court state and active signals with French labels, never a SIREN nor a
// SIRET; an outsider gets 403 and nothing of it. The cell reads the same
// business by its number, audited; nobody else may.
func TestCaseViewHasItsBusiness(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	const req, siren = "01900000-0000-7000-8000-0000000003aa", "830249439"
	id := a.report(t, req)
	cell := a.token(t, cmaCell)
	// Without a signal, the case has no business.
	if got := a.get(t, cell, "/api/v1/difficulty-cases/"+id); got.status != 200 || strings.Contains(got.body, `"business"`) {
		t.Fatalf("case without a known business: %d %s", got.status, got.body)
	}
	a.identify(t, req, siren)
	if got := a.post(t, cell, "/api/v1/bodacc-imports", "application/json", bodacc(t, "procedures-collectives.json")); got.status != 200 {
		t.Fatalf("import: %d %s", got.status, got.body)
	}
	type caseView struct {
		CaseID   string      `json:"case_id"`
		Business *viewAnswer `json:"business"`
	}
	// The case is assigned to the CMA's cell member: as its advisor and
	// as the cell, the same answer.
	got := a.get(t, cell, "/api/v1/difficulty-cases/"+id)
	if got.status != 200 {
		t.Fatalf("read: %d %s", got.status, got.body)
	}
	for _, secret := range []string{siren, `"siret"`, `"source_ref"`} {
		if strings.Contains(got.body, secret) {
			t.Errorf("the case view holds %q: %s", secret, got.body)
		}
	}
	v := decode[caseView](t, got)
	b := v.Business
	if b == nil {
		t.Fatalf("no business: %s", got.body)
	}
	if b.BusinessID == "" || b.Score <= 0 || b.Level == "" || b.LevelLabel == "" || b.TrendDays != 30 || b.Trend != b.Score ||
		!strings.Contains(b.Explanation, "Décisions de justice") || !strings.Contains(b.Explanation, "Autodiagnostic") ||
		len(b.Contributions) != 2 || b.Court == nil || b.Court.ProcedureLabel != "Redressement judiciaire" {
		t.Errorf("business %+v", b)
	}
	sources := map[string]string{}
	for _, s := range b.Signals {
		sources[s.Source] = s.KindLabel
		if s.SourceLabel == "" || s.KindLabel == s.Kind || s.ThemeLabel == "" || s.OccurredOn == "" || s.ExpiresOn == "" || s.Strength < 1 {
			t.Errorf("signal %+v", s)
		}
	}
	if sources["self_report"] != "Autodiagnostic : rappel demandé" || sources["bodacc"] != "Jugement publié au BODACC" {
		t.Errorf("signals %v", sources)
	}
	// The report's case names the business: the rising score escalated
	// it rather than opening a second case.
	var linked, scoreCases int
	if err := a.pool.QueryRow(testkit.Context(t), `SELECT count(*) FILTER (WHERE case_id = $2::uuid), count(*) FILTER (WHERE source = 'score')
		FROM difficulty_cases WHERE siren = $1`, siren, id).Scan(&linked, &scoreCases); err != nil || linked != 1 || scoreCases != 0 {
		t.Errorf("the business's cases: its report's %d, opened by the score %d (%v)", linked, scoreCases, err)
	}
	// An outsider: 403, no score.
	if got := a.get(t, a.token(t, cmaSpec), "/api/v1/difficulty-cases/"+id); got.status != 403 || strings.Contains(got.body, "explanation") {
		t.Errorf("outsider: %d %s", got.status, got.body)
	}

	// By number: the cell only, audited under the SIREN, no SIREN sent.
	path := "/api/v1/business-views/" + b.BusinessID
	before := a.auditCount(t)
	for _, p := range []auth.Principal{cmaSpec, cmaManager, cmaAdmin, cmaAdvisor} {
		if got := a.get(t, a.token(t, p), path); got.status != 403 || strings.Contains(got.body, "explanation") {
			t.Errorf("%s reads by number: %d %s", p.Subject, got.status, got.body)
		}
	}
	if n := a.auditCount(t); n != before {
		t.Errorf("refused reads audited: %d", n-before)
	}
	got = a.get(t, cell, path)
	if got.status != 200 || got.cache != "no-store" || strings.Contains(got.body, siren) {
		t.Fatalf("by number: %d %s", got.status, got.body)
	}
	if n := a.count(t, `SELECT count(*) FROM `+a.schema+`.audit_log WHERE resource_id = $1 AND actor_id = $2 AND action = 'read'
		AND resource IN ('business_score', 'business_signals')`, siren, cmaCell.Subject); n != 2 {
		t.Errorf("by-number read audited %d times, want 2 (score and signals)", n)
	}
	byNumber := decode[viewAnswer](t, got)
	if byNumber.Explanation != b.Explanation || len(byNumber.Signals) != len(b.Signals) {
		t.Errorf("by number %+v, want %+v", byNumber, b)
	}
	if got := a.get(t, cell, "/api/v1/business-views/01900000-0000-7000-8000-0000000000ff"); got.status != 404 {
		t.Errorf("unknown number: %d", got.status)
	}
	if got := a.get(t, cell, "/api/v1/business-views/"+siren); got.status != 404 {
		t.Errorf("a SIREN as number: %d", got.status)
	}
}

// TestObservedCaseViewHasItsBusiness: the case a creation advisor raised
// at a checkpoint finds its business through the signal of its creation
// case's observation; before that signal it has none.
func TestObservedCaseViewHasItsBusiness(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	id := a.observe(t)
	cell := a.token(t, cmaCell)
	if got := a.get(t, cell, "/api/v1/difficulty-cases/"+id); got.status != 200 || strings.Contains(got.body, `"business"`) {
		t.Fatalf("observed case before its signal: %d %s", got.status, got.body)
	}
	p := events.PreventionObservationIdentified{CaseID: "0195a1b2-4000-7111-8222-333344445555",
		RequestID: "01900000-0000-7000-8000-0000000000d1", CheckpointIndex: 1, SIREN: "830249439", ObservedAt: a.now}
	uc := app.RecordIdentifiedSignal{Signals: a.store, Rescorer: a.rescore}
	if err := uc.HandleObservation(testkit.Context(t), event(t, p.CaseID, p), p); err != nil {
		t.Fatal(err)
	}
	got := a.get(t, cell, "/api/v1/difficulty-cases/"+id)
	v := decode[struct {
		Business *viewAnswer `json:"business"`
	}](t, got)
	if got.status != 200 || v.Business == nil || len(v.Business.Signals) != 1 || v.Business.Signals[0].Source != "advisor_observation" ||
		v.Business.Signals[0].KindLabel != "Difficultés vues à un point d'étape après création" || strings.Contains(got.body, "830249439") {
		t.Errorf("observed case after its signal: %d %s", got.status, got.body)
	}
}

// TestConcernCaseViewHasItsBusiness: the case of a takeover advisor's
// concern finds its business through the signal intake named it by on
// the confidential stream (its offer's concern); before that signal it has
// none. The signal reads with its own French kind, and the business is
// scored with it; no SIREN nor SIRET is sent.
func TestConcernCaseViewHasItsBusiness(t *testing.T) {
	t.Parallel()
	a := start(t, testkit.NewSchemas(t, "difficulty_alert"))
	id := a.concern(t)
	cell := a.token(t, cmaCell)
	if got := a.get(t, cell, "/api/v1/difficulty-cases/"+id); got.status != 200 || strings.Contains(got.body, `"business"`) {
		t.Fatalf("concern's case before its signal: %d %s", got.status, got.body)
	}
	p := events.PreventionConcernIdentified{OfferID: concernOffer, ConcernID: "0195a1d0-1007-7b01-8c02-0d03e04f0712",
		RequestID: "01900000-0000-7000-8000-0000000000e1", SIREN: "830249439", SIRET: "83024943900019", ObservedAt: a.now}
	uc := app.RecordIdentifiedSignal{Signals: a.store, Rescorer: a.rescore}
	if err := uc.HandleConcern(testkit.Context(t), event(t, p.OfferID, p), p); err != nil {
		t.Fatal(err)
	}
	got := a.get(t, cell, "/api/v1/difficulty-cases/"+id)
	v := decode[struct {
		Business *viewAnswer `json:"business"`
	}](t, got)
	if got.status != 200 || v.Business == nil || v.Business.Score <= 0 || len(v.Business.Signals) != 1 ||
		v.Business.Signals[0].Source != "advisor_observation" || v.Business.Signals[0].Kind != "advisor_concern" ||
		v.Business.Signals[0].KindLabel != "Préoccupation d'un conseiller création ou transmission-reprise" ||
		strings.Contains(got.body, "830249439") {
		t.Errorf("concern's case after its signal: %d %s", got.status, got.body)
	}
}
