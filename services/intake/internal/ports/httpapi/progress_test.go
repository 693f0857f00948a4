package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

const caseID = "01900000-0000-7000-8000-00000000c0de"

// progressEnv submits requests and feeds the chambers' events to
// intake's tracking use case, then reads the status API back.
type progressEnv struct {
	*env
	track app.TrackCase
	t0    time.Time
}

func (e progressEnv) event(t *testing.T, aggregate string, p events.Payload) events.Event {
	t.Helper()
	ev, err := events.New("test", aggregate, "91", p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (e progressEnv) status(t *testing.T, path string) (status, chamber string) {
	t.Helper()
	r := e.do(t, http.MethodGet, path, "", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, r.status)
	}
	return str(r.body["status"]), str(r.body["chamber"])
}

func (e progressEnv) expect(t *testing.T, path, step, wantStatus, wantChamber string) {
	t.Helper()
	if st, ch := e.status(t, path); st != wantStatus || ch != wantChamber {
		t.Fatalf("after %s: status %q chamber %q, want %q %q", step, st, ch, wantStatus, wantChamber)
	}
}

func (e progressEnv) must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestStatusFollowsTheCase: a creation request goes received → assigned
// (case opened with an advisor) → in charge; a hand-back to the other
// chamber shows the new chamber and waits again for the new advisor; late
// and repeated events never move it backwards.
func TestStatusFollowsTheCase(t *testing.T) {
	e := progressEnv{env: setup(t), t0: time.Now().UTC().Add(-time.Hour)}
	e.track = app.TrackCase{Progress: postgres.New(e.pool, e.waker)}
	id := str(e.post(t, bakery, "").body["request_id"])
	path := httpapi.CreationPath + "/" + id
	opened := func(advisor string, at time.Time) events.CreationCaseOpened {
		return events.CreationCaseOpened{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: advisor,
			CommuneCode: "91228", Departement: "91", OpenedAt: at}
	}

	p := opened("", e.t0)
	e.must(t, e.track.CaseOpened(e.ctx, e.event(t, caseID, p), p))
	e.expect(t, path, "a case without advisor", "received", "CMA")

	p = opened("cma-91-001", e.t0.Add(time.Minute))
	ev := e.event(t, caseID, p)
	for range 2 { // a redelivery changes nothing
		e.must(t, e.track.CaseOpened(e.ctx, ev, p))
	}
	e.expect(t, path, "the case opened", "assigned", "CMA")

	taken := events.CreationCaseTakenInCharge{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-001", TakenAt: e.t0.Add(2 * time.Minute)}
	e.must(t, e.track.CaseTakenInCharge(e.ctx, e.event(t, caseID, taken), taken))
	e.expect(t, path, "taken in charge", "in_charge", "CMA")

	late := opened("cma-91-001", e.t0.Add(90*time.Second)) // another delivery of an older state
	e.must(t, e.track.CaseOpened(e.ctx, e.event(t, caseID, late), late))
	e.expect(t, path, "a late event", "in_charge", "CMA")

	// A prevention case raised at a post-creation checkpoint is not the
	// creation request's progress: its status, advisors and e-mails stay
	// the creation case's, and the holder hears nothing of it.
	mails := e.count(t, "mail_queue")
	observed := events.DifficultyCaseOpened{CaseID: "01900000-0000-7000-8000-0000000000d1", RequestID: id, Chamber: "CMA",
		AdvisorIDs: []string{"cma-91-002"}, Level: events.DifficultyCallBack, Source: events.DifficultySourceAdvisorObservation,
		Departement: "91", OpenedAt: e.t0.Add(150 * time.Second)}
	e.must(t, e.track.DifficultyCaseOpened(e.ctx, e.event(t, observed.CaseID, observed), observed))
	e.expect(t, path, "a prevention case of the business", "in_charge", "CMA")
	var advisors []string
	e.must(t, e.pool.QueryRow(e.ctx, `SELECT advisor_ids FROM requests WHERE request_id = $1`, id).Scan(&advisors))
	if len(advisors) != 1 || advisors[0] != "cma-91-001" {
		t.Fatalf("the creation request's advisors became %v", advisors)
	}
	if n := e.count(t, "mail_queue"); n != mails {
		t.Fatalf("%d e-mails queued by the prevention case", n-mails)
	}

	moved := events.CreationCaseReassigned{CaseID: caseID, RequestID: id, Chamber: "CCI", SecondaryChamber: "CMA",
		AdvisorID: "cci-91-001", PreviousChamber: "CMA", PreviousAdvisorID: "cma-91-001",
		Reason: events.ReassignWrongChamber, ReassignedAt: e.t0.Add(3 * time.Minute)}
	e.must(t, e.track.CaseReassigned(e.ctx, e.event(t, caseID, moved), moved))
	e.expect(t, path, "a hand-back to the CCI", "assigned", "CCI")
}

// TestStatusFollowsTakeoverAndDifficulty: offers and searches show as
// assigned once takeover-matching registers them with an advisor; a
// difficulty report's status stays confidential whatever happens.
func TestStatusFollowsTakeoverAndDifficulty(t *testing.T) {
	e := progressEnv{env: setup(t), t0: time.Now().UTC()}
	e.track = app.TrackCase{Progress: postgres.New(e.pool, e.waker)}
	const offerID, searchID = "01900000-0000-7000-8000-0000000000f1", "01900000-0000-7000-8000-0000000000f2"

	offer := str(e.do(t, http.MethodPost, httpapi.TakeoverOfferPath, "application/json", "", []byte(offerJSON)).body["request_id"])
	reg := events.TakeoverOfferRegistered{OfferID: offerID, RequestID: offer, Chamber: "CMA", NAFCode: "10.71C", Departement: "91", RegisteredAt: e.t0}
	e.must(t, e.track.OfferRegistered(e.ctx, e.event(t, offerID, reg), reg))
	e.expect(t, httpapi.TakeoverOfferPath+"/"+offer, "an offer without advisor", "received", "CMA")
	reg.AdvisorID, reg.RegisteredAt = "cma-91-001", e.t0.Add(time.Second)
	e.must(t, e.track.OfferRegistered(e.ctx, e.event(t, offerID, reg), reg))
	e.expect(t, httpapi.TakeoverOfferPath+"/"+offer, "the offer registered", "assigned", "CMA")

	search := str(e.do(t, http.MethodPost, httpapi.BuyerSearchPath, "application/json", "", []byte(searchJSON)).body["request_id"])
	sreg := events.TakeoverSearchRegistered{SearchID: searchID, RequestID: search, Chamber: "CCI", AdvisorID: "cci-91-001", RegisteredAt: e.t0}
	e.must(t, e.track.SearchRegistered(e.ctx, e.event(t, searchID, sreg), sreg))
	e.expect(t, httpapi.BuyerSearchPath+"/"+search, "the search registered", "assigned", "CCI")

	// Handed back, then taken in charge: the applicant sees each.
	back := events.TakeoverOfferReassigned{OfferID: offerID, RequestID: offer, Chamber: "CMA", AdvisorID: "cma-91-002",
		PreviousAdvisorID: "cma-91-001", Reason: events.ReassignNoCapacity, ReassignedAt: e.t0.Add(2 * time.Second)}
	e.must(t, e.track.OfferReassigned(e.ctx, e.event(t, offerID, back), back))
	e.expect(t, httpapi.TakeoverOfferPath+"/"+offer, "the offer handed back", "assigned", "CMA")
	took := events.TakeoverOfferTakenInCharge{OfferID: offerID, RequestID: offer, Chamber: "CMA", AdvisorID: "cma-91-002",
		TakenAt: e.t0.Add(3 * time.Second)}
	e.must(t, e.track.OfferTakenInCharge(e.ctx, e.event(t, offerID, took), took))
	e.expect(t, httpapi.TakeoverOfferPath+"/"+offer, "the offer taken in charge", "in_charge", "CMA")
	stook := events.TakeoverSearchTakenInCharge{SearchID: searchID, RequestID: search, Chamber: "CCI", AdvisorID: "cci-91-001",
		TakenAt: e.t0.Add(time.Second)}
	e.must(t, e.track.SearchTakenInCharge(e.ctx, e.event(t, searchID, stook), stook))
	e.expect(t, httpapi.BuyerSearchPath+"/"+search, "the search taken in charge", "in_charge", "CCI")
	sback := events.TakeoverSearchReassigned{SearchID: searchID, RequestID: search, Chamber: "CCI", AdvisorID: "cci-91-002",
		PreviousAdvisorID: "cci-91-001", Reason: events.ReassignNoCapacity, ReassignedAt: e.t0}
	e.must(t, e.track.SearchReassigned(e.ctx, e.event(t, searchID, sback), sback))
	e.expect(t, httpapi.BuyerSearchPath+"/"+search, "a hand-back older than the taking in charge", "in_charge", "CCI")

	report := str(e.do(t, http.MethodPost, httpapi.DifficultyPath, "application/json", "", []byte(difficultyJSON)).body["request_id"])
	dc := events.DifficultyCaseOpened{CaseID: caseID, RequestID: report, Chamber: "CMA", AdvisorIDs: []string{"cma-91-002"},
		Level: events.DifficultyCallBack, Departement: "91", OpenedAt: e.t0}
	e.must(t, e.track.DifficultyCaseOpened(e.ctx, e.event(t, caseID, dc), dc))
	e.expect(t, httpapi.DifficultyPath+"/"+report, "the difficulty case opened (confidential)", "received", "")
	var stored string
	e.must(t, e.pool.QueryRow(e.ctx, `SELECT status FROM requests WHERE request_id = $1`, report).Scan(&stored))
	if stored != "assigned" {
		t.Fatalf("stored status of the report %q, want assigned (kept for the advisors, hidden from the link)", stored)
	}
}

// TestRedeliveredStepIsSkippedByTheInbox: the inbox claim, not only the
// time guard, keeps a step from being applied twice: a redelivery finds
// the event claimed and leaves the request as it is, even where the guard
// alone would let the step through again.
func TestRedeliveredStepIsSkippedByTheInbox(t *testing.T) {
	e := progressEnv{env: setup(t), t0: time.Now().UTC().Add(-time.Hour)}
	e.track = app.TrackCase{Progress: postgres.New(e.pool, e.waker)}
	id := str(e.post(t, bakery, "").body["request_id"])
	path := httpapi.CreationPath + "/" + id
	p := events.CreationCaseOpened{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-001",
		CommuneCode: "91228", Departement: "91", OpenedAt: e.t0}
	ev := e.event(t, caseID, p)
	e.must(t, e.track.CaseOpened(e.ctx, ev, p))
	e.expect(t, path, "the case opened", "assigned", "CMA")
	// Forget the progress, as if the step had never been applied to the row.
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET status = 'received', progress_at = NULL WHERE request_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	e.must(t, e.track.CaseOpened(e.ctx, ev, p))
	e.expect(t, path, "a redelivery", "received", "CMA")
}

// TestStatusFollowsTheCreationJourney: the stage the advisor reached shows
// on the status, a late stage change does not move it back, and the
// outcome shows once the business is registered, then once the case
// closes.
func TestStatusFollowsTheCreationJourney(t *testing.T) {
	e := progressEnv{env: setup(t), t0: time.Now().UTC().Add(-time.Hour)}
	e.track = app.TrackCase{Progress: postgres.New(e.pool, e.waker)}
	id := str(e.post(t, bakery, "").body["request_id"])
	path := httpapi.CreationPath + "/" + id
	journey := func(step string) (status, stage, outcome string) {
		t.Helper()
		r := e.do(t, http.MethodGet, path, "", "", nil)
		if r.status != http.StatusOK {
			t.Fatalf("after %s: GET %s: %d", step, path, r.status)
		}
		return str(r.body["status"]), str(r.body["stage"]), str(r.body["outcome"])
	}
	moved := func(from, to string, at time.Duration) events.CreationCaseStageChanged {
		return events.CreationCaseStageChanged{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-001",
			From: from, To: to, ChangedAt: e.t0.Add(at)}
	}
	for _, m := range []events.CreationCaseStageChanged{moved("welcome", "diagnosis", time.Minute), moved("diagnosis", "business_plan", 3*time.Minute)} {
		e.must(t, e.track.CaseStageChanged(e.ctx, e.event(t, caseID, m), m))
	}
	late := moved("welcome", "diagnosis", 2*time.Minute)
	e.must(t, e.track.CaseStageChanged(e.ctx, e.event(t, caseID, late), late))
	if st, stage, out := journey("two moves and a late one"); st != "in_charge" || stage != "business_plan" || out != "" {
		t.Fatalf("status %q stage %q outcome %q", st, stage, out)
	}
	reg := events.CreationCaseRegistered{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-001",
		LegalForm: "SARL", RegisteredOn: "2026-03-02", RecordedAt: e.t0.Add(5 * time.Minute)}
	toFollowUp := moved("formalities", "follow_up", 5*time.Minute)
	e.must(t, e.track.CaseStageChanged(e.ctx, e.event(t, caseID, toFollowUp), toFollowUp))
	e.must(t, e.track.CaseRegistered(e.ctx, e.event(t, caseID, reg), reg))
	if st, stage, out := journey("registration"); st != "in_charge" || stage != "follow_up" || out != "registered" {
		t.Fatalf("status %q stage %q outcome %q", st, stage, out)
	}
	closed := events.CreationCaseClosed{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-001",
		From: "follow_up", Outcome: events.OutcomeFollowedUp, ClosedAt: e.t0.Add(6 * time.Minute)}
	e.must(t, e.track.CaseClosed(e.ctx, e.event(t, caseID, closed), closed))
	if st, stage, out := journey("the end of the follow-up"); st != "closed" || stage != "follow_up" || out != "followed_up" {
		t.Fatalf("status %q stage %q outcome %q", st, stage, out)
	}
}

// TestRedirectedProjectKeepsItsStatusWhenItsDraftSearchOpens: a creation
// project redirected to takeover shows as closed with that outcome; the
// draft buyer search takeover-matching then opens for the same request
// does not turn it back into an assigned request.
func TestRedirectedProjectKeepsItsStatusWhenItsDraftSearchOpens(t *testing.T) {
	e := progressEnv{env: setup(t), t0: time.Now().UTC().Add(-time.Hour)}
	e.track = app.TrackCase{Progress: postgres.New(e.pool, e.waker)}
	id := str(e.post(t, bakery, "").body["request_id"])
	path := httpapi.CreationPath + "/" + id
	redirected := events.CreationCaseRedirectedToTakeover{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-001",
		CommuneCode: "91228", Departement: "91", RedirectedAt: e.t0.Add(time.Minute)}
	e.must(t, e.track.CaseRedirectedToTakeover(e.ctx, e.event(t, caseID, redirected), redirected))
	const searchID = "01900000-0000-7000-8000-0000000000f3"
	draft := events.TakeoverSearchRegistered{SearchID: searchID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-t",
		Draft: true, RegisteredAt: e.t0.Add(2 * time.Minute)}
	e.must(t, e.track.SearchRegistered(e.ctx, e.event(t, searchID, draft), draft))
	r := e.do(t, http.MethodGet, path, "", "", nil)
	if r.status != http.StatusOK || str(r.body["status"]) != "closed" || str(r.body["outcome"]) != events.OutcomeRedirectedToTakeover {
		t.Fatalf("GET %s after the draft search: %d %v", path, r.status, r.body)
	}
}
