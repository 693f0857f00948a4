package takeover

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
)

const concernID = "0195a1d0-3000-7aaa-8bbb-000000000003"

// TestRaiseConcern: an offer on the market takes one or more known
// concerns, each once; its event places the business by codes, names the
// advisor who raised it and validates. Off the market it takes none,
// whatever the input; a bad input names concerns and builds nothing.
func TestRaiseConcern(t *testing.T) {
	t.Parallel()
	manager := auth.Principal{Subject: "cci-boss", Chamber: "CCI", Roles: []auth.Role{auth.RoleManager}}
	for _, tt := range []struct {
		name   string
		p      auth.Principal
		status string
		kinds  []string
		want   error // nil, ErrOffMarket, or a *ConcernError
	}{
		{"a published listing", advisor("cma-1", "CMA"), OfferPublished, []string{events.ConcernCashFlow}, nil},
		{"a submitted offer, several concerns", advisor("cma-2", "CMA"), OfferSubmitted,
			[]string{events.ConcernOwnerWellbeing, events.ConcernOverdueDebts, events.ConcernSupplierDelays}, nil},
		{"a paused listing, by a manager of the secondary chamber", manager, OfferPaused, events.ConcernKinds(), nil},
		{"no concern", advisor("cma-1", "CMA"), OfferPublished, nil, &ConcernError{}},
		{"an empty list", advisor("cma-1", "CMA"), OfferPublished, []string{}, &ConcernError{}},
		{"an unknown code", advisor("cma-1", "CMA"), OfferPublished, []string{events.ConcernCashFlow, "bankrupt"}, &ConcernError{}},
		{"a code twice", advisor("cma-1", "CMA"), OfferPublished, []string{events.ConcernActivityDrop, events.ConcernActivityDrop}, &ConcernError{}},
		{"withdrawn", advisor("cma-1", "CMA"), OfferWithdrawn, []string{events.ConcernCashFlow}, ErrOffMarket},
		{"concluded, even with a bad input", advisor("cma-1", "CMA"), OfferConcluded, nil, ErrOffMarket},
	} {
		t.Run(tt.name, func(t *testing.T) {
			at := time.Date(2026, 12, 8, 23, 30, 0, 1500, time.FixedZone("Paris", 3600))
			o := Offer{ID: careOfferID, RequestID: careRequestID, Chamber: "CMA", SecondaryChamber: "CCI", AdvisorID: "cma-1",
				NAFCode: "10.71C", Departement: "91", EPCI: "200056232", Status: tt.status}
			c, ev, err := o.RaiseConcern(tt.p, tt.kinds, concernID, at)
			var invalid *ConcernError
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case errors.Is(tt.want, ErrOffMarket) && !errors.Is(err, ErrOffMarket):
				t.Fatalf("err %v, want ErrOffMarket", err)
			case errors.As(tt.want, &invalid):
				if !errors.As(err, &invalid) || len(invalid.Fields) != 1 || invalid.Fields["concerns"] == "" {
					t.Fatalf("err %v, want a ConcernError naming concerns alone", err)
				}
			}
			if err != nil {
				if c.ID != "" || ev.ConcernID != "" {
					t.Errorf("refused, yet built %+v / %+v", c, ev)
				}
				return
			}
			want := Concern{ID: concernID, OfferID: careOfferID, AdvisorID: tt.p.Subject, Kinds: tt.kinds,
				RaisedAt: time.Date(2026, 12, 8, 22, 30, 0, 1000, time.UTC)} // to the microsecond, as kept
			if c.ID != want.ID || c.OfferID != want.OfferID || c.AdvisorID != want.AdvisorID || !slices.Equal(c.Kinds, want.Kinds) ||
				c.RaisedAt != want.RaisedAt || c.RaisedAt.Location() != time.UTC {
				t.Errorf("concern %+v, want %+v", c, want)
			}
			if ev.OfferID != careOfferID || ev.ConcernID != concernID || ev.RequestID != careRequestID || ev.Chamber != "CMA" ||
				ev.SecondaryChamber != "CCI" || ev.AdvisorID != tt.p.Subject || ev.NAFCode != "10.71C" || ev.Departement != "91" ||
				ev.EPCI != "200056232" || !slices.Equal(ev.Concerns, tt.kinds) || !ev.SeenAt.Equal(want.RaisedAt) {
				t.Errorf("event %+v", ev)
			}
			if err := ev.Validate(); err != nil {
				t.Errorf("event invalid: %v", err)
			}
			if len(tt.kinds) > 0 {
				tt.kinds[0] = "changed"
				if c.Kinds[0] == "changed" || ev.Concerns[0] == "changed" {
					t.Error("the concern shares the caller's slice")
				}
			}
		})
	}
}

// TestConcernErrorSaysWhy: each bad input gets its own French message.
func TestConcernErrorSaysWhy(t *testing.T) {
	t.Parallel()
	o := Offer{ID: careOfferID, Status: OfferPublished}
	for kinds, want := range map[string]string{"": "au moins une", "cash_flow,late": "parmi", "cash_flow,cash_flow": "deux fois"} {
		var list []string
		if kinds != "" {
			list = strings.Split(kinds, ",")
		}
		_, _, err := o.RaiseConcern(advisor("cma-1", "CMA"), list, concernID, t0)
		var invalid *ConcernError
		if !errors.As(err, &invalid) || !strings.Contains(invalid.Fields["concerns"], want) {
			t.Errorf("%q: %v, want a message with %q", kinds, err, want)
		}
	}
}

// TestConcernDay: the day a concern counts for is the UTC one, wherever
// the clock stands: 23:30 in Paris on the 8th of December is still the
// 8th in UTC, 00:30 on the 9th in Paris is the 8th too.
func TestConcernDay(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("Paris", 3600)
	c := Concern{RaisedAt: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	for _, tt := range []struct {
		at   time.Time
		same bool
	}{
		{time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 12, 8, 23, 59, 59, 0, time.UTC), true},
		{time.Date(2026, 12, 9, 0, 30, 0, 0, paris), true},
		{time.Date(2026, 12, 9, 1, 0, 0, 0, paris), false},
		{time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 12, 7, 23, 59, 59, 0, time.UTC), false},
	} {
		if got := c.SameDay(tt.at); got != tt.same {
			t.Errorf("SameDay(%v) = %v, want %v", tt.at, got, tt.same)
		}
	}
	if d := ConcernDay(time.Date(2026, 12, 9, 0, 30, 0, 0, paris)); !d.Equal(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)) || d.Location() != time.UTC {
		t.Errorf("ConcernDay = %v", d)
	}
}
