package creation_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

var journeyStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// atStage is a case taken in charge and standing at stage, with facts.
func atStage(stage creation.Stage, f creation.Facts) *creation.Case {
	return &creation.Case{ID: "0195a1b2-4000-7111-8222-333344445555", RequestID: "0195a1b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b",
		Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-91-0007", Stage: stage, Facts: f}
}

// complete are facts meeting every stage's exit criteria.
func complete() creation.Facts {
	yes := true
	reviewed := creation.PlanPart{Done: true, Reviewed: true}
	return creation.Facts{
		Welcome:      creation.Welcome{Kind: creation.MeetingIndividual, At: journeyStart},
		Diagnosis:    creation.Diagnosis{ChamberConfirmed: true, Regulated: &yes, Qualification: "CAP pâtissier", QualificationHeld: true},
		Training:     creation.Training{Course: "Stage de préparation à l'installation", Hours: 30, Attestation: true},
		BusinessPlan: creation.BusinessPlan{Market: reviewed, FundingPlan: reviewed, ForecastPL: reviewed, CashPlan: reviewed},
		Funding:      []creation.FundingRequest{{Partner: "Initiative Essonne", Asked: 8000, Decision: creation.FundingGranted, Granted: 8000}},
		Registration: creation.Registration{SIREN: "732829320", Date: journeyStart, LegalForm: "SARL"},
	}
}

func move(to creation.Stage, reason, comment string) creation.Move {
	return creation.Move{To: to, Reason: reason, Comment: comment, AdvisorID: "cma-91-0007", At: journeyStart.Add(time.Hour)}
}

func fieldsOf(err error) []string {
	var inv *creation.InvalidInput
	if !errors.As(err, &inv) {
		return nil
	}
	var out []string
	for _, f := range inv.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func TestForwardNeedsTheExitCriteriaOfEachStage(t *testing.T) {
	stages := creation.Journey()
	for i, from := range stages[:len(stages)-2] { // formalities -> follow-up is Register's
		to := stages[i+1]
		t.Run(string(from), func(t *testing.T) {
			c := atStage(from, creation.Facts{})
			_, _, err := c.MoveTo(move(to, "", ""))
			var unmet *creation.UnmetCriteria
			if !errors.As(err, &unmet) || !errors.Is(err, creation.ErrExitCriteria) || len(unmet.Missing) == 0 {
				t.Fatalf("moved from %s without its criteria: %v", from, err)
			}
			if c.Stage != from {
				t.Fatalf("a refused move changed the stage to %s", c.Stage)
			}
			c.Facts = complete()
			ch, ev, err := c.MoveTo(move(to, "", ""))
			if err != nil {
				t.Fatalf("move with the criteria met: %v", err)
			}
			if c.Stage != to || ch.From != from || ch.To != to || ev.From != string(from) || ev.To != string(to) ||
				ev.AdvisorID != "cma-91-0007" || ev.Reason != "" || ev.CaseID != c.ID || ev.Chamber != "CMA" {
				t.Fatalf("case at %s, change %+v, event %+v", c.Stage, ch, ev)
			}
			if err := ev.Validate(); err != nil {
				t.Fatalf("emitted an invalid event: %v", err)
			}
		})
	}
}

func TestDiagnosisOfARegulatedActivityNeedsTheQualification(t *testing.T) {
	yes, no := true, false
	f := complete()
	f.Diagnosis = creation.Diagnosis{ChamberConfirmed: true, Regulated: &yes}
	err := f.ExitCriteria(creation.StageDiagnosis)
	var unmet *creation.UnmetCriteria
	if !errors.As(err, &unmet) || len(unmet.Missing) != 1 || unmet.Missing[0] != "la qualification exigée par l'activité réglementée" {
		t.Fatalf("regulated without qualification: %v", err)
	}
	f.Diagnosis.Regulated = &no
	if err := f.ExitCriteria(creation.StageDiagnosis); err != nil {
		t.Fatalf("an unregulated activity needs no qualification: %v", err)
	}
	f.Diagnosis.Regulated = nil
	if err := f.ExitCriteria(creation.StageDiagnosis); err == nil {
		t.Fatal("an activity not assessed passed the diagnosis")
	}
}

func TestFundingWaitsForEveryDecision(t *testing.T) {
	f := complete()
	f.Funding = append(f.Funding, creation.FundingRequest{Partner: "Adie", Asked: 5000, Decision: creation.FundingPending})
	if err := f.ExitCriteria(creation.StageFunding); !errors.Is(err, creation.ErrExitCriteria) {
		t.Fatalf("a pending request let the case leave funding: %v", err)
	}
	f.Funding[1].Decision = creation.FundingRefused
	if err := f.ExitCriteria(creation.StageFunding); err != nil {
		t.Fatalf("every request decided: %v", err)
	}
}

func TestSkippingNeedsAReason(t *testing.T) {
	c := atStage(creation.StageDiagnosis, complete())
	if _, _, err := c.MoveTo(move(creation.StageBusinessPlan, "", "")); !slices.Equal(fieldsOf(err), []string{"reason:required"}) {
		t.Fatalf("skipped the training without a reason: %v", err)
	}
	if _, _, err := c.MoveTo(move(creation.StageBusinessPlan, creation.ReasonNewInformation, "")); !slices.Equal(fieldsOf(err), []string{"reason:invalid"}) {
		t.Fatalf("skipped with a back reason: %v", err)
	}
	if _, _, err := c.MoveTo(move(creation.StageBusinessPlan, creation.ReasonOtherTransition, "")); !slices.Equal(fieldsOf(err), []string{"comment:required"}) {
		t.Fatalf("skipped with 'other' and no words: %v", err)
	}
	c.Facts = creation.Facts{} // a skip waives the criteria of the stages it passes
	_, ev, err := c.MoveTo(move(creation.StageBusinessPlan, creation.ReasonHolderChoice, "Ne souhaite pas suivre le stage."))
	if err != nil || c.Stage != creation.StageBusinessPlan || ev.Reason != creation.ReasonHolderChoice {
		t.Fatalf("skip with a reason: %v, stage %s, event %+v", err, c.Stage, ev)
	}
}

func TestSteppingBackNeedsAReason(t *testing.T) {
	c := atStage(creation.StageFunding, complete())
	if _, _, err := c.MoveTo(move(creation.StageBusinessPlan, "", "")); !slices.Equal(fieldsOf(err), []string{"reason:required"}) {
		t.Fatalf("stepped back without a reason: %v", err)
	}
	if _, _, err := c.MoveTo(move(creation.StageBusinessPlan, creation.ReasonHolderChoice, "")); !slices.Equal(fieldsOf(err), []string{"reason:invalid"}) {
		t.Fatalf("stepped back with a skip reason: %v", err)
	}
	ch, ev, err := c.MoveTo(move(creation.StageWelcome, creation.ReasonNewInformation, "Changement d'activité."))
	if err != nil || c.Stage != creation.StageWelcome || ev.From != "funding" || ev.To != "welcome" || ch.Comment != "Changement d'activité." {
		t.Fatalf("step back: %v, stage %s, event %+v, change %+v", err, c.Stage, ev, ch)
	}
}

func TestAForwardMoveTakesNoReason(t *testing.T) {
	c := atStage(creation.StageWelcome, complete())
	if _, _, err := c.MoveTo(move(creation.StageDiagnosis, creation.ReasonNotNeeded, "")); !slices.Equal(fieldsOf(err), []string{"reason:unexpected"}) {
		t.Fatalf("a forward move took a reason: %v", err)
	}
}

func TestMovesOutsideTheJourneyAreRefused(t *testing.T) {
	for _, tc := range []struct {
		stage creation.Stage
		to    creation.Stage
		want  error
	}{
		{creation.StageOpened, creation.StageDiagnosis, creation.ErrNotTakenInCharge},
		{creation.StageClosed, creation.StageWelcome, creation.ErrClosed},
		{creation.StageDiagnosis, creation.StageDiagnosis, creation.ErrSameStage},
	} {
		c := atStage(tc.stage, complete())
		if _, _, err := c.MoveTo(move(tc.to, "", "")); !errors.Is(err, tc.want) {
			t.Errorf("%s -> %s: %v, want %v", tc.stage, tc.to, err, tc.want)
		}
	}
	c := atStage(creation.StageFormalities, complete())
	if _, _, err := c.MoveTo(move(creation.StageFollowUp, "", "")); !slices.Equal(fieldsOf(err), []string{"to:invalid"}) {
		t.Fatalf("follow-up reached by a move instead of the registration: %v", err)
	}
	if _, _, err := c.MoveTo(move("launch", "", "")); !slices.Equal(fieldsOf(err), []string{"to:invalid"}) {
		t.Fatalf("an unknown stage: %v", err)
	}
}

func TestACaseTakenInChargeBeforeTheJourneyStartsAtWelcome(t *testing.T) {
	c := atStage(creation.StageInProgress, complete())
	_, ev, err := c.MoveTo(move(creation.StageDiagnosis, "", ""))
	if err != nil || ev.From != "welcome" {
		t.Fatalf("in_progress case: %v, event %+v", err, ev)
	}
}

func TestStagesReadInFrench(t *testing.T) {
	if got := creation.StageBusinessPlan.Label(); got != "Business plan" {
		t.Errorf("label %q", got)
	}
	if got := creation.StageFollowUp.Label(); got != "Suivi post-création" {
		t.Errorf("label %q", got)
	}
	for _, s := range creation.Journey() {
		if s.Label() == string(s) {
			t.Errorf("stage %s has no French label", s)
		}
	}
}
