package prevention

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

var now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func reported(lead, secondary string) events.DifficultyReported {
	return events.DifficultyReported{
		RequestID: "0190b0a4-0000-7000-8000-000000000001", NAFCode: "56.10A", NAFVersion: "NAFRev2", Departement: "91",
		Kinds: []string{"cash_flow", "unpaid_tax_debts"}, QuestionnaireVersion: "q-2026-1", Score: 62, Level: events.DifficultyCallBack,
		Routing: events.Routing{LeadChamber: lead, SecondaryChamber: secondary, RuleID: "artisanal-partly", Reason: "Activité en partie artisanale",
			RulesVersion: "2026-11", OutOfTerritory: true, EPCI: "200056232"},
		ReportedAt: now.Add(-time.Minute).In(time.FixedZone("CET", 3600)),
	}
}

func TestReportFromAndOpen(t *testing.T) {
	p := reported("CMA", "CCI")
	r, err := ReportFrom(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Chambers(), []string{"CMA", "CCI"}) {
		t.Fatalf("chambers = %v", r.Chambers())
	}
	p.Kinds[0] = "changed" // the report owns its copy
	c, ev := Open(r, "case-1", []string{"cma-a", "cci-b"}, now.In(time.FixedZone("CET", 3600)))
	want := Case{
		ID: "case-1", Source: SourceSelfReport, RequestID: p.RequestID, Chamber: "CMA", SecondaryChamber: "CCI", AdvisorIDs: []string{"cma-a", "cci-b"},
		Status: StatusOpened, Level: "call_back", Score: 62, Kinds: []string{"cash_flow", "unpaid_tax_debts"},
		QuestionnaireVersion: "q-2026-1", NAFCode: "56.10A", NAFVersion: "NAFRev2", Departement: "91",
		Routing: Routing{LeadChamber: "CMA", SecondaryChamber: "CCI", RuleID: "artisanal-partly", Reason: "Activité en partie artisanale",
			RulesVersion: "2026-11", OutOfTerritory: true, EPCI: "200056232"},
		ReportedAt: now.Add(-time.Minute), OpenedAt: now,
	}
	if c.OpenedAt.Location() != time.UTC || c.ReportedAt.Location() != time.UTC {
		t.Errorf("times not in UTC: %v, %v", c.OpenedAt, c.ReportedAt)
	}
	if !equalCase(c, want) {
		t.Fatalf("case = %+v\nwant   %+v", c, want)
	}
	wantEv := events.DifficultyCaseOpened{CaseID: "case-1", RequestID: p.RequestID, Chamber: "CMA", SecondaryChamber: "CCI",
		AdvisorIDs: []string{"cma-a", "cci-b"}, Level: "call_back", Departement: "91", OpenedAt: now}
	if ev.CaseID != wantEv.CaseID || ev.RequestID != wantEv.RequestID || ev.Chamber != wantEv.Chamber ||
		ev.SecondaryChamber != wantEv.SecondaryChamber || !slices.Equal(ev.AdvisorIDs, wantEv.AdvisorIDs) ||
		ev.Level != wantEv.Level || ev.Source != "self_report" || ev.Departement != wantEv.Departement || !ev.OpenedAt.Equal(wantEv.OpenedAt) {
		t.Fatalf("event = %+v\nwant    %+v", ev, wantEv)
	}

	single, _ := ReportFrom(reported("CCI", ""))
	if c, _ := Open(single, "case-2", nil, now); c.SecondaryChamber != "" || !slices.Equal(c.Chambers(), []string{"CCI"}) || len(c.AdvisorIDs) != 0 {
		t.Fatalf("single-chamber case = %+v", c)
	}

	if _, err := ReportFrom(reported("", "")); !errors.Is(err, ErrNoChamber) {
		t.Fatalf("report routed nowhere: err = %v, want ErrNoChamber", err)
	}
}

// TestObservationOpensACallBack: the difficulties a creation advisor saw
// at a checkpoint open a case of source advisor_observation for the
// creation case's chambers, at level call_back, linked to the creation
// case and its checkpoint, with no score, kinds nor questionnaire; the
// event says where it comes from.
func TestObservationOpensACallBack(t *testing.T) {
	seen := events.CreationCaseDifficultySeen{CaseID: "0195a1b2-4000-7111-8222-333344445555",
		RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-91-0007",
		NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91", EPCI: "200056232", CheckpointIndex: 1, CheckpointLabel: "1 an",
		SeenAt: now.Add(-time.Minute).In(time.FixedZone("CEST", 7200))}
	r := ObservationFrom(seen)
	if !slices.Equal(r.Chambers(), []string{"CMA", "CCI"}) {
		t.Fatalf("chambers = %v", r.Chambers())
	}
	c, ev := Open(r, "0195a1d1-2000-7aaa-8bbb-000000000002", []string{"cma-a"}, now)
	want := Case{
		ID: "0195a1d1-2000-7aaa-8bbb-000000000002", Source: SourceAdvisorObservation, RequestID: seen.RequestID, Chamber: "CMA", SecondaryChamber: "CCI",
		AdvisorIDs: []string{"cma-a"}, Status: StatusOpened, Level: events.DifficultyCallBack, NAFCode: "10.71C", NAFVersion: "NAFRev2",
		Departement: "91", Routing: Routing{LeadChamber: "CMA", SecondaryChamber: "CCI", EPCI: "200056232"},
		CreationCaseID: seen.CaseID, Checkpoint: "1 an", ReportedAt: now.Add(-time.Minute), OpenedAt: now,
	}
	if !equalCase(c, want) || c.ReportedAt.Location() != time.UTC {
		t.Fatalf("case = %+v\nwant   %+v", c, want)
	}
	if c.SelfReport() || c.Score != 0 || len(c.Kinds) != 0 || c.QuestionnaireVersion != "" {
		t.Fatalf("an observation has self-report facts: %+v", c)
	}
	if ev.Source != "advisor_observation" || ev.ObservedIn != events.ObservedInCreationCase || ev.Level != "call_back" ||
		ev.Chamber != "CMA" || ev.SecondaryChamber != "CCI" || ev.RequestID != seen.RequestID || ev.Validate() != nil {
		t.Fatalf("event = %+v", ev)
	}
	// Nobody is eligible beyond the département and EPCI of the creation
	// case, as for a report.
	other := Candidate{Advisor: Advisor{AdvisorID: "cma-x", Chamber: "CMA", Departements: []string{"91"}, EPCIs: []string{"249100157"},
		Roles: []string{"prevention_cell"}, Capacity: 10, Active: true}}
	if Eligible(other, r, "CMA", now) {
		t.Fatal("an advisor narrowed to other EPCIs is eligible for the observation")
	}
}

// TestConcernOpensACallBack: the concern a takeover advisor raised about
// a business for sale opens a case of source advisor_observation for the
// offer's chambers, at level call_back, linked to the offer (not to a
// creation case), its kinds the concerns' codes, with no score nor
// questionnaire; its origin reads as a takeover advisor's, and the event
// says advisor_observation made in a takeover offer.
func TestConcernOpensACallBack(t *testing.T) {
	seen := events.TakeoverOfferDifficultySeen{OfferID: "0195a1d0-1000-7aaa-8bbb-000000000001", ConcernID: "0195a1d0-1007-7b01-8c02-0d03e04f0712",
		RequestID: "0195a1c2-1000-7aaa-8bbb-000000000001", Chamber: "CCI", SecondaryChamber: "CMA", AdvisorID: "cci-91-0008",
		NAFCode: "10.71C", Departement: "91", EPCI: "200057859", Concerns: []string{events.ConcernCashFlow, events.ConcernSupplierDelays},
		SeenAt: now.Add(-time.Hour).In(time.FixedZone("CEST", 7200))}
	r := ConcernFrom(seen)
	if !slices.Equal(r.Chambers(), []string{"CCI", "CMA"}) {
		t.Fatalf("chambers = %v", r.Chambers())
	}
	c, ev := Open(r, "0195a1d1-2000-7aaa-8bbb-000000000003", []string{"cci-a", "cma-a"}, now)
	want := Case{
		ID: "0195a1d1-2000-7aaa-8bbb-000000000003", Source: SourceAdvisorObservation, RequestID: seen.RequestID, Chamber: "CCI",
		SecondaryChamber: "CMA", AdvisorIDs: []string{"cci-a", "cma-a"}, Status: StatusOpened, Level: events.DifficultyCallBack,
		Kinds: []string{"cash_flow", "supplier_delays"}, NAFCode: "10.71C", Departement: "91",
		Routing:         Routing{LeadChamber: "CCI", SecondaryChamber: "CMA", EPCI: "200057859"},
		TakeoverOfferID: seen.OfferID, ReportedAt: now.Add(-time.Hour), OpenedAt: now,
	}
	if !equalCase(c, want) || c.ReportedAt.Location() != time.UTC {
		t.Fatalf("case = %+v\nwant   %+v", c, want)
	}
	seen.Concerns[0] = events.ConcernOwnerWellbeing
	if c.Kinds[0] != "cash_flow" {
		t.Fatal("the case shares the event's concerns")
	}
	if c.SelfReport() || !c.FromTakeover() || c.Score != 0 || c.QuestionnaireVersion != "" || c.CreationCaseID != "" || c.Checkpoint != "" {
		t.Fatalf("a concern has other sources' facts: %+v", c)
	}
	if ev.Source != "advisor_observation" || ev.ObservedIn != events.ObservedInTakeoverOffer || ev.Level != "call_back" ||
		ev.Chamber != "CCI" || ev.SecondaryChamber != "CMA" || ev.RequestID != seen.RequestID || ev.Validate() != nil {
		t.Fatalf("event = %+v", ev)
	}
}

// TestCreationConcernOpensACallBack: the concern a creation advisor
// raised between two checkpoints opens a case of source
// advisor_observation for the creation case's chambers, at level
// call_back, linked to the creation case at no checkpoint, its kinds the
// concerns' codes (not shared with the event), with no score nor
// questionnaire; its origin reads as a creation advisor's concern, and
// the event says advisor_observation made in a creation case.
func TestCreationConcernOpensACallBack(t *testing.T) {
	raised := events.CreationCaseConcernRaised{CaseID: "0195a1b2-4000-7111-8222-333344445555", ConcernID: "0195a1b2-4003-7c01-8d02-0e0301415274",
		RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b", Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-91-0007",
		NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91", EPCI: "200056232",
		Concerns: []string{events.ConcernActivityDrop, events.ConcernOwnerWellbeing}, RaisedAt: now.Add(-time.Hour).In(time.FixedZone("CET", 3600))}
	r := CreationConcernFrom(raised)
	if !slices.Equal(r.Chambers(), []string{"CMA", "CCI"}) {
		t.Fatalf("chambers = %v", r.Chambers())
	}
	c, ev := Open(r, "0195a1d1-2000-7aaa-8bbb-000000000004", []string{"cma-a", "cci-a"}, now)
	want := Case{
		ID: "0195a1d1-2000-7aaa-8bbb-000000000004", Source: SourceAdvisorObservation, RequestID: raised.RequestID, Chamber: "CMA",
		SecondaryChamber: "CCI", AdvisorIDs: []string{"cma-a", "cci-a"}, Status: StatusOpened, Level: events.DifficultyCallBack,
		Kinds: []string{"activity_drop", "owner_wellbeing"}, NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91",
		Routing:        Routing{LeadChamber: "CMA", SecondaryChamber: "CCI", EPCI: "200056232"},
		CreationCaseID: raised.CaseID, ReportedAt: now.Add(-time.Hour), OpenedAt: now,
	}
	if !equalCase(c, want) || c.ReportedAt.Location() != time.UTC {
		t.Fatalf("case = %+v\nwant   %+v", c, want)
	}
	raised.Concerns[0] = events.ConcernCashFlow
	if c.Kinds[0] != "activity_drop" {
		t.Fatal("the case shares the event's concerns")
	}
	if c.SelfReport() || c.FromTakeover() || !c.FromCreationConcern() || !c.FromConcern() || c.Score != 0 || c.QuestionnaireVersion != "" {
		t.Fatalf("a creation concern has other sources' facts: %+v", c)
	}
	if ev.Source != "advisor_observation" || ev.ObservedIn != events.ObservedInCreationCase || ev.Level != "call_back" ||
		ev.Chamber != "CMA" || ev.SecondaryChamber != "CCI" || ev.RequestID != raised.RequestID || ev.Validate() != nil {
		t.Fatalf("event = %+v", ev)
	}
}

// TestConcernsAreToldApart: a concern is a takeover advisor's or a
// creation advisor's between two checkpoints, never a checkpoint's
// observation, a self report nor a case of the score.
func TestConcernsAreToldApart(t *testing.T) {
	for _, tt := range []struct {
		c                   Case
		creation, anyOfBoth bool
	}{
		{Case{Source: SourceAdvisorObservation, CreationCaseID: "c", Kinds: []string{"cash_flow"}}, true, true},
		{Case{Source: SourceAdvisorObservation, TakeoverOfferID: "o", Kinds: []string{"cash_flow"}}, false, true},
		{Case{Source: SourceAdvisorObservation, CreationCaseID: "c", Checkpoint: "1 an"}, false, false},
		{Case{Source: SourceSelfReport, Kinds: []string{"cash_flow"}}, false, false},
		{Case{Source: SourceScore, SIREN: "732829320"}, false, false},
	} {
		if tt.c.FromCreationConcern() != tt.creation || tt.c.FromConcern() != tt.anyOfBoth {
			t.Errorf("%+v: creation concern %v, concern %v; want %v, %v", tt.c, tt.c.FromCreationConcern(), tt.c.FromConcern(),
				tt.creation, tt.anyOfBoth)
		}
	}
}

// TestSourceLabelTellsTheAdvisorsApart: a case says where it comes from,
// a takeover advisor's concern and a creation advisor's concern between
// two checkpoints apart from a creation advisor's observation at a
// checkpoint though all are advisor_observation.
func TestSourceLabelTellsTheAdvisorsApart(t *testing.T) {
	for _, tt := range []struct {
		c    Case
		want string
	}{
		{Case{Source: SourceSelfReport}, "Autodiagnostic de l'entreprise"},
		{Case{Source: SourceAdvisorObservation, CreationCaseID: "c", Checkpoint: "1 an"}, "Signalé par le conseiller création lors du suivi post-création"},
		{Case{Source: SourceAdvisorObservation, TakeoverOfferID: "o"}, "Signalé par le conseiller transmission-reprise"},
		{Case{Source: SourceAdvisorObservation, CreationCaseID: "c", Kinds: []string{"cash_flow"}},
			"Signalé par le conseiller création entre deux points de suivi post-création"},
		{Case{Source: SourceScore, SIREN: "732829320"}, "Niveau de risque de l'entreprise"},
	} {
		if got := tt.c.SourceLabel(); got != tt.want {
			t.Errorf("%s case (offer %q): %q, want %q", tt.c.Source, tt.c.TakeoverOfferID, got, tt.want)
		}
	}
}

func equalCase(a, b Case) bool {
	return a.ID == b.ID && a.Source == b.Source && a.CreationCaseID == b.CreationCaseID && a.Checkpoint == b.Checkpoint &&
		a.TakeoverOfferID == b.TakeoverOfferID && a.RequestID == b.RequestID && a.Chamber == b.Chamber && a.SecondaryChamber == b.SecondaryChamber &&
		slices.Equal(a.AdvisorIDs, b.AdvisorIDs) && a.Status == b.Status && a.Level == b.Level && a.Score == b.Score &&
		slices.Equal(a.Kinds, b.Kinds) && a.QuestionnaireVersion == b.QuestionnaireVersion && a.NAFCode == b.NAFCode &&
		a.NAFVersion == b.NAFVersion && a.Departement == b.Departement && a.Routing == b.Routing &&
		a.ReportedAt.Equal(b.ReportedAt) && a.OpenedAt.Equal(b.OpenedAt)
}

func TestEligible(t *testing.T) {
	base := Advisor{AdvisorID: "cma-1", Chamber: "CMA", Departements: []string{"91"}, Roles: []string{"advisor", "prevention_cell"},
		Capacity: 10, Active: true}
	r, _ := ReportFrom(reported("CMA", "CCI")) // EPCI 200056232, département 91
	future, past := now.Add(time.Hour), now.Add(-time.Hour)
	tests := []struct {
		name    string
		change  func(*Advisor)
		chamber string
		want    bool
	}{
		{"prevention cell member of the chamber", func(*Advisor) {}, "CMA", true},
		{"difficulty speciality without the role", func(a *Advisor) { a.Roles = []string{"advisor"}; a.Specialities = []string{"difficulty"} }, "CMA", true},
		{"neither the role nor the speciality", func(a *Advisor) { a.Roles = []string{"advisor", "manager"}; a.Specialities = []string{"creation"} }, "CMA", false},
		{"other chamber", func(*Advisor) {}, "CCI", false},
		{"inactive", func(a *Advisor) { a.Active = false }, "CMA", false},
		{"absent until later", func(a *Advisor) { a.AbsentUntil = &future }, "CMA", false},
		{"absence over", func(a *Advisor) { a.AbsentUntil = &past }, "CMA", true},
		{"absence ends now", func(a *Advisor) { a.AbsentUntil = &now }, "CMA", true},
		{"other département", func(a *Advisor) { a.Departements = []string{"75", "92"} }, "CMA", false},
		{"several départements", func(a *Advisor) { a.Departements = []string{"75", "91"} }, "CMA", true},
		{"EPCI of the report", func(a *Advisor) { a.EPCIs = []string{"200056232"} }, "CMA", true},
		{"other EPCIs only", func(a *Advisor) { a.EPCIs = []string{"249100157"} }, "CMA", false},
		{"other EPCIs, but communes too", func(a *Advisor) { a.EPCIs = []string{"249100157"}; a.Communes = []string{"91228"} }, "CMA", true},
		{"communes only", func(a *Advisor) { a.Communes = []string{"91001"} }, "CMA", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base
			tt.change(&a)
			if got := Eligible(Candidate{Advisor: a}, r, tt.chamber, now); got != tt.want {
				t.Fatalf("Eligible = %v, want %v", got, tt.want)
			}
		})
	}
	noEPCI := r
	noEPCI.Routing.EPCI = ""
	other := base
	other.EPCIs = []string{"249100157"}
	if !Eligible(Candidate{Advisor: other}, noEPCI, "CMA", now) {
		t.Error("a report without an EPCI is not covered by an advisor of its département narrowed to EPCIs")
	}
}

func TestAssign(t *testing.T) {
	cell := func(id, chamber string, open int) Candidate {
		return Candidate{Advisor: Advisor{AdvisorID: id, Chamber: chamber, Departements: []string{"91"},
			Roles: []string{"prevention_cell"}, Capacity: 10, Active: true}, OpenCases: open}
	}
	creationOnly := Candidate{Advisor: Advisor{AdvisorID: "cma-0", Chamber: "CMA", Departements: []string{"91"},
		Specialities: []string{"creation"}, Capacity: 10, Active: true}}
	pool := []Candidate{cell("cma-2", "CMA", 4), cell("cma-1", "CMA", 1), cell("cci-1", "CCI", 0), creationOnly}
	both, _ := ReportFrom(reported("CMA", "CCI"))
	cciLead, _ := ReportFrom(reported("CCI", "CMA"))
	cmaOnly, _ := ReportFrom(reported("CMA", ""))
	tests := []struct {
		name       string
		r          Report
		candidates []Candidate
		want       []string
	}{
		{"both chambers, lead first", both, pool, []string{"cma-1", "cci-1"}},
		{"lead is the CCI", cciLead, pool, []string{"cci-1", "cma-1"}},
		{"one chamber", cmaOnly, pool, []string{"cma-1"}},
		{"secondary chamber has nobody", both, pool[:2], []string{"cma-1"}},
		{"lead chamber has nobody: the secondary's advisor only", both, []Candidate{cell("cci-1", "CCI", 0), creationOnly}, []string{"cci-1"}},
		{"nobody at all", both, []Candidate{creationOnly}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Assign(tt.r, tt.candidates, now); !slices.Equal(got, tt.want) {
				t.Fatalf("Assign = %v, want %v", got, tt.want)
			}
		})
	}
}
