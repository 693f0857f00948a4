package signal_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// TestPartnerKinds: each kind has its theme and scope, and is a valid
// signal once checked, with its strength and default expiry.
func TestPartnerKinds(t *testing.T) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		kind         signal.Kind
		theme        signal.Theme
		scope        string
		amount, year string
		expires      string
		strength     int
	}{
		{signal.KindSocialDebt, signal.ThemeSocialTaxDebts, signal.ScopeSocialTaxDebts, "1200", "", "2027-10-01", 50},
		{signal.KindTaxDebt, signal.ThemeSocialTaxDebts, signal.ScopeSocialTaxDebts, "0.01", "", "2027-10-01", 50},
		{signal.KindPaymentIncident, signal.ThemePayments, signal.ScopePayments, "99.9", "", "2027-10-01", 40},
		{signal.KindLateAccounts, signal.ThemeFinances, signal.ScopeAccounts, "", "2025-12-31", "2028-04-01", 30},
	} {
		pk, ok := signal.PartnerKindOf(tt.kind)
		if !ok || pk.Theme != tt.theme || pk.Scope != tt.scope || !slices.Contains(signal.PartnerScopes(), pk.Scope) {
			t.Errorf("%s: %+v", tt.kind, pk)
		}
		r := signal.PartnerReport{Reference: "R-1", Kind: string(tt.kind), SIREN: "732829320", OccurredOn: "2026-10-01",
			Amount: tt.amount, FiscalYearEnd: tt.year}
		s, ps := r.Check("client-1", today)
		if len(ps) > 0 {
			t.Errorf("%s: %+v", tt.kind, ps)
			continue
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: the checked signal is invalid: %v", tt.kind, err)
		}
		if s.Source != signal.SourcePartner || s.Theme != tt.theme || s.Strength != tt.strength || s.Ref != "client-1:R-1" ||
			s.Expires.Format(time.DateOnly) != tt.expires {
			t.Errorf("%s: %+v", tt.kind, s.Signal)
		}
	}
	if _, ok := signal.PartnerKindOf(signal.KindCourtJudgment); ok {
		t.Error("partners push court judgments")
	}
}

// TestPartnerReportCheck: each bad field is named with its code, all at
// once.
func TestPartnerReportCheck(t *testing.T) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	good := signal.PartnerReport{Reference: "URSSAF/2026:1", Kind: "social_debt", SIREN: "732829320", SIRET: "73282932000074",
		OccurredOn: "2026-11-26", Amount: "12500.50"}
	for name, tt := range map[string]struct {
		change func(*signal.PartnerReport)
		want   []string
	}{
		"nothing":          {func(r *signal.PartnerReport) { *r = signal.PartnerReport{} }, []string{"kind:required", "occurred_on:required", "reference:required", "siren:required"}},
		"bad reference":    {func(r *signal.PartnerReport) { r.Reference = "-x y" }, []string{"reference:format"}},
		"long reference":   {func(r *signal.PartnerReport) { r.Reference = string(make([]byte, 101)) }, []string{"reference:format"}},
		"unknown kind":     {func(r *signal.PartnerReport) { r.Kind = "court_judgment" }, []string{"kind:unknown"}},
		"SIREN format":     {func(r *signal.PartnerReport) { r.SIREN, r.SIRET = "732 829 320", "" }, []string{"siren:format"}},
		"SIREN key":        {func(r *signal.PartnerReport) { r.SIREN, r.SIRET = "732829321", "" }, []string{"siren:key"}},
		"SIRET format":     {func(r *signal.PartnerReport) { r.SIRET = "7328293200007" }, []string{"siret:format"}},
		"SIRET key":        {func(r *signal.PartnerReport) { r.SIRET = "73282932000075" }, []string{"siret:key"}},
		"SIRET elsewhere":  {func(r *signal.PartnerReport) { r.SIRET = "44306184100013" }, []string{"siret:other_siren"}},
		"date format":      {func(r *signal.PartnerReport) { r.OccurredOn = "26/11/2026" }, []string{"occurred_on:format"}},
		"future":           {func(r *signal.PartnerReport) { r.OccurredOn = "2026-11-27" }, []string{"occurred_on:future"}},
		"too old":          {func(r *signal.PartnerReport) { r.OccurredOn = "2021-11-25" }, []string{"occurred_on:too_old"}},
		"expiry before":    {func(r *signal.PartnerReport) { r.ExpiresOn = "2026-11-26" }, []string{"expires_on:before_fact"}},
		"expiry too far":   {func(r *signal.PartnerReport) { r.ExpiresOn = "2031-11-27" }, []string{"expires_on:too_far"}},
		"expiry format":    {func(r *signal.PartnerReport) { r.ExpiresOn = "demain" }, []string{"expires_on:format"}},
		"no amount":        {func(r *signal.PartnerReport) { r.Amount = "" }, []string{"amount:required"}},
		"three decimals":   {func(r *signal.PartnerReport) { r.Amount = "1.005" }, []string{"amount:invalid"}},
		"negative":         {func(r *signal.PartnerReport) { r.Amount = "-5" }, []string{"amount:invalid"}},
		"zero":             {func(r *signal.PartnerReport) { r.Amount = "0.00" }, []string{"amount:invalid"}},
		"exponent":         {func(r *signal.PartnerReport) { r.Amount = "1e3" }, []string{"amount:invalid"}},
		"a billion and 1":  {func(r *signal.PartnerReport) { r.Amount = "1000000000.01" }, []string{"amount:invalid"}},
		"a fiscal year":    {func(r *signal.PartnerReport) { r.FiscalYearEnd = "2025-12-31" }, []string{"fiscal_year_end:not_allowed"}},
		"accounts, amount": {func(r *signal.PartnerReport) { r.Kind = "late_accounts" }, []string{"amount:not_allowed", "fiscal_year_end:required"}},
		"accounts, year after": {func(r *signal.PartnerReport) { r.Kind, r.Amount, r.FiscalYearEnd = "late_accounts", "", "2026-11-26" },
			[]string{"fiscal_year_end:after_fact"}},
	} {
		r := good
		tt.change(&r)
		_, ps := r.Check("c", today)
		var got []string
		for _, p := range ps {
			if p.Message == "" {
				t.Errorf("%s: %s without a message", name, p.Field)
			}
			got = append(got, p.Field+":"+p.Code)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", name, got, tt.want)
		}
	}
	s, ps := good.Check("c", today)
	if len(ps) > 0 || s.AmountCents != 1250050 || s.SIRET != "73282932000074" {
		t.Errorf("the good report: %+v %+v", s, ps)
	}
}
