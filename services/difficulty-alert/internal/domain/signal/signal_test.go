package signal_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

func TestSIREN(t *testing.T) {
	for in, want := range map[string]string{"830 249 439": "830249439", "830249439": "830249439", "356000000": "356000000"} {
		if got, err := signal.NormalizeSIREN(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"830249437", "83024943", "8302494390", "83024943a", ""} {
		if _, err := signal.NormalizeSIREN(in); !errors.Is(err, signal.ErrSIREN) {
			t.Errorf("%q: %v, want ErrSIREN", in, err)
		}
	}
	if _, err := signal.NormalizeSIRET("732 829 320 00074"); err != nil {
		t.Errorf("valid SIRET: %v", err)
	}
	if _, err := signal.NormalizeSIRET("73282932000075"); !errors.Is(err, signal.ErrSIRET) {
		t.Errorf("bad SIRET key: %v", err)
	}
}

// TestSignalValidate: a whole signal passes; each missing or wrong part,
// and an establishment of another business, is refused.
func TestSignalValidate(t *testing.T) {
	on := time.Date(2026, 1, 13, 0, 0, 0, 0, time.UTC)
	ok := signal.Signal{Source: signal.SourcePartner, Kind: "social_debt", Theme: signal.ThemeSocialTaxDebts,
		SIREN: "732829320", SIRET: "73282932000074", On: on, Strength: 50, Expires: on.AddDate(1, 0, 0), Ref: "urssaf-1"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid signal: %v", err)
	}
	if ok.Business() != "732829320" {
		t.Errorf("an establishment's signal counts for %q", ok.Business())
	}
	for name, change := range map[string]func(*signal.Signal){
		"unknown source":         func(s *signal.Signal) { s.Source = "rumour" },
		"unknown theme":          func(s *signal.Signal) { s.Theme = "weather" },
		"no kind":                func(s *signal.Signal) { s.Kind = "" },
		"expiry before the date": func(s *signal.Signal) { s.Expires = on },
		"strength 0":             func(s *signal.Signal) { s.Strength = 0 },
		"strength 101":           func(s *signal.Signal) { s.Strength = 101 },
		"no reference":           func(s *signal.Signal) { s.Ref = "" },
		"bad SIREN":              func(s *signal.Signal) { s.SIREN, s.SIRET = "732829321", "" },
		"SIRET of another":       func(s *signal.Signal) { s.SIREN = "830249439" },
	} {
		s := ok
		change(&s)
		if err := s.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func record() signal.BodaccRecord {
	return signal.BodaccRecord{ID: "A202600201401", Family: "collective", Type: "annonce", Registre: []string{"830 249 439", "830249439"},
		Tribunal: "TRIBUNAL DE COMMERCE D'EVRY", Published: "2026-01-20", Parution: "20260020", Number: "1401",
		Jugement: `{"type":"initial","famille":"Jugement d'ouverture","nature":"Jugement d'ouverture d'une procédure de redressement judiciaire","date":"2026-01-13","complementJugement":"..."}`}
}

// TestReadNotice: an opening reads as its procedure, dated by its
// judgment, its signal a valid court event; the SIREN is the registre's.
func TestReadNotice(t *testing.T) {
	n, err := signal.ReadNotice(record())
	if err != nil {
		t.Fatal(err)
	}
	if n.Ref != "20260020-1401" || n.SIREN != "830249439" || n.Procedure != signal.ProcedureRedressementJudiciaire ||
		n.JudgmentOn.Format(time.DateOnly) != "2026-01-13" || n.Type != signal.NoticeInitial {
		t.Fatalf("notice %+v", n)
	}
	s := n.Signal()
	if err := s.Validate(); err != nil {
		t.Fatalf("signal %+v: %v", s, err)
	}
	if s.Theme != signal.ThemeCourtEvents || s.Source != signal.SourceBodacc || s.Ref != n.Ref {
		t.Errorf("signal %+v", s)
	}
	// The reference from the id alone, when parution and number are absent.
	r := record()
	r.Parution, r.Number = "", ""
	if n, err := signal.ReadNotice(r); err != nil || n.Ref != "20260020-1401" {
		t.Errorf("ref from id: %q %v", n.Ref, err)
	}
}

func TestProcedureOf(t *testing.T) {
	for nature, want := range map[string]signal.Procedure{
		"Jugement d'ouverture d'une procédure de redressement judiciaire":                        signal.ProcedureRedressementJudiciaire,
		"Jugement d'ouverture de liquidation judiciaire":                                         signal.ProcedureLiquidationJudiciaire,
		"Jugement d'ouverture d'une procédure de sauvegarde":                                     signal.ProcedureSauvegarde,
		"Jugement de clôture pour insuffisance d'actif":                                          signal.ProcedureCloture,
		"Jugement arrêtant le plan de redressement":                                              signal.ProcedurePlan,
		"Jugement prononçant la résolution du plan de redressement et la liquidation judiciaire": signal.ProcedureLiquidationJudiciaire,
		"Jugement de conversion en liquidation judiciaire":                                       signal.ProcedureLiquidationJudiciaire,
		"Jugement modifiant la date de cessation des paiements":                                  signal.ProcedureOther,
	} {
		if got := signal.ProcedureOf(nature); got != want {
			t.Errorf("%q: %s, want %s", nature, got, want)
		}
	}
}

// TestReadNoticeRejects: each bad record is rejected with its reason;
// another family is ignored, not rejected.
func TestReadNoticeRejects(t *testing.T) {
	tests := map[string]struct {
		change func(*signal.BodaccRecord)
		reason string
	}{
		"a SIREN failing Luhn":       {func(r *signal.BodaccRecord) { r.Registre = []string{"830 249 437"} }, signal.ReasonSIREN},
		"no SIREN":                   {func(r *signal.BodaccRecord) { r.Registre = nil }, signal.ReasonSIREN},
		"two businesses":             {func(r *signal.BodaccRecord) { r.Registre = []string{"830249439", "512345679"} }, signal.ReasonSIREN},
		"jugement not JSON":          {func(r *signal.BodaccRecord) { r.Jugement = `{"nature": "Jugement d'ouverture` }, signal.ReasonJugement},
		"no jugement":                {func(r *signal.BodaccRecord) { r.Jugement = "" }, signal.ReasonJugement},
		"bad judgment date":          {func(r *signal.BodaccRecord) { r.Jugement = `{"nature":"Jugement de clôture","date":"demain"}` }, signal.ReasonDate},
		"bad publication date":       {func(r *signal.BodaccRecord) { r.Published = "20/01/2026" }, signal.ReasonDate},
		"unknown type":               {func(r *signal.BodaccRecord) { r.Type = "erratum" }, signal.ReasonType},
		"no reference":               {func(r *signal.BodaccRecord) { r.ID, r.Parution, r.Number = "", "", "" }, signal.ReasonReference},
		"rectification, no previous": {func(r *signal.BodaccRecord) { r.Type = "rectificatif" }, signal.ReasonPrevious},
		"cancellation, bad previous": {func(r *signal.BodaccRecord) { r.Type, r.PreviousNotice = "annulation", `{"numeroParution":"2026"}` }, signal.ReasonPrevious},
	}
	for name, tt := range tests {
		r := record()
		tt.change(&r)
		_, err := signal.ReadNotice(r)
		var rj *signal.Rejection
		if !errors.As(err, &rj) || rj.Reason != tt.reason {
			t.Errorf("%s: %v, want a rejection for %s", name, err, tt.reason)
		}
	}
	r := record()
	r.Family = "radiation"
	if _, err := signal.ReadNotice(r); !errors.Is(err, signal.ErrNotCollective) {
		t.Errorf("another family: %v", err)
	}
}

// TestReadNoticeLinks: a rectification and a cancellation name the notice
// they concern; a cancellation needs no jugement.
func TestReadNoticeLinks(t *testing.T) {
	r := record()
	r.Type, r.ID, r.Parution, r.Number = "annulation", "A202600251011", "20260025", "1011"
	r.Jugement, r.PreviousNotice = "", `{"nomPublication":"BODACC A","numeroParution":"20260020","dateParution":"2026-01-20","numeroAnnonce":1401}`
	n, err := signal.ReadNotice(r)
	if err != nil || n.Previous != "20260020-1401" || n.Type != signal.NoticeCancellation || n.Ref != "20260025-1011" {
		t.Fatalf("%+v %v", n, err)
	}
}
