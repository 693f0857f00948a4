package audit_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/audit"
)

func TestQueryParams(t *testing.T) {
	t.Parallel()
	f, errs := audit.QueryParams(url.Values{"resource_id": {"r-1"}, "advisor_id": {"cci-91-002"},
		"since": {"2026-11-26T09:00:00Z"}, "until": {"2026-11-27T09:00:00+01:00"}, "after": {"42"}, "limit": {"10"}})
	if len(errs) > 0 {
		t.Fatalf("valid parameters refused: %v", errs)
	}
	want := audit.Filter{ResourceID: "r-1", ActorID: "cci-91-002", Since: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
		After: 42, Limit: 10}
	if f.ResourceID != want.ResourceID || f.ActorID != want.ActorID || !f.Since.Equal(want.Since) ||
		!f.Until.Equal(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)) || f.After != 42 || f.Limit != 10 {
		t.Errorf("filter %+v", f)
	}
	if f.Chamber != "" || f.AllChambers {
		t.Error("the parameters must not set the chamber scope")
	}
	if f, _ := audit.QueryParams(url.Values{}); f.Limit != audit.DefaultLimit {
		t.Errorf("default limit %d, want %d", f.Limit, audit.DefaultLimit)
	}

	_, errs = audit.QueryParams(url.Values{"resource_id": {"a b"}, "advisor_id": {strings.Repeat("x", audit.MaxFieldLen+1)},
		"since": {"hier"}, "until": {"2026-13-01T00:00:00Z"}, "after": {"-1"}, "limit": {"0"}})
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	if want := []string{"resource_id", "advisor_id", "since", "until", "after", "limit"}; !slices.Equal(fields, want) {
		t.Errorf("bad parameters named %v, want %v", fields, want)
	}
	if _, errs := audit.QueryParams(url.Values{"limit": {"1001"}}); len(errs) != 1 {
		t.Errorf("limit above the maximum: %v", errs)
	}
}

func TestNewPage(t *testing.T) {
	t.Parallel()
	es := []audit.Entry{{ID: 3, ActorID: "a", ResourceID: "r"}, {ID: 7, ActorID: "b", ResourceID: "r"}}
	if p := audit.NewPage(es, 2); p.NextAfter != 7 || len(p.Entries) != 2 || p.Entries[1].AdvisorID != "b" {
		t.Errorf("full page: %+v", p)
	}
	if p := audit.NewPage(es, 5); p.NextAfter != 0 {
		t.Errorf("last page has next_after %d", p.NextAfter)
	}
	if p := audit.NewPage(nil, 5); p.Entries == nil {
		t.Error("an empty page must encode entries as [], not null")
	}
}
