package takeover_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

var (
	introNow = time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	// The offer is the CMA's, the search the CCI's.
	introMatch = takeover.Match{ID: "m", OfferID: "o", SearchID: "s", OfferChamber: "CMA", SearchChamber: "CCI",
		OfferAdvisorID: "cma-1", SearchAdvisorID: "cci-1"}
	seller      = auth.Principal{Subject: "cma-1", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}
	buyer       = auth.Principal{Subject: "cci-1", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}
	sellerBoss  = auth.Principal{Subject: "cma-9", Chamber: "CMA", Roles: []auth.Role{auth.RoleManager}}
	undertaking = takeover.Action{Step: takeover.StepAcceptUndertaking,
		Undertaking: takeover.Undertaking{Version: "2026-01", AcceptedOn: introNow.Add(-24 * time.Hour)}}
)

// step is one step of a walk through the lifecycle: who takes it and the
// stage it leads to.
type step struct {
	by     auth.Principal
	action takeover.Action
	to     string
}

// fullWalk is the introduction from proposed to concluded.
var fullWalk = []step{
	{seller, takeover.Action{Step: takeover.StepReview}, takeover.StageProposed},
	{buyer, takeover.Action{Step: takeover.StepReview}, takeover.StageReviewed},
	{buyer, takeover.Action{Step: takeover.StepInterest}, takeover.StageInterested},
	{seller, takeover.Action{Step: takeover.StepApproveIntroduction}, takeover.StageInterested},
	{buyer, undertaking, takeover.StageIntroduced},
	{seller, takeover.Action{Step: takeover.StepNegotiate}, takeover.StageNegotiating},
	{buyer, takeover.Action{Step: takeover.StepConclude, DealDate: introNow.Add(-48 * time.Hour)}, takeover.StageConcluded},
}

// walk takes the first n steps of fullWalk.
func walk(t *testing.T, n int) takeover.Introduction {
	t.Helper()
	in := takeover.NewIntroduction()
	for i, s := range fullWalk[:n] {
		next, c, err := in.Take(introMatch, s.by, s.action, introNow)
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, s.action.Step, err)
		}
		if next.Stage != s.to || c.To != s.to || c.From != in.Stage || c.AdvisorID != s.by.Subject {
			t.Fatalf("step %d (%s): stage %s, change %+v, want %s", i, s.action.Step, next.Stage, c, s.to)
		}
		in = next
	}
	return in
}

func TestAFullIntroductionKeepsItsHistory(t *testing.T) {
	in := walk(t, len(fullWalk))
	if len(in.History) != len(fullWalk) {
		t.Fatalf("history has %d steps, want %d", len(in.History), len(fullWalk))
	}
	if in.History[0].Side != takeover.SideSeller || in.History[1].Side != takeover.SideBuyer {
		t.Errorf("reviews recorded for %s and %s, want seller then buyer", in.History[0].Side, in.History[1].Side)
	}
	if in.Undertaking == nil || in.Undertaking.Version != "2026-01" || !in.DealDate.Equal(introNow.Add(-48*time.Hour)) {
		t.Errorf("undertaking %+v, deal date %v", in.Undertaking, in.DealDate)
	}
	if !in.Introduced() {
		t.Error("a concluded match does not count as introduced")
	}
}

// TestTheUndertakingMayComeFirst: the seller's approval and the buyer's
// undertaking introduce in either order.
func TestTheUndertakingMayComeFirst(t *testing.T) {
	in := walk(t, 3)
	in, _, err := in.Take(introMatch, buyer, undertaking, introNow)
	if err != nil || in.Stage != takeover.StageInterested {
		t.Fatalf("undertaking first: %v, %s", err, in.Stage)
	}
	in, c, err := in.Take(introMatch, seller, takeover.Action{Step: takeover.StepApproveIntroduction}, introNow)
	if err != nil || in.Stage != takeover.StageIntroduced || c.To != takeover.StageIntroduced {
		t.Fatalf("approval second: %v, %s", err, in.Stage)
	}
}

// TestEachStepRefusedToTheWrongPerson: a one-sided step is the right
// side's alone; an outsider, a manager and the other chamber are refused
// at every stage, before the stage is looked at.
func TestEachStepRefusedToTheWrongPerson(t *testing.T) {
	outsider := auth.Principal{Subject: "cci-2", Chamber: "CCI", Roles: []auth.Role{auth.RoleAdvisor}}
	lone := takeover.Match{ID: "m", OfferChamber: "CMA", SearchChamber: "CMA"}
	for i, s := range fullWalk {
		in := walk(t, i)
		wrong := []auth.Principal{sellerBoss}
		switch s.action.Step {
		case takeover.StepInterest, takeover.StepAcceptUndertaking:
			wrong = append(wrong, seller)
		case takeover.StepApproveIntroduction:
			wrong = append(wrong, buyer)
		}
		for _, p := range wrong {
			if _, _, err := in.Take(introMatch, p, s.action, introNow); !errors.Is(err, takeover.ErrWrongPerson) {
				t.Errorf("%s by %s: %v, want ErrWrongPerson", s.action.Step, p.Subject, err)
			}
		}
		if _, _, err := in.Take(lone, outsider, s.action, introNow); !errors.Is(err, takeover.ErrWrongPerson) {
			t.Errorf("%s by an advisor of neither side: %v, want ErrWrongPerson", s.action.Step, err)
		}
	}
}

// TestEachStepRefusedAtTheWrongStage: every step is refused at every stage
// but its own, and a side does not take its one-sided step twice.
func TestEachStepRefusedAtTheWrongStage(t *testing.T) {
	for i := range len(fullWalk) + 1 {
		in := walk(t, i)
		for j, s := range fullWalk {
			if j == i || i == 0 && j == 1 || i == 3 && j == 4 {
				continue // its own stage; either review, approval or undertaking first
			}
			if _, _, err := in.Take(introMatch, s.by, s.action, introNow); !errors.Is(err, takeover.ErrWrongStage) {
				t.Errorf("%s at step %d (%s): %v, want ErrWrongStage", s.action.Step, i, in.Stage, err)
			}
		}
	}
	in := walk(t, 1)
	if _, _, err := in.Take(introMatch, seller, takeover.Action{Step: takeover.StepReview}, introNow); !errors.Is(err, takeover.ErrWrongStage) {
		t.Errorf("second review by the seller's side: %v", err)
	}
	in = walk(t, 4)
	if _, _, err := in.Take(introMatch, seller, takeover.Action{Step: takeover.StepApproveIntroduction}, introNow); !errors.Is(err, takeover.ErrWrongStage) {
		t.Errorf("second approval: %v", err)
	}
}

// TestDropAtAnyStageBeforeConcluded: either side drops with a listed
// reason until the match is concluded, and not after.
func TestDropAtAnyStageBeforeConcluded(t *testing.T) {
	drop := takeover.Action{Step: takeover.StepDrop, Reason: "price"}
	for i := range len(fullWalk) {
		for _, p := range []auth.Principal{seller, buyer} {
			in, c, err := walk(t, i).Take(introMatch, p, drop, introNow)
			if err != nil || in.Stage != takeover.StageDropped || in.DropReason != "price" || c.Reason != "price" {
				t.Errorf("drop at step %d by %s: %v, %+v", i, p.Subject, err, in)
			}
			if _, _, err := in.Take(introMatch, p, drop, introNow); !errors.Is(err, takeover.ErrWrongStage) {
				t.Errorf("drop twice: %v", err)
			}
			if in.Introduced() != (i >= 5) {
				t.Errorf("dropped at step %d: introduced %v", i, in.Introduced())
			}
		}
	}
	if _, _, err := walk(t, len(fullWalk)).Take(introMatch, seller, drop, introNow); !errors.Is(err, takeover.ErrWrongStage) {
		t.Errorf("drop after concluded: %v", err)
	}
}

// TestStepInputIsChecked: a reason off the list, a deal date or an
// undertaking without date, version or in the future name their field.
func TestStepInputIsChecked(t *testing.T) {
	cases := []struct {
		at     int
		by     auth.Principal
		action takeover.Action
		fields []string
	}{
		{0, seller, takeover.Action{Step: takeover.StepDrop, Reason: "bored"}, []string{"reason"}},
		{6, buyer, takeover.Action{Step: takeover.StepConclude}, []string{"deal_date"}},
		{6, buyer, takeover.Action{Step: takeover.StepConclude, DealDate: introNow.Add(48 * time.Hour)}, []string{"deal_date"}},
		{3, buyer, takeover.Action{Step: takeover.StepAcceptUndertaking}, []string{"accepted_on", "version"}},
		{3, buyer, takeover.Action{Step: takeover.StepAcceptUndertaking, Undertaking: takeover.Undertaking{Version: "v 1 !",
			AcceptedOn: introNow.Add(48 * time.Hour)}}, []string{"accepted_on", "version"}},
	}
	for _, c := range cases {
		_, _, err := walk(t, c.at).Take(introMatch, c.by, c.action, introNow)
		var se *takeover.StepError
		if !errors.As(err, &se) {
			t.Errorf("%s %+v: %v, want a StepError", c.action.Step, c.action, err)
			continue
		}
		var got []string
		for f := range se.Fields {
			got = append(got, f)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.fields) {
			t.Errorf("%s: fields %v, want %v", c.action.Step, got, c.fields)
		}
	}
}

// TestOneChamberOnBothSidesReviewsOneSideAtATime: when one chamber holds
// both sides, the search's advisor reviews the buyer's side, and a review
// never counts for both.
func TestOneChamberOnBothSidesReviewsOneSideAtATime(t *testing.T) {
	m := takeover.Match{ID: "m", OfferChamber: "CCI", SearchChamber: "CCI", OfferAdvisorID: "cci-7", SearchAdvisorID: "cci-1"}
	in, c, err := takeover.NewIntroduction().Take(m, buyer, takeover.Action{Step: takeover.StepReview}, introNow)
	if err != nil || c.Side != takeover.SideBuyer || in.Stage != takeover.StageProposed {
		t.Fatalf("first review: %v, %+v", err, c)
	}
	in, c, err = in.Take(m, buyer, takeover.Action{Step: takeover.StepReview}, introNow)
	if err != nil || c.Side != takeover.SideSeller || in.Stage != takeover.StageReviewed {
		t.Fatalf("second review: %v, %+v", err, c)
	}
}

// TestNextStepsAreWhatTheReaderMayTake lists, at some stages, what each
// side may do.
func TestNextStepsAreWhatTheReaderMayTake(t *testing.T) {
	cases := []struct {
		at   int
		p    auth.Principal
		want []string
	}{
		{0, seller, []string{"review", "drop"}},
		{1, seller, []string{"drop"}},
		{1, buyer, []string{"review", "drop"}},
		{2, buyer, []string{"interest", "drop"}},
		{2, seller, []string{"drop"}},
		{3, seller, []string{"approve_introduction", "drop"}},
		{3, buyer, []string{"accept_undertaking", "drop"}},
		{5, buyer, []string{"negotiate", "drop"}},
		{6, seller, []string{"conclude", "drop"}},
		{7, seller, []string{}},
		{0, sellerBoss, []string{}},
	}
	for _, c := range cases {
		if got := walk(t, c.at).NextSteps(c.p, introMatch); !slices.Equal(got, c.want) {
			t.Errorf("at step %d, %s may %v, want %v", c.at, c.p.Subject, got, c.want)
		}
	}
}

// TestOnlyTheIntroductionCarriesTheRequests: the event of a step names
// neither side's request, but the one that introduces.
func TestOnlyTheIntroductionCarriesTheRequests(t *testing.T) {
	in := takeover.NewIntroduction()
	for i, s := range fullWalk {
		next, c, err := in.Take(introMatch, s.by, s.action, introNow)
		if err != nil {
			t.Fatal(err)
		}
		ev := c.Event(introMatch, "offer-req", "search-req")
		if carries := ev.OfferRequestID != "" || ev.SearchRequestID != ""; carries != (i == 4) {
			t.Errorf("step %d (%s) carries the requests: %v", i, s.action.Step, carries)
		}
		in = next
	}
}
