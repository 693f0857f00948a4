package creation

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

const (
	caseID    = "01900000-0000-7000-8000-00000000c001"
	requestID = "01900000-0000-7000-8000-00000000a001"
)

func waiting(chamber, secondary, advisor string) Case {
	return Case{ID: caseID, RequestID: requestID, Chamber: chamber, SecondaryChamber: secondary, AdvisorID: advisor,
		Stage: StageOpened, Departement: "91", OpenedAt: t0.Add(-time.Hour)}
}

func TestNewHandBack(t *testing.T) {
	tests := []struct {
		name                       string
		reason, comment, toChamber string
		badFields                  []string
		toOther                    bool
	}{
		{"wrong speciality stays in the chamber", events.ReassignWrongSpeciality, "", "", nil, false},
		{"wrong chamber moves to the other", events.ReassignWrongChamber, "", "", nil, true},
		{"other reason asked to the other chamber", events.ReassignNoCapacity, "plein", "other", nil, true},
		{"500 characters pass", events.ReassignOther, strings.Repeat("é", 500), "", nil, false},
		{"501 characters refused", events.ReassignOther, strings.Repeat("é", 501), "", []string{"comment"}, false},
		{"manager is not an advisor's reason", events.ReassignManager, "", "", []string{"reason"}, false},
		{"absence is not an advisor's reason", events.ReassignAbsence, "", "", []string{"reason"}, false},
		{"missing reason", "", "", "", []string{"reason"}, false},
		{"every bad field named", "nope", strings.Repeat("x", 501), "CCI", []string{"reason", "comment", "to_chamber"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewHandBack("a", tt.reason, tt.comment, tt.toChamber, t0)
			var in *InvalidInput
			if tt.badFields == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if h.ToOtherChamber != tt.toOther || h.Reason != tt.reason || h.AdvisorID != "a" {
					t.Fatalf("hand-back = %+v", h)
				}
				return
			}
			if !errors.As(err, &in) {
				t.Fatalf("err = %v, want *InvalidInput", err)
			}
			var got []string
			for _, f := range in.Fields {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.badFields, ",") {
				t.Fatalf("bad fields %v, want %v", got, tt.badFields)
			}
		})
	}
}

// TestHandedOverAlongTheJourney: a case handed over at the business plan
// waits for its new advisor there, who takes it up at that stage, not at
// the welcome.
func TestHandedOverAlongTheJourney(t *testing.T) {
	c := waiting("CCI", "", "cci-a")
	if _, err := c.TakeInCharge(t0); err != nil {
		t.Fatal(err)
	}
	c.Stage = StageBusinessPlan
	if _, err := c.Reassign(Advisor{AdvisorID: "cci-b", Chamber: "CCI", Active: true}, true, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !c.Waiting() || c.Stage != StageBusinessPlan || c.AdvisorID != "cci-b" {
		t.Fatalf("handed over: waiting %v, stage %s, advisor %s", c.Waiting(), c.Stage, c.AdvisorID)
	}
	if _, err := c.TakeInCharge(t0.Add(2 * time.Hour)); err != nil || c.Stage != StageBusinessPlan || c.Waiting() {
		t.Fatalf("taken up: %v, stage %s, waiting %v", err, c.Stage, c.Waiting())
	}
}

func TestTakeInCharge(t *testing.T) {
	for _, tt := range []struct {
		stage Stage
		err   error
	}{{StageOpened, nil}, {StageInProgress, ErrTakenInCharge}, {StageClosed, ErrClosed}} {
		t.Run(string(tt.stage), func(t *testing.T) {
			c := waiting("CCI", "", "cci-a")
			c.Stage = tt.stage
			if tt.stage == StageInProgress {
				c.TakenAt = t0.Add(-time.Minute)
			}
			ev, err := c.TakeInCharge(t0)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if tt.err != nil {
				if c.Stage != tt.stage {
					t.Fatalf("refused take changed the stage to %s", c.Stage)
				}
				return
			}
			if c.Stage != StageWelcome || !c.TakenAt.Equal(t0) || ev.AdvisorID != "cci-a" || ev.CaseID != caseID || !ev.TakenAt.Equal(t0) {
				t.Fatalf("case %+v, event %+v", c, ev)
			}
		})
	}
}

func TestHandBack(t *testing.T) {
	l := func(id string, open int) AdvisorLoad {
		return AdvisorLoad{AdvisorID: id, OpenCases: open, Capacity: 10}
	}
	away := l("cci-away", 0)
	away.AbsentUntil = t0.Add(24 * time.Hour)
	tests := []struct {
		name          string
		c             Case
		reason, to    string
		candidates    []AdvisorLoad
		wantAdvisor   string
		wantChamber   string
		wantSecondary string
		wantErr       error
	}{
		{"least loaded other advisor, never the one handing back", waiting("CCI", "", "cci-a"), events.ReassignWrongSpeciality, "",
			[]AdvisorLoad{l("cci-a", 0), l("cci-b", 4), l("cci-c", 2)}, "cci-c", "CCI", "", nil},
		{"absent advisor passed over", waiting("CCI", "", "cci-a"), events.ReassignNoCapacity, "",
			[]AdvisorLoad{away, l("cci-b", 4)}, "cci-b", "CCI", "", nil},
		{"nobody else: unassigned for the manager", waiting("CCI", "", "cci-a"), events.ReassignOther, "",
			[]AdvisorLoad{l("cci-a", 0), away}, "", "CCI", "", nil},
		{"wrong chamber: to the other, previous becomes secondary", waiting("CCI", "", "cci-a"), events.ReassignWrongChamber, "",
			[]AdvisorLoad{l("cma-x", 3), l("cma-y", 1)}, "cma-y", "CMA", "CCI", nil},
		{"shared case swaps lead and secondary", waiting("CMA", "CCI", "cma-a"), events.ReassignOther, "other",
			[]AdvisorLoad{l("cci-x", 0)}, "cci-x", "CCI", "CMA", nil},
		{"taken in charge: refused", func() Case {
			c := waiting("CCI", "", "cci-a")
			c.Stage, c.TakenAt = StageInProgress, t0.Add(-time.Minute)
			return c
		}(),
			events.ReassignOther, "", []AdvisorLoad{l("cci-b", 0)}, "cci-a", "CCI", "", ErrTakenInCharge},
		{"closed: refused", func() Case { c := waiting("CCI", "", "cci-a"); c.Stage = StageClosed; return c }(),
			events.ReassignOther, "", []AdvisorLoad{l("cci-b", 0)}, "cci-a", "CCI", "", ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewHandBack(tt.c.AdvisorID, tt.reason, "", tt.to, t0)
			if err != nil {
				t.Fatal(err)
			}
			c := tt.c
			prev := c.Chamber
			ev, err := c.HandBack(h, tt.candidates)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if c.AdvisorID != tt.wantAdvisor || c.Chamber != tt.wantChamber || c.SecondaryChamber != tt.wantSecondary {
				t.Fatalf("case now %s/%s with %q, want %s/%s with %q", c.Chamber, c.SecondaryChamber, c.AdvisorID,
					tt.wantChamber, tt.wantSecondary, tt.wantAdvisor)
			}
			if tt.wantErr != nil {
				if len(c.HandBacks) != 0 {
					t.Fatal("refused hand-back recorded")
				}
				return
			}
			if len(c.HandBacks) != 1 || c.HandBacks[0].AdvisorID != tt.c.AdvisorID || c.HandBacks[0].Chamber != prev {
				t.Fatalf("hand-backs %+v", c.HandBacks)
			}
			want := events.CreationCaseReassigned{CaseID: caseID, RequestID: requestID, Chamber: tt.wantChamber, SecondaryChamber: tt.wantSecondary,
				AdvisorID: tt.wantAdvisor, PreviousChamber: prev, PreviousAdvisorID: tt.c.AdvisorID, Reason: tt.reason, ReassignedAt: t0}
			if ev != want {
				t.Fatalf("event %+v, want %+v", ev, want)
			}
			if err := ev.Validate(); err != nil {
				t.Fatalf("event invalid: %v", err)
			}
		})
	}
}

func TestHandBackNeverReturnsToEarlierAdvisors(t *testing.T) {
	c := waiting("CCI", "", "cci-a")
	cands := []AdvisorLoad{{AdvisorID: "cci-a", Capacity: 10}, {AdvisorID: "cci-b", OpenCases: 1, Capacity: 10}, {AdvisorID: "cci-c", OpenCases: 5, Capacity: 10}}
	for _, want := range []string{"cci-b", "cci-c", ""} {
		h, err := NewHandBack(c.AdvisorID, events.ReassignOther, "", "", t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.HandBack(h, cands); err != nil {
			t.Fatal(err)
		}
		if c.AdvisorID != want {
			t.Fatalf("after %d hand-backs: advisor %q, want %q", len(c.HandBacks), c.AdvisorID, want)
		}
	}
}

func TestReassign(t *testing.T) {
	adv := func(id, chamber string, active bool, absentUntil time.Time) Advisor {
		a := Advisor{AdvisorID: id, Chamber: chamber, Active: active}
		if !absentUntil.IsZero() {
			a.AbsentUntil = &absentUntil
		}
		return a
	}
	inProgress := waiting("CCI", "CMA", "cci-a")
	inProgress.Stage, inProgress.TakenAt = StageInProgress, t0.Add(-time.Minute)
	closed := waiting("CCI", "", "cci-a")
	closed.Stage = StageClosed
	tests := []struct {
		name    string
		c       Case
		to      Advisor
		found   bool
		field   string
		wantErr error
	}{
		{"to an available advisor of the chamber", waiting("CCI", "", "cci-a"), adv("cci-b", "CCI", true, time.Time{}), true, "", nil},
		{"a case in progress waits for its new advisor, at its stage", inProgress, adv("cci-b", "CCI", true, t0), true, "", nil},
		{"unknown advisor", waiting("CCI", "", "cci-a"), Advisor{}, false, "unknown", nil},
		{"advisor of the other chamber", waiting("CCI", "CMA", "cci-a"), adv("cma-b", "CMA", true, time.Time{}), true, "other_chamber", nil},
		{"absent advisor", waiting("CCI", "", "cci-a"), adv("cci-b", "CCI", true, t0.Add(time.Hour)), true, "unavailable", nil},
		{"inactive advisor", waiting("CCI", "", "cci-a"), adv("cci-b", "CCI", false, time.Time{}), true, "unavailable", nil},
		{"same advisor", waiting("CCI", "", "cci-a"), adv("cci-a", "CCI", true, time.Time{}), true, "", ErrNotReassigned},
		{"closed case", closed, adv("cci-b", "CCI", true, time.Time{}), true, "", ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			ev, err := c.Reassign(tt.to, tt.found, t0)
			var in *InvalidInput
			switch {
			case tt.field != "":
				if !errors.As(err, &in) || in.Fields[0].Field != "advisor_id" || in.Fields[0].Code != tt.field {
					t.Fatalf("err = %v, want advisor_id %s", err, tt.field)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if c.AdvisorID != tt.to.AdvisorID || c.Stage != tt.c.Stage || !c.Waiting() || !c.TakenAt.IsZero() || c.Chamber != tt.c.Chamber ||
					c.SecondaryChamber != tt.c.SecondaryChamber {
					t.Fatalf("case %+v", c)
				}
				if ev.Reason != events.ReassignManager || ev.PreviousAdvisorID != "cci-a" || ev.AdvisorID != tt.to.AdvisorID {
					t.Fatalf("event %+v", ev)
				}
				return
			}
			if c.AdvisorID != tt.c.AdvisorID || c.Stage != tt.c.Stage {
				t.Fatalf("refused reassignment changed the case: %+v", c)
			}
		})
	}
}
