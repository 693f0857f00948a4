package signal_test

import (
	"testing"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// Every source and every kind the service writes has a French label, not
// its code.
func TestLabelsAreFrench(t *testing.T) {
	for _, s := range signal.Sources() {
		if s.Label() == string(s) || s.Label() == "" {
			t.Errorf("source %q has no label", s)
		}
	}
	kinds := []signal.Kind{signal.KindCourtJudgment, signal.KindSocialDebt, signal.KindTaxDebt, signal.KindPaymentIncident,
		signal.KindLateAccounts, signal.KindSelfDiagnosisNone, signal.KindSelfDiagnosisVigilance, signal.KindSelfDiagnosisCallBack,
		signal.KindCheckpointDifficulties, signal.KindAdvisorConcern}
	seen := map[string]bool{}
	for _, k := range kinds {
		l := k.Label()
		if l == string(k) || l == "" || seen[l] {
			t.Errorf("kind %q: label %q missing or shared", k, l)
		}
		seen[l] = true
	}
	if got := signal.Kind("later_kind").Label(); got != "later_kind" {
		t.Errorf("unknown kind label = %q, want its code", got)
	}
}
