package bodaccfeed_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/bodaccfeed"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

var since = time.Date(2026, 1, 17, 0, 0, 0, 0, time.UTC)

// record is a real-shaped record of the dataset, published on day.
func record(n int, day string) string {
	return fmt.Sprintf(`{"id": "A20260020%04d", "familleavis": "collective", "typeavis": "annonce", "registre": ["830 249 439", "830249439"],
		"tribunal": "TRIBUNAL DE COMMERCE D'EVRY", "dateparution": %q, "parution": "20260020", "numeroannonce": %d, "numerodepartement": "91",
		"jugement": "{\"famille\": \"Jugement d'ouverture\", \"nature\": \"Jugement d'ouverture d'une procédure de sauvegarde\", \"date\": \"2026-01-13\"}"}`,
		n, day, n)
}

// serve answers pages of records (JSON texts), as the records endpoint
// does, counting the requests.
func serve(t *testing.T, records []string, check func(*http.Request)) (*httptest.Server, *int) {
	t.Helper()
	calls := new(int)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*calls++
		if check != nil {
			check(r)
		}
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		end := min(offset+limit, len(records))
		_, _ = fmt.Fprintf(w, `{"total_count": %d, "results": [%s]}`, len(records), strings.Join(records[min(offset, end):end], ","))
	}))
	t.Cleanup(srv.Close)
	return srv, calls
}

func TestRecordsPagesAndNamesThePlatform(t *testing.T) {
	records := []string{record(1, "2026-01-18"), `"not an object"`, record(3, "2026-01-20")}
	srv, calls := serve(t, records, func(r *http.Request) {
		if ua := r.Header.Get("User-Agent"); ua != bodaccfeed.UserAgent || !strings.Contains(ua, "ccicma-platform") {
			t.Errorf("User-Agent %q", ua)
		}
		q := r.URL.Query()
		if r.URL.Path != bodaccfeed.RecordsPath || q.Get("where") != bodaccfeed.Query("91", since) || q.Get("order_by") != "dateparution,id" {
			t.Errorf("request %s", r.URL)
		}
	})
	c := bodaccfeed.New(srv.URL + "/")
	c.PageSize = 2
	got, err := c.Records(context.Background(), "91", since)
	if err != nil {
		t.Fatal(err)
	}
	if *calls != 2 || len(got.Entries) != 3 || got.Truncated || got.Through.Format(time.DateOnly) != "2026-01-20" {
		t.Fatalf("%d calls, %+v", *calls, got)
	}
	// A record that cannot be read is the import's to reject, by its rank.
	if e := got.Entries[1]; e.Index != 2 || e.Err == nil || e.Err.Reason != signal.ReasonMalformed {
		t.Errorf("entry 2: %+v", e)
	}
	if e := got.Entries[2]; e.Index != 3 || e.Err != nil || e.Record.Number != "3" || len(e.Record.Registre) != 2 {
		t.Errorf("entry 3: %+v", e)
	}
	if q := bodaccfeed.Query("2A", since); q != `familleavis="collective" AND numerodepartement="2A" AND dateparution>=date'2026-01-17'` {
		t.Errorf("query %s", q)
	}
	if _, err := c.Records(context.Background(), `91" OR "1"="1`, since); err == nil {
		t.Error("a département that is not one is sent")
	}
}

// TestRecordsCutAtThePagingLimit: past the offset paging reaches, the
// read stops; its last day may be partial, so it is not counted as whole.
func TestRecordsCutAtThePagingLimit(t *testing.T) {
	var records []string
	for i := 1; i <= 6; i++ {
		records = append(records, record(i, fmt.Sprintf("2026-01-%d", 17+i/2)))
	}
	srv, calls := serve(t, records, nil)
	c := bodaccfeed.New(srv.URL)
	c.PageSize, c.MaxRecords = 2, 4
	got, err := c.Records(context.Background(), "91", since)
	if err != nil {
		t.Fatal(err)
	}
	if *calls != 2 || len(got.Entries) != 4 || !got.Truncated || got.Through.Format(time.DateOnly) != "2026-01-18" {
		t.Fatalf("%d calls, %d entries, truncated %v, through %s", *calls, len(got.Entries), got.Truncated, got.Through)
	}
}

// TestRecordsRefusesBadPages: an HTTP error, a body over the limit, a
// body that is not the API's answer, more results than asked, a portal
// too slow: the read fails whole.
func TestRecordsRefusesBadPages(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		slow   bool
		want   error
	}{
		{name: "server error", status: http.StatusInternalServerError, body: `{}`},
		{name: "rate limited", status: http.StatusTooManyRequests, body: `{}`},
		{name: "html", status: http.StatusOK, body: `<html>Maintenance</html>`, want: bodaccfeed.ErrMalformed},
		{name: "no results", status: http.StatusOK, body: `{"total_count": 1}`, want: bodaccfeed.ErrMalformed},
		{name: "no total", status: http.StatusOK, body: `{"results": []}`, want: bodaccfeed.ErrMalformed},
		{name: "too many", status: http.StatusOK, body: `{"total_count": 3, "results": [{}, {}, {}]}`, want: bodaccfeed.ErrMalformed},
		{name: "too big", status: http.StatusOK, body: `{"total_count": 1, "results": [` + record(1, "2026-01-18") + strings.Repeat(" ", 4096) + `]}`,
			want: bodaccfeed.ErrMalformed},
		{name: "slow", status: http.StatusOK, body: `{"total_count": 0, "results": []}`, slow: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.slow {
					<-release
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			defer close(release)
			c := bodaccfeed.New(srv.URL)
			c.PageSize, c.MaxPageBytes = 2, 4096
			c.HTTP.Timeout = 200 * time.Millisecond
			got, err := c.Records(context.Background(), "91", since)
			if err == nil || len(got.Entries) != 0 {
				t.Fatalf("%+v, %v", got, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
