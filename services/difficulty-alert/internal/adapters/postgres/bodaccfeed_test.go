package postgres_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/bodaccfeed"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// portal is a fake of the BODACC open-data portal's records endpoint: it
// serves real-shaped records (testdata/bodacc) as Opendatasoft's Explore
// API v2.1 does, filtered by the département and the publication date the
// ODSQL where names, ordered by publication date, paged by limit and
// offset, only the fields select names; and it keeps the queries it got.
type portal struct {
	t  *testing.T
	mu sync.Mutex
	// published are the records the portal holds.
	published []map[string]any
	queries   []url.Values
	// fail, when set, answers a page instead (status and body).
	fail func(offset int) (int, string)
	// hold, when set, is waited for before answering, after telling
	// arrived.
	hold, arrived chan struct{}
}

var (
	whereDepartement = regexp.MustCompile(`numerodepartement="([0-9AB]+)"`)
	whereSince       = regexp.MustCompile(`dateparution>=date'(\d{4}-\d{2}-\d{2})'`)
)

func newPortal(t *testing.T) (*portal, *httptest.Server) {
	p := &portal{t: t}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

// publish adds the fixture's records of indexes (from 0).
func (p *portal) publish(t *testing.T, indexes ...int) {
	t.Helper()
	var all []map[string]any
	if err := json.Unmarshal(mustRead(t, "procedures-collectives.json"), &all); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, i := range indexes {
		p.published = append(p.published, all[i])
	}
}

func (p *portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.hold != nil {
		select {
		case p.arrived <- struct{}{}:
		default:
		}
		<-p.hold
	}
	if r.URL.Path != bodaccfeed.RecordsPath || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	p.mu.Lock()
	p.queries = append(p.queries, q)
	records := slices.Clone(p.published)
	fail := p.fail
	p.mu.Unlock()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	if fail != nil {
		if status, body := fail(offset); status != 0 {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
			return
		}
	}
	where := q.Get("where")
	dep, since := whereDepartement.FindStringSubmatch(where), whereSince.FindStringSubmatch(where)
	if dep == nil || since == nil || limit < 1 || limit > 100 || offset+limit > 10000 || q.Get("order_by") != "dateparution,id" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error_code": "ODSQLError", "message": "bad query"}`))
		return
	}
	var match []map[string]any
	for _, rec := range records {
		if rec["numerodepartement"] == dep[1] && rec["dateparution"].(string) >= since[1] &&
			(!strings.Contains(where, "familleavis=") || rec["familleavis"] == signal.FamilyCollective) {
			match = append(match, rec)
		}
	}
	slices.SortStableFunc(match, func(a, b map[string]any) int {
		return strings.Compare(a["dateparution"].(string)+a["id"].(string), b["dateparution"].(string)+b["id"].(string))
	})
	results := []map[string]any{}
	for i := offset; i < len(match) && i < offset+limit; i++ {
		sel := map[string]any{}
		for _, f := range strings.Split(q.Get("select"), ",") {
			if v, ok := match[i][f]; ok {
				sel[f] = v
			}
		}
		results = append(results, sel)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"total_count": len(match), "results": results})
}

func (p *portal) requests() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.queries)
}

// feed is the use case over the fixture's store and the fake portal, with
// pages of 2 records so that a run pages.
func (f *fixture) feed(t *testing.T, srv *httptest.Server) app.PollBodaccFeed {
	client := bodaccfeed.New(srv.URL)
	client.PageSize = 2
	return app.PollBodaccFeed{Feed: client, Cursors: f.store, Import: app.ImportBodacc{Signals: f.store, Rescore: f.rescore(t)},
		Departements: []string{"91"}, Every: 6 * time.Hour, Overlap: 72 * time.Hour, Now: func() time.Time { return f.now }}
}

func (f *fixture) cursor(t *testing.T) (through string, polled *time.Time) {
	t.Helper()
	var d *time.Time
	if err := f.pool.QueryRow(f.ctx, `SELECT imported_through, polled_at FROM bodacc_feed_cursors WHERE departement = '91'`).
		Scan(&d, &polled); err != nil {
		t.Fatal(err)
	}
	if d != nil {
		through = d.Format(time.DateOnly)
	}
	return through, polled
}

// TestBodaccFeed runs the feed against a fake of the portal and a real
// Postgres, each case in a fresh schema.
func TestBodaccFeed(t *testing.T) {
	t.Parallel()
	db := testkit.NewSchemas(t, "difficulty_alert")
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *fixture)
	}{
		{"ImportsMovesTheCursorAndRereadsTheOverlap", testFeedImportsAndRereads},
		{"FailedPageMovesNothingStoresNothing", testFeedFailure},
		{"ConcurrentRunsImportOnce", testFeedConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, setup(t, db))
		})
	}
}

// testFeedImportsAndRereads: the first run imports the notices published
// since the overlap before today, paging, and moves the cursor to the
// latest publication; the query names the family, the département and
// the date, and asks only the fields the import reads. A run before
// BODACC_FEED_EVERY does nothing; the next re-reads the overlap and finds
// duplicates only. The rectification and cancellation published later
// replace and withdraw, as the file import does.
func testFeedImportsAndRereads(t *testing.T, f *fixture) {
	p, srv := newPortal(t)
	p.publish(t, 0, 1, 2)
	f.now = time.Date(2026, 1, 21, 7, 0, 0, 0, time.UTC)
	uc := f.feed(t, srv)
	var logs bytes.Buffer
	uc.Log = slog.New(slog.NewJSONHandler(&logs, nil))

	runs, err := uc.Run(f.ctx)
	if err != nil || len(runs) != 1 || !runs[0].Polled {
		t.Fatalf("first run %+v %v", runs, err)
	}
	if rep := runs[0].Report; rep.Records != 3 || rep.Imported != 3 || rep.Duplicates != 0 || len(rep.Rejected) != 0 {
		t.Errorf("first report %+v", rep)
	}
	if through, polled := f.cursor(t); through != "2026-01-20" || polled == nil || !polled.Equal(f.now) {
		t.Errorf("cursor after the first run: %s, %v", through, polled)
	}
	qs := p.requests()
	if len(qs) != 2 { // 3 records, pages of 2
		t.Fatalf("%d requests, want 2 pages", len(qs))
	}
	for i, q := range qs {
		where := q.Get("where")
		if !strings.Contains(where, `familleavis="collective"`) || !strings.Contains(where, `numerodepartement="91"`) ||
			!strings.Contains(where, `dateparution>=date'2026-01-18'`) {
			t.Errorf("where %q: want the family, the département and 3 days before today", where)
		}
		if q.Get("offset") != strconv.Itoa(2*i) || q.Get("limit") != "2" {
			t.Errorf("page %d: offset %s limit %s", i, q.Get("offset"), q.Get("limit"))
		}
		if sel := q.Get("select"); strings.Contains(sel, "listepersonnes") || strings.Contains(sel, "commercant") ||
			!strings.Contains(sel, "registre") || !strings.Contains(sel, "jugement") {
			t.Errorf("select %q: want the fields the import reads, not the people's names", sel)
		}
	}

	// Not due yet: no request.
	f.now = f.now.Add(time.Hour)
	if runs, err := uc.Run(f.ctx); err != nil || runs[0].Polled || len(p.requests()) != 2 {
		t.Fatalf("run before BODACC_FEED_EVERY: %+v %v, %d requests", runs, err, len(p.requests()))
	}

	// Due: re-reads from 3 days before the cursor, duplicates only.
	f.now = f.now.Add(6 * time.Hour)
	runs, err = uc.Run(f.ctx)
	if err != nil || !runs[0].Polled {
		t.Fatalf("second run %+v %v", runs, err)
	}
	if rep := runs[0].Report; rep.Records != 3 || rep.Duplicates != 3 || rep.Imported+rep.Replaced+rep.Withdrawn != 0 {
		t.Errorf("second report %+v", rep)
	}
	if where := p.requests()[2].Get("where"); !strings.Contains(where, `dateparution>=date'2026-01-17'`) {
		t.Errorf("second run's where %q: want 3 days before the cursor", where)
	}
	if through, _ := f.cursor(t); through != "2026-01-20" {
		t.Errorf("cursor after the second run: %s", through)
	}

	// Published later: a rectification, a cancellation, two bad notices,
	// another family (and another département's notice, not served).
	p.publish(t, 3, 4, 5, 6, 7)
	p.mu.Lock()
	other := maps.Clone(p.published[0])
	other["numerodepartement"], other["id"], other["dateparution"] = "77", "A202600259999", "2026-01-25"
	p.published = append(p.published, other)
	p.mu.Unlock()
	f.now = time.Date(2026, 1, 26, 7, 0, 0, 0, time.UTC)
	runs, err = uc.Run(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep := runs[0].Report
	// The fake filters on the family as the portal does: the radiation is
	// not served.
	if rep.Records != 7 || rep.Imported != 0 || rep.Replaced != 1 || rep.Withdrawn != 1 || rep.Duplicates != 3 || rep.Ignored != 0 {
		t.Errorf("third report %+v", rep)
	}
	got := map[string]string{}
	for _, r := range rep.Rejected {
		got[strconv.Itoa(r.Index)] = r.Reason
	}
	if len(got) != 2 || !slices.Contains(slices.Collect(maps.Values(got)), signal.ReasonJugement) ||
		!slices.Contains(slices.Collect(maps.Values(got)), signal.ReasonSIREN) {
		t.Errorf("rejections %v", got)
	}
	want := []string{
		"20260020-1401 830249439 replaced redressement_judiciaire 2026-01-13",
		"20260020-1402 512345679 active liquidation_judiciaire 2026-01-12",
		"20260020-1403 443061841 withdrawn sauvegarde 2026-01-14",
		"20260025-1010 830249439 active redressement_judiciaire 2026-01-14",
		"court 512345679 liquidation_judiciaire 2026-01-12",
		"court 830249439 redressement_judiciaire 2026-01-14",
	}
	if got := f.rows(t); !slices.Equal(got, want) {
		t.Fatalf("rows\n%q\nwant\n%q", got, want)
	}
	if through, _ := f.cursor(t); through != "2026-01-25" {
		t.Errorf("cursor after the third run: %s", through)
	}
	if n := f.count(t, `SELECT count(*) FROM businesses WHERE scored_at IS NOT NULL`); n != 3 {
		t.Errorf("%d businesses scored, want the 3 with notices", n)
	}
	// The runs are logged, with the rejections' reasons but no SIREN (the
	// rejected one's detail quotes its registre).
	if !strings.Contains(logs.String(), `"msg":"BODACC feed imported"`) || !strings.Contains(logs.String(), `"rejected_reasons":{"jugement":1,"siren":1}`) {
		t.Errorf("logs:\n%s", logs.String())
	}
	for _, siren := range []string{"830249439", "830 249 4", "512345679", "512 345 6", "443061841", "443 061 8", "830249437"} {
		if strings.Contains(logs.String(), siren) {
			t.Errorf("the logs name a SIREN (%s):\n%s", siren, logs.String())
		}
	}
}

// testFeedFailure: a 500, then a page that is not the API's JSON, on the
// second page: nothing of the first page is stored and the cursor does
// not move; the next run, the portal back, imports everything.
func testFeedFailure(t *testing.T, f *fixture) {
	p, srv := newPortal(t)
	p.publish(t, 0, 1, 2)
	f.now = time.Date(2026, 1, 21, 7, 0, 0, 0, time.UTC)
	uc := f.feed(t, srv)
	for _, answer := range []struct {
		status int
		body   string
	}{
		{http.StatusInternalServerError, `{"error": "internal"}`},
		{http.StatusOK, `<html><body>Maintenance</body></html>`},
		{http.StatusOK, `{"total_count": 3}`},
		{http.StatusTooManyRequests, `{"error_code": "TooManyRequests"}`},
	} {
		p.mu.Lock()
		p.fail = func(offset int) (int, string) {
			if offset > 0 {
				return answer.status, answer.body
			}
			return 0, ""
		}
		p.mu.Unlock()
		runs, err := uc.Run(f.ctx)
		if err == nil || !runs[0].Polled {
			t.Fatalf("%d %s: run %+v, no error", answer.status, answer.body, runs)
		}
		if strings.Contains(err.Error(), "830249439") || strings.Contains(err.Error(), "830 249 439") {
			t.Errorf("the error names a SIREN: %v", err)
		}
		if n := f.count(t, `SELECT count(*) FROM signals`) + f.count(t, `SELECT count(*) FROM bodacc_notices`); n != 0 {
			t.Errorf("%d %s: %d rows stored", answer.status, answer.body, n)
		}
		if through, polled := f.cursor(t); through != "" || polled != nil {
			t.Errorf("%d %s: cursor moved to %s, %v", answer.status, answer.body, through, polled)
		}
	}
	p.mu.Lock()
	p.fail = nil
	p.mu.Unlock()
	runs, err := uc.Run(f.ctx)
	if err != nil || runs[0].Report.Imported != 3 {
		t.Fatalf("run after the portal came back: %+v %v", runs, err)
	}
	if through, _ := f.cursor(t); through != "2026-01-20" {
		t.Errorf("cursor %s", through)
	}
}

// testFeedConcurrent: two replicas' runs at once: one polls, the other
// finds the cursor held and does nothing; once the first is done, the
// second is not due. The notices are imported once.
func testFeedConcurrent(t *testing.T, f *fixture) {
	p, srv := newPortal(t)
	p.publish(t, 0, 1, 2)
	p.hold, p.arrived = make(chan struct{}), make(chan struct{}, 1)
	f.now = time.Date(2026, 1, 21, 7, 0, 0, 0, time.UTC)
	a, b := f.feed(t, srv), f.feed(t, srv)
	type result struct {
		runs []app.FeedRun
		err  error
	}
	first := make(chan result, 1)
	go func() {
		runs, err := a.Run(f.ctx)
		first <- result{runs, err}
	}()
	// The first run holds the cursor while it waits on the portal.
	select {
	case <-p.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the first run never reached the portal")
	}
	runs, err := b.Run(f.ctx)
	if err != nil || runs[0].Polled {
		t.Fatalf("second replica's run while the first polls: %+v %v", runs, err)
	}
	close(p.hold)
	r := <-first
	if r.err != nil || !r.runs[0].Polled || r.runs[0].Report.Imported != 3 {
		t.Fatalf("first replica's run %+v %v", r.runs, r.err)
	}
	runs, err = b.Run(f.ctx)
	if err != nil || runs[0].Polled {
		t.Fatalf("second replica's run after the first: %+v %v", runs, err)
	}
	if n := len(p.requests()); n != 2 {
		t.Errorf("%d requests to the portal, want the first run's 2 pages", n)
	}
	if n := f.count(t, `SELECT count(*) FROM signals`); n != 3 {
		t.Errorf("%d signals", n)
	}
}
