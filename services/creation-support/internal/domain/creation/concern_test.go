package creation_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

const concernID = "0195a1b2-4003-7c01-8d02-0e0301415274"

// followedUp is a registered business in its follow-up, placed by codes.
func followedUp(t *testing.T) *creation.Case {
	t.Helper()
	c := atStage(creation.StageFormalities, complete())
	c.NAFCode, c.NAFVersion, c.Departement, c.EPCI, c.CommuneCode = "10.71C", "NAFRev2", "91", "200056232", "91228"
	if _, _, err := c.Register(complete().Registration, "cma-91-0007", journeyStart); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConcernKindsAreChecked(t *testing.T) {
	for _, tt := range []struct {
		name  string
		kinds []string
		want  []string
	}{
		{"none", nil, []string{"concerns:required"}},
		{"an empty list", []string{}, []string{"concerns:required"}},
		{"a code not listed", []string{"cash_flow", "bankruptcy"}, []string{"concerns:invalid"}},
		{"a code twice", []string{"cash_flow", "activity_drop", "cash_flow"}, []string{"concerns:repeated"}},
		{"one code", []string{"owner_wellbeing"}, nil},
		{"every code", events.ConcernKinds(), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := creation.CheckConcernKinds(tt.kinds)
			if got := fieldsOf(err); !slices.Equal(got, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("CheckConcernKinds(%q) = %v, want %v", tt.kinds, err, tt.want)
			}
		})
	}
}

// TestRaiseConcern: a concern places the business by codes on CREATION
// and names it by its SIREN on PREVENTION alone, both of the concern's
// id and instant; the day's second concern is the first, unchanged, and
// the next UTC day takes a new one.
func TestRaiseConcern(t *testing.T) {
	c := followedUp(t)
	at := time.Date(2026, 9, 14, 23, 30, 0, 123456789, time.FixedZone("CEST", 7200)) // 21:30 UTC
	res, err := c.RaiseConcern([]string{"activity_drop", "overdue_debts"}, concernID, "cma-91-0042", at)
	if err != nil || !res.Raised {
		t.Fatalf("raise: %v %+v", err, res)
	}
	raisedAt := time.Date(2026, 9, 14, 21, 30, 0, 123456000, time.UTC)
	want := creation.Concern{ID: concernID, AdvisorID: "cma-91-0042", Kinds: []string{"activity_drop", "overdue_debts"}, RaisedAt: raisedAt}
	if !sameConcern(res.Concern, want) || len(c.Concerns) != 1 || !sameConcern(c.Concerns[0], want) {
		t.Fatalf("concern %+v, case's %+v; want %+v", res.Concern, c.Concerns, want)
	}
	signal := events.CreationCaseConcernRaised{CaseID: c.ID, ConcernID: concernID, RequestID: c.RequestID, Chamber: "CMA",
		SecondaryChamber: "CCI", AdvisorID: "cma-91-0042", NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91",
		EPCI: "200056232", Concerns: want.Kinds, RaisedAt: raisedAt}
	if res.Signal == nil || !reflect.DeepEqual(*res.Signal, signal) || res.Signal.RaisedAt.Location() != time.UTC || res.Signal.Validate() != nil {
		t.Fatalf("signal %+v\nwant   %+v", res.Signal, signal)
	}
	identified := events.PreventionCreationConcernIdentified{CaseID: c.ID, ConcernID: concernID, RequestID: c.RequestID,
		SIREN: "732829320", ObservedAt: raisedAt}
	if res.Identified == nil || *res.Identified != identified || res.Identified.Validate() != nil {
		t.Fatalf("identity %+v\nwant     %+v", res.Identified, identified)
	}

	// The same UTC day (00:10 in Paris is still 22:10 UTC): the day's
	// concern, nothing new.
	again, err := c.RaiseConcern([]string{"owner_wellbeing"}, "0195a1b2-4003-7c01-8d02-0e0301415275", "cma-91-m", at.Add(40*time.Minute))
	if err != nil || again.Raised || again.Signal != nil || again.Identified != nil || !sameConcern(again.Concern, want) || len(c.Concerns) != 1 {
		t.Fatalf("the day's second concern: %v %+v, case's %+v", err, again, c.Concerns)
	}
	// Past midnight UTC: a new day, a new concern.
	next, err := c.RaiseConcern([]string{"owner_wellbeing"}, "0195a1b2-4003-7c01-8d02-0e0301415276", "cma-91-m", at.Add(3*time.Hour))
	if err != nil || !next.Raised || next.Concern.AdvisorID != "cma-91-m" || len(c.Concerns) != 2 || c.Concerns[1].ID != next.Concern.ID {
		t.Fatalf("the next day: %v %+v, case's %+v", err, next, c.Concerns)
	}
	// The caller's list is the caller's: the concern and its event keep
	// what was raised.
	kinds := []string{"cash_flow"}
	c = followedUp(t)
	res, _ = c.RaiseConcern(kinds, concernID, "cma-91-0007", at)
	kinds[0] = "owner_wellbeing"
	if res.Concern.Kinds[0] != "cash_flow" || res.Signal.Concerns[0] != "cash_flow" {
		t.Fatalf("the concern shares the caller's list: %+v", res)
	}
}

func TestConcernWithoutSIRENStaysOnCreation(t *testing.T) {
	c := followedUp(t)
	c.Facts.Registration = creation.Registration{}
	res, err := c.RaiseConcern([]string{"cash_flow"}, concernID, "cma-91-0007", journeyStart.AddDate(0, 2, 0))
	if err != nil || !res.Raised || res.Signal == nil || res.Identified != nil {
		t.Fatalf("without a SIREN: %v %+v", err, res)
	}
}

func TestConcernOutsideTheFollowUpIsRefused(t *testing.T) {
	closed := followedUp(t)
	if _, err := closed.RecordCheckpoint(0, creation.CheckpointReport{StillActive: false}, "cma-91-0007", journeyStart.AddDate(0, 6, 0)); err != nil {
		t.Fatal(err)
	}
	now := journeyStart.AddDate(0, 7, 0)
	for _, tt := range []struct {
		name  string
		c     *creation.Case
		kinds []string
		want  error // nil: an *InvalidInput naming concerns
	}{
		{"waiting", atStage(creation.StageOpened, creation.Facts{}), []string{"cash_flow"}, creation.ErrNotInFollowUp},
		{"at the formalities", atStage(creation.StageFormalities, complete()), []string{"cash_flow"}, creation.ErrNotInFollowUp},
		{"closed", closed, []string{"cash_flow"}, creation.ErrClosed},
		{"closed, with a bad list: the input first", closed, []string{"cash_flow", "cash_flow"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tt.c.Concerns)
			res, err := tt.c.RaiseConcern(tt.kinds, concernID, "cma-91-0007", now)
			if tt.want == nil && !slices.Equal(fieldsOf(err), []string{"concerns:repeated"}) || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if res.Raised || res.Signal != nil || len(tt.c.Concerns) != before {
				t.Fatalf("a refused concern was raised: %+v, case's %+v", res, tt.c.Concerns)
			}
		})
	}
}

func sameConcern(a, b creation.Concern) bool {
	return a.ID == b.ID && a.AdvisorID == b.AdvisorID && slices.Equal(a.Kinds, b.Kinds) && a.RaisedAt.Equal(b.RaisedAt) &&
		a.RaisedAt.Location() == time.UTC
}
