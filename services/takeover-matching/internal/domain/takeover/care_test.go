package takeover

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

const (
	careOfferID   = "0195a1d0-1000-7aaa-8bbb-000000000001"
	careSearchID  = "0195a1d0-2000-7aaa-8bbb-000000000002"
	careRequestID = "0195a1c2-1000-7aaa-8bbb-000000000001"
)

func advisor(id, chamber string) auth.Principal {
	return auth.Principal{Subject: id, Chamber: chamber, Roles: []auth.Role{auth.RoleAdvisor}}
}

// TestTakeInCharge: only the assigned advisor takes an offer or a search in
// charge, once, while it is followed; a refusal changes nothing.
func TestTakeInCharge(t *testing.T) {
	t.Parallel()
	manager := auth.Principal{Subject: "cma-boss", Chamber: "CMA", Roles: []auth.Role{auth.RoleManager}}
	taken := Care{TakenAt: t0, TakenBy: "cma-1"}
	for _, tt := range []struct {
		name      string
		p         auth.Principal
		advisorID string
		offer     string // offer status
		search    string // search status
		care      Care
		want      error
	}{
		{"the assigned advisor", advisor("cma-1", "CMA"), "cma-1", OfferSubmitted, SearchOpen, Care{}, nil},
		{"a draft search or a paused listing too", advisor("cma-1", "CMA"), "cma-1", OfferPaused, SearchDraft, Care{}, nil},
		{"another advisor of the chamber", advisor("cma-2", "CMA"), "cma-1", OfferSubmitted, SearchOpen, Care{}, ErrNotAssignee},
		{"the same id in the other chamber", advisor("cma-1", "CCI"), "cma-1", OfferSubmitted, SearchOpen, Care{}, ErrNotAssignee},
		{"a manager", manager, "cma-1", OfferSubmitted, SearchOpen, Care{}, ErrNotAssignee},
		{"nobody is assigned", advisor("cma-1", "CMA"), "", OfferSubmitted, SearchOpen, Care{}, ErrNotAssignee},
		{"twice", advisor("cma-1", "CMA"), "cma-1", OfferPublished, SearchOpen, taken, ErrTakenInCharge},
		{"the wrong advisor learns nothing of the state", advisor("cma-2", "CMA"), "cma-1", OfferPublished, SearchOpen, taken, ErrNotAssignee},
		{"off the market", advisor("cma-1", "CMA"), "cma-1", OfferWithdrawn, SearchExpired, Care{}, ErrOffMarket},
		{"concluded", advisor("cma-1", "CMA"), "cma-1", OfferConcluded, SearchConcluded, Care{}, ErrOffMarket},
	} {
		t.Run(tt.name, func(t *testing.T) {
			at := t0.Add(72 * time.Hour)
			o := Offer{ID: careOfferID, RequestID: careRequestID, Chamber: "CMA", AdvisorID: tt.advisorID, Status: tt.offer, Care: tt.care}
			got, ev, err := o.TakeInCharge(tt.p, at)
			s := Search{ID: careSearchID, RequestID: careRequestID, Chamber: "CMA", AdvisorID: tt.advisorID, Status: tt.search, Care: tt.care}
			gotS, evS, errS := s.TakeInCharge(tt.p, at)
			if !errors.Is(err, tt.want) || !errors.Is(errS, tt.want) || (tt.want == nil) != (err == nil || errS == nil) {
				t.Fatalf("offer err %v, search err %v; want %v", err, errS, tt.want)
			}
			if tt.want != nil {
				if got.Care != tt.care || gotS.Care != tt.care {
					t.Errorf("refused, yet care became %+v / %+v", got.Care, gotS.Care)
				}
				return
			}
			want := Care{TakenAt: at, TakenBy: tt.advisorID}
			if got.Care != want || gotS.Care != want {
				t.Errorf("care %+v / %+v, want %+v", got.Care, gotS.Care, want)
			}
			if ev.OfferID != careOfferID || ev.AdvisorID != tt.advisorID || !ev.TakenAt.Equal(at) || ev.RequestID != careRequestID {
				t.Errorf("offer event %+v", ev)
			}
			if evS.SearchID != careSearchID || evS.AdvisorID != tt.advisorID || !evS.TakenAt.Equal(at) {
				t.Errorf("search event %+v", evS)
			}
			if err := ev.Validate(); err != nil {
				t.Errorf("offer event invalid: %v", err)
			}
			if err := evS.Validate(); err != nil {
				t.Errorf("search event invalid: %v", err)
			}
		})
	}
}

// TestNewHandBack: a hand-back needs a reason among those that keep it in
// the chamber, and a bounded comment; every bad field is named.
func TestNewHandBack(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, reason, comment string
		bad                   []string
	}{
		{"a reason", events.ReassignNoCapacity, "  trop de dossiers  ", nil},
		{"wrong speciality", events.ReassignWrongSpeciality, "", nil},
		{"other", events.ReassignOther, "", nil},
		{"no reason", "", "", []string{"reason"}},
		{"the other chamber is not a move here", events.ReassignWrongChamber, "", []string{"reason"}},
		{"a manager's reason", events.ReassignManager, "", []string{"reason"}},
		{"an unknown reason and a long comment", "bored", strings.Repeat("é", MaxHandBackComment+1), []string{"reason", "comment"}},
	} {
		h, err := NewHandBack("cma-1", tt.reason, tt.comment, t0)
		var invalid *HandBackError
		if len(tt.bad) == 0 {
			if err != nil || h.Reason != tt.reason || h.AdvisorID != "cma-1" || h.Comment != strings.TrimSpace(tt.comment) {
				t.Errorf("%s: %+v, %v", tt.name, h, err)
			}
			continue
		}
		if !errors.As(err, &invalid) || len(invalid.Fields) != len(tt.bad) {
			t.Errorf("%s: err %v, want fields %v", tt.name, err, tt.bad)
			continue
		}
		for _, f := range tt.bad {
			if invalid.Fields[f] == "" {
				t.Errorf("%s: field %s not named in %v", tt.name, f, invalid.Fields)
			}
		}
	}
}

// TestHandBack: the assigned advisor hands back a waiting offer or search;
// it goes to the least loaded other candidate who never handed it back,
// or to nobody; the rules refuse as TakeInCharge does.
func TestHandBack(t *testing.T) {
	t.Parallel()
	loads := []AdvisorLoad{
		{AdvisorID: "cma-1", OpenCases: 0, Capacity: 10}, // the one handing back: never chosen
		{AdvisorID: "cma-2", OpenCases: 5, Capacity: 10},
		{AdvisorID: "cma-3", OpenCases: 2, Capacity: 10},
		{AdvisorID: "cma-4", OpenCases: 1, Capacity: 10}, // handed it back before
	}
	h, err := NewHandBack("cma-1", events.ReassignNoCapacity, "", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		p          auth.Principal
		care       Care
		status     string
		candidates []AdvisorLoad
		want       string
		err        error
	}{
		{"to the least loaded other", advisor("cma-1", "CMA"), Care{}, OfferSubmitted, loads, "cma-3", nil},
		{"to nobody when nobody else is left", advisor("cma-1", "CMA"), Care{}, OfferPublished, loads[:1], "", nil},
		{"by another advisor", advisor("cma-2", "CMA"), Care{}, OfferSubmitted, loads, "", ErrNotAssignee},
		{"once taken in charge", advisor("cma-1", "CMA"), Care{TakenAt: t0, TakenBy: "cma-1"}, OfferSubmitted, loads, "", ErrTakenInCharge},
		{"off the market", advisor("cma-1", "CMA"), Care{}, OfferWithdrawn, loads, "", ErrOffMarket},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := Offer{ID: careOfferID, RequestID: careRequestID, Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-1",
				Status: tt.status, Care: tt.care}
			got, ev, err := o.HandBack(tt.p, h, tt.candidates, []string{"cma-4"})
			searchStatus := SearchOpen
			if tt.status == OfferWithdrawn {
				searchStatus = SearchWithdrawn
			}
			s := Search{ID: careSearchID, RequestID: careRequestID, Chamber: "CMA", AdvisorID: "cma-1", Status: searchStatus, Care: tt.care}
			gotS, evS, errS := s.HandBack(tt.p, h, tt.candidates, []string{"cma-4"})
			if !errors.Is(err, tt.err) || !errors.Is(errS, tt.err) || (tt.err == nil) != (err == nil || errS == nil) {
				t.Fatalf("offer err %v, search err %v; want %v", err, errS, tt.err)
			}
			if tt.err != nil {
				if got.AdvisorID != "cma-1" || gotS.AdvisorID != "cma-1" {
					t.Errorf("refused, yet moved to %q / %q", got.AdvisorID, gotS.AdvisorID)
				}
				return
			}
			if got.AdvisorID != tt.want || gotS.AdvisorID != tt.want || got.Chamber != "CMA" {
				t.Errorf("moved to %q (%s) / %q, want %q of the same chamber", got.AdvisorID, got.Chamber, gotS.AdvisorID, tt.want)
			}
			if ev.AdvisorID != tt.want || ev.PreviousAdvisorID != "cma-1" || ev.Reason != events.ReassignNoCapacity ||
				ev.SecondaryChamber != "CCI" || !ev.ReassignedAt.Equal(h.At) {
				t.Errorf("offer event %+v", ev)
			}
			if evS.AdvisorID != tt.want || evS.PreviousAdvisorID != "cma-1" || evS.SearchID != careSearchID {
				t.Errorf("search event %+v", evS)
			}
			if err := ev.Validate(); err != nil {
				t.Errorf("offer event invalid: %v", err)
			}
			if err := evS.Validate(); err != nil {
				t.Errorf("search event invalid: %v", err)
			}
		})
	}
}
