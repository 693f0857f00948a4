package takeover

import (
	"errors"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// TestOfferMoves tries every status change from every status: the
// allowed ones change the status, date and author; the others are
// ErrTransition and change nothing.
func TestOfferMoves(t *testing.T) {
	t.Parallel()
	all := []string{OfferSubmitted, OfferPublished, OfferPaused, OfferWithdrawn, OfferConcluded}
	allowed := map[[2]string]bool{
		{OfferSubmitted, OfferWithdrawn}: true,
		{OfferPublished, OfferPaused}:    true, {OfferPublished, OfferWithdrawn}: true, {OfferPublished, OfferConcluded}: true,
		{OfferPaused, OfferPublished}: true, {OfferPaused, OfferWithdrawn}: true, {OfferPaused, OfferConcluded}: true,
	}
	for _, from := range all {
		for _, to := range all {
			o := Offer{ID: "0195a1d0-1000-7aaa-8bbb-000000000001", Chamber: "CMA", AdvisorID: "a1", Status: from, UpdatedAt: t0}
			got, c, ev, err := o.Move(to, "cma-1", "accord trouvé", t0.Add(time.Hour))
			if !allowed[[2]string{from, to}] {
				if !errors.Is(err, ErrTransition) || got.Status != from || !got.UpdatedAt.Equal(t0) {
					t.Errorf("%s -> %s: err %v, status %s: want refused", from, to, err, got.Status)
				}
				continue
			}
			if err != nil || got.Status != to || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("%s -> %s: err %v, %+v", from, to, err, got)
			}
			if c.From != from || c.To != to || c.By != "cma-1" || c.Reason != "accord trouvé" ||
				ev.From != from || ev.To != to || ev.By != "cma-1" || ev.OfferID != o.ID || !ev.ChangedAt.Equal(c.At) {
				t.Errorf("%s -> %s: change %+v, event %+v", from, to, c, ev)
			}
			if err := ev.Validate(); err != nil {
				t.Errorf("%s -> %s: event invalid: %v", from, to, err)
			}
		}
	}
}

// TestSearchMoves does the same for searches; expiry is the system's only,
// and reopening renews.
func TestSearchMoves(t *testing.T) {
	t.Parallel()
	all := []string{SearchDraft, SearchOpen, SearchPaused, SearchWithdrawn, SearchConcluded, SearchExpired}
	allowed := map[[2]string]bool{
		{SearchOpen, SearchPaused}: true, {SearchOpen, SearchWithdrawn}: true, {SearchOpen, SearchConcluded}: true,
		{SearchPaused, SearchOpen}: true, {SearchPaused, SearchWithdrawn}: true, {SearchPaused, SearchConcluded}: true,
		{SearchExpired, SearchOpen}: true, {SearchExpired, SearchWithdrawn}: true,
	}
	for _, from := range all {
		for _, to := range all {
			s := Search{ID: "s1", Chamber: "CCI", Status: from, RegisteredAt: t0}
			got, c, ev, err := s.Move(to, "cci-1", "", t0.Add(time.Hour))
			if !allowed[[2]string{from, to}] {
				if !errors.Is(err, ErrTransition) || got.Status != from {
					t.Errorf("%s -> %s: err %v: want refused", from, to, err)
				}
				continue
			}
			if err != nil || got.Status != to || c.From != from || ev.To != to || ev.By != "cci-1" {
				t.Errorf("%s -> %s: err %v, %+v %+v", from, to, err, c, ev)
			}
			if reopened := to == SearchOpen; reopened != got.RenewedAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("%s -> %s: renewed at %v", from, to, got.RenewedAt)
			}
		}
	}
}

// TestSearchExpiry: a search expires ttl after its last renewal (or
// completion, or registration), by the system, and not before; renewing
// restarts the period; only open and paused searches expire or renew.
func TestSearchExpiry(t *testing.T) {
	t.Parallel()
	ttl := 365 * 24 * time.Hour
	s := Search{ID: "s1", Chamber: "CCI", Status: SearchOpen, RegisteredAt: t0}
	if s.Expired(ttl, t0.Add(ttl-time.Second)) {
		t.Fatal("expired before its time")
	}
	if _, _, _, err := s.Expire(ttl, t0.Add(ttl-time.Second)); !errors.Is(err, ErrTransition) {
		t.Fatalf("early expiry: %v", err)
	}
	got, c, ev, err := s.Expire(ttl, t0.Add(ttl))
	if err != nil || got.Status != SearchExpired || c.By != System || ev.By != System || ev.From != SearchOpen || ev.To != SearchExpired {
		t.Fatalf("expire: %v %+v %+v", err, got, ev)
	}
	renewed, err := s.Renew(t0.Add(ttl - time.Hour))
	if err != nil || renewed.Expired(ttl, t0.Add(ttl)) || !renewed.Expired(ttl, t0.Add(2*ttl-time.Hour)) {
		t.Fatalf("renewal: %v, valid from %v", err, renewed.ValidFrom())
	}
	if _, err := got.Renew(t0.Add(ttl)); !errors.Is(err, ErrTransition) {
		t.Fatalf("renewing an expired search: %v", err)
	}
	if (Search{Status: SearchWithdrawn, RegisteredAt: t0}).Expired(ttl, t0.Add(2*ttl)) {
		t.Fatal("a withdrawn search expires")
	}
	completed := Search{Status: SearchPaused, RegisteredAt: t0, CompletedAt: t0.Add(ttl / 2)}
	if completed.Expired(ttl, t0.Add(ttl)) {
		t.Fatal("a completed draft's period counts from its registration")
	}
}

// TestReviewDue: a published or paused listing is due for review 6
// months after its last change, then again 6 months after each ask.
func TestReviewDue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		status         string
		updated, asked time.Time
		now            time.Time
		want           bool
	}{
		{"fresh", OfferPublished, t0, time.Time{}, t0.Add(ReviewPeriod - time.Second), false},
		{"six months unchanged", OfferPublished, t0, time.Time{}, t0.Add(ReviewPeriod), true},
		{"paused too", OfferPaused, t0, time.Time{}, t0.Add(ReviewPeriod), true},
		{"asked already this period", OfferPublished, t0, t0.Add(ReviewPeriod), t0.Add(ReviewPeriod + time.Hour), false},
		{"asked a period ago", OfferPublished, t0, t0.Add(ReviewPeriod), t0.Add(2 * ReviewPeriod), true},
		{"submitted offers are not listings", OfferSubmitted, t0, time.Time{}, t0.Add(2 * ReviewPeriod), false},
		{"withdrawn", OfferWithdrawn, t0, time.Time{}, t0.Add(2 * ReviewPeriod), false},
	} {
		if got := ReviewDue(tc.status, tc.updated, tc.asked, tc.now); got != tc.want {
			t.Errorf("%s: due %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestActive: a match is live only while its listing is published and its
// search open.
func TestActive(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		offer, search string
		want          bool
	}{
		{OfferPublished, SearchOpen, true}, {OfferPaused, SearchOpen, false}, {OfferWithdrawn, SearchOpen, false},
		{OfferPublished, SearchPaused, false}, {OfferPublished, SearchExpired, false}, {OfferConcluded, SearchConcluded, false},
	} {
		if got := Active(Offer{Status: tc.offer}, Search{Status: tc.search}); got != tc.want {
			t.Errorf("%s/%s: active %v, want %v", tc.offer, tc.search, got, tc.want)
		}
	}
}
