package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// benchKinds are the signals a business under watch gathers, drawn at
// random (a partner's debt, a payment incident, a self-diagnosis...).
var benchKinds = []struct {
	kind  string
	theme signal.Theme
}{
	{"social_debt", signal.ThemeSocialTaxDebts}, {"tax_debt", signal.ThemeSocialTaxDebts},
	{"payment_incident", signal.ThemePayments}, {"late_accounts", signal.ThemeFinances},
	{"checkpoint_difficulties", signal.ThemeFinances}, {"self_diagnosis_call_back", signal.ThemeSelfAssessment},
}

// BenchmarkDailyRescoring rescores 100,000 businesses after a day's decay,
// as the daily job does (DecayScores, transactions of DefaultDecayBatch):
// each has 1 to 4 signals of the last two years (seeded with COPY, then
// scored once, untimed). Each op is one day's run over all of them;
// businesses/s is its throughput, s/run its length.
func BenchmarkDailyRescoring(b *testing.B) {
	const n = 100_000
	f := setup(b, testkit.NewSchemas(b, "difficulty_alert"))
	rnd := rand.New(rand.NewPCG(12, 2026)) //nolint:gosec // test data, not secrets
	var signals, businesses [][]any
	for i := range n {
		s := sirenOf(50_000_000 + i)
		var until time.Time
		for range 1 + rnd.IntN(4) {
			k := benchKinds[rnd.IntN(len(benchKinds))]
			on := f.now.AddDate(0, 0, -rnd.IntN(700))
			expires := on.AddDate(2, 0, 0)
			if expires.After(until) {
				until = expires
			}
			signals = append(signals, []any{newUUID(b), "partner", k.kind, string(k.theme), s, on, 10 + rnd.IntN(90), expires,
				newUUID(b), f.now})
		}
		businesses = append(businesses, []any{s, until})
	}
	if _, err := f.pool.CopyFrom(f.ctx, pgx.Identifier{"signals"}, []string{"signal_id", "source", "kind", "theme", "siren",
		"occurred_on", "strength", "expires_on", "source_ref", "recorded_at"}, pgx.CopyFromRows(signals)); err != nil {
		b.Fatal(err)
	}
	if _, err := f.pool.CopyFrom(f.ctx, pgx.Identifier{"businesses"}, []string{"siren", "active_until"},
		pgx.CopyFromRows(businesses)); err != nil {
		b.Fatal(err)
	}
	if _, err := f.pool.Exec(f.ctx, `ANALYZE signals; ANALYZE businesses`); err != nil {
		b.Fatal(err)
	}
	decay := app.DecayScores{Rescore: f.rescore(b)}
	if got, err := decay.Run(f.ctx); err != nil || got != n {
		b.Fatalf("first scoring: %d %v", got, err)
	}
	var elapsed time.Duration
	runs := 0
	for b.Loop() {
		f.now = f.now.AddDate(0, 0, 1)
		start := time.Now()
		got, err := decay.Run(f.ctx)
		elapsed += time.Since(start)
		runs++
		if err != nil || got != n {
			b.Fatalf("day %d: rescored %d (%v), want %d", runs, got, err, n)
		}
	}
	b.ReportMetric(elapsed.Seconds()/float64(runs), "s/run")
	b.ReportMetric(float64(n*runs)/elapsed.Seconds(), "businesses/s")
	b.ReportMetric(float64(len(signals))/float64(n), "signals/business")
}

// BenchmarkSignalBurst applies a burst of 10,000 court-judgment signals,
// each about a business of its own, as the BODACC import applies them:
// transactions of DefaultImportBatch notices, each storing the signals and
// court states and rescoring the businesses, with the level changes in
// the outbox. Each op is one burst (new SIRENs each time); signals/s is
// its throughput, s/burst its length.
func BenchmarkSignalBurst(b *testing.B) {
	const n = 10_000
	f := setup(b, testkit.NewSchemas(b, "difficulty_alert"))
	procedures := []signal.Procedure{signal.ProcedureSauvegarde, signal.ProcedureRedressementJudiciaire,
		signal.ProcedureLiquidationJudiciaire, signal.ProcedurePlan, signal.ProcedureCloture}
	var elapsed time.Duration
	bursts := 0
	for b.Loop() {
		batch := make([]app.NoticeToApply, n)
		for i := range batch {
			id := bursts*n + i
			on := f.now.AddDate(0, 0, -(id % 300))
			batch[i] = app.NoticeToApply{SignalID: newUUID(b), Notice: signal.Notice{Type: signal.NoticeInitial,
				Ref: fmt.Sprintf("2026%04d-%d", id/1000, id), SIREN: sirenOf(60_000_000 + id), Tribunal: "TRIBUNAL DE COMMERCE D'EVRY",
				Published: on, JudgmentOn: on, Procedure: procedures[id%len(procedures)]}}
		}
		rescore := f.rescore(b)
		start := time.Now()
		for i := 0; i < n; i += app.DefaultImportBatch {
			if _, err := f.store.ApplyNotices(f.ctx, batch[i:min(i+app.DefaultImportBatch, n)], rescore.Func()); err != nil {
				b.Fatal(err)
			}
		}
		elapsed += time.Since(start)
		bursts++
	}
	if got := f.count(b, `SELECT count(*) FROM businesses WHERE scored_at > '-infinity'`); got != n*bursts {
		b.Fatalf("%d businesses scored, want %d", got, n*bursts)
	}
	b.ReportMetric(elapsed.Seconds()/float64(bursts), "s/burst")
	b.ReportMetric(float64(n*bursts)/elapsed.Seconds(), "signals/s")
}

func newUUID(b testing.TB) string {
	b.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		b.Fatal(err)
	}
	return id.String()
}
