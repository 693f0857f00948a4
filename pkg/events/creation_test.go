package events_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// TestDifficultySeenValidate: the invariants difficulty-alert relies on to
// open a prevention case are checked, each failure naming its field.
func TestDifficultySeenValidate(t *testing.T) {
	t.Parallel()
	valid := func() events.CreationCaseDifficultySeen {
		return events.CreationCaseDifficultySeen{CaseID: "0195a1b2-4000-7111-8222-333344445555",
			RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", Chamber: events.ChamberCMA, SecondaryChamber: events.ChamberCCI,
			AdvisorID: "cma-91-0007", NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91",
			CheckpointIndex: 0, CheckpointLabel: "6 mois", SeenAt: time.Date(2026, 6, 3, 14, 0, 0, 0, time.UTC)}
	}
	if p := valid(); p.Validate() != nil {
		t.Fatalf("valid event refused: %v", p.Validate())
	}
	minimal := valid()
	minimal.SecondaryChamber, minimal.NAFCode, minimal.NAFVersion = "", "", ""
	if err := minimal.Validate(); err != nil {
		t.Fatalf("an event without the optional fields refused: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(*events.CreationCaseDifficultySeen)
		want   string
	}{
		{"case id", func(p *events.CreationCaseDifficultySeen) { p.CaseID = "x" }, "case_id"},
		{"request id", func(p *events.CreationCaseDifficultySeen) { p.RequestID = "" }, "request_id"},
		{"chamber", func(p *events.CreationCaseDifficultySeen) { p.Chamber = "CCAS" }, "chamber"},
		{"secondary chamber the same", func(p *events.CreationCaseDifficultySeen) { p.SecondaryChamber = events.ChamberCMA }, "secondary_chamber"},
		{"secondary chamber unknown", func(p *events.CreationCaseDifficultySeen) { p.SecondaryChamber = "CCAS" }, "secondary_chamber"},
		{"advisor", func(p *events.CreationCaseDifficultySeen) { p.AdvisorID = "" }, "advisor_id"},
		{"département", func(p *events.CreationCaseDifficultySeen) { p.Departement = "" }, "departement"},
		{"checkpoint label", func(p *events.CreationCaseDifficultySeen) { p.CheckpointLabel = "" }, "checkpoint_label"},
		{"checkpoint index", func(p *events.CreationCaseDifficultySeen) { p.CheckpointIndex = -1 }, "checkpoint_index"},
		{"NAF version alone", func(p *events.CreationCaseDifficultySeen) { p.NAFCode = "" }, "naf_version"},
		{"time", func(p *events.CreationCaseDifficultySeen) { p.SeenAt = time.Time{} }, "seen_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := valid()
			tc.change(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestDifficultyCaseOpenedSource: the source is optional (events from
// before it say nothing), and when present one of the two codes.
func TestDifficultyCaseOpenedSource(t *testing.T) {
	t.Parallel()
	p := events.DifficultyCaseOpened{CaseID: "0195a1d1-2000-7aaa-8bbb-000000000002", RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
		Chamber: events.ChamberCMA, Level: events.DifficultyCallBack, Departement: "91"}
	for _, source := range []string{"", events.DifficultySourceSelfReport, events.DifficultySourceAdvisorObservation} {
		p.Source = source
		if err := p.Validate(); err != nil {
			t.Errorf("source %q refused: %v", source, err)
		}
	}
	p.Source = "rumour"
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "source") {
		t.Fatalf("source %q: Validate = %v", p.Source, err)
	}
}
