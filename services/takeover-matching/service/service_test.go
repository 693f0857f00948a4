package service_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/takeover-matching/service"
)

// harness runs takeover-matching on real Postgres and NATS, publishes as
// intake and advisor-desk would, and issues tokens as an OIDC provider
// would (its keys served over HTTP).
type harness struct {
	t      *testing.T
	admin  string
	url    string
	intake *natsbus.Bus
	desk   *natsbus.Bus
	js     jetstream.JetStream
	issuer *auth.Issuer
}

const testIssuer = "https://sso.test/realms/ccicma"

func start(t *testing.T) *harness {
	t.Helper()
	return startWith(t, nil)
}

// startWith starts the service with its configuration changed by change.
func startWith(t *testing.T, change func(*service.Config)) *harness {
	t.Helper()
	ctx := testkit.Context(t)
	admin := testkit.Database(t)
	nats := testkit.StartNATS(t)
	issuer, jwks := testkit.IDP(t, testIssuer)

	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	testkit.Platform(t, &cfg.Config, admin, nats, service.Name, service.Schema)
	cfg.JWKSURL, cfg.Issuer = jwks, testIssuer
	if change != nil {
		change(&cfg)
	}
	svc, err := service.New(ctx, cfg, testkit.Quiet())
	if err != nil {
		t.Fatalf("start takeover-matching: %v", err)
	}
	testkit.Run(t, ctx, svc.Run)

	h := &harness{t: t, admin: admin, url: "http://" + svc.Addr(), issuer: issuer}
	h.intake, h.desk = nats.Bus(t, "intake"), nats.Bus(t, "advisor-desk")
	_, h.js = nats.Admin(t)
	return h
}

func (h *harness) event(source, aggregate string, p events.Payload) events.Event {
	h.t.Helper()
	ev, err := events.New(source, aggregate, "91", p, time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return ev
}

func (h *harness) publish(bus *natsbus.Bus, evs ...events.Event) {
	h.t.Helper()
	for _, ev := range evs {
		if err := bus.Publish(context.Background(), ev); err != nil {
			h.t.Fatal(err)
		}
	}
}

func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	conn, err := pgx.Connect(context.Background(), h.admin)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (h *harness) advisor(id, chamber string, revision int64) {
	h.t.Helper()
	h.publish(h.desk, h.event("advisor-desk", id, events.AdvisorUpdated{AdvisorID: id, Revision: revision, Chamber: chamber,
		Departements: []string{"91"}, Specialities: []string{"takeover"}, Capacity: 10, Active: true, UpdatedAt: time.Now()}))
}

func (h *harness) advisorsProjected(n int) {
	h.t.Helper()
	testkit.Eventually(h.t, 10*time.Second, "directory projected", func() (bool, error) {
		return h.count(`SELECT count(*) FROM takeover_matching.advisors`) == n, nil
	})
}

// caughtUp waits until the service acknowledged every intake event up to
// stream sequence seq.
func (h *harness) caughtUp(seq uint64) {
	h.t.Helper()
	testkit.Eventually(h.t, 10*time.Second, "intake events handled", func() (bool, error) {
		cons, err := h.js.Consumer(context.Background(), "INTAKE", service.Name)
		if err != nil {
			return false, err
		}
		ci, err := cons.Info(context.Background())
		return err == nil && ci.AckFloor.Stream >= seq, err
	})
}

// published waits until the outbox is empty of unsent rows and returns how
// many events of each subject the TAKEOVER stream holds.
func (h *harness) published() map[string]uint64 {
	h.t.Helper()
	testkit.Eventually(h.t, 10*time.Second, "outbox relayed", func() (bool, error) {
		return h.count(`SELECT count(*) FROM takeover_matching.outbox WHERE sent_at IS NULL`) == 0, nil
	})
	st, err := h.js.Stream(context.Background(), "TAKEOVER")
	if err != nil {
		h.t.Fatal(err)
	}
	info, err := st.Info(context.Background(), jetstream.WithSubjectFilter("takeover.>"))
	if err != nil {
		h.t.Fatal(err)
	}
	return info.State.Subjects
}

func (h *harness) lastPayload(subject string, into any) {
	h.t.Helper()
	st, err := h.js.Stream(context.Background(), "TAKEOVER")
	if err != nil {
		h.t.Fatal(err)
	}
	msg, err := st.GetLastMsgForSubject(context.Background(), subject)
	if err != nil {
		h.t.Fatalf("last %s: %v", subject, err)
	}
	if err := json.Unmarshal(msg.Data, into); err != nil {
		h.t.Fatal(err)
	}
}

func offer(requestID string, confidential bool) events.TakeoverOfferSubmitted {
	p := events.TakeoverOfferSubmitted{RequestID: requestID, NAFCode: "10.71C", NAFVersion: "NAFRev2", Departement: "91",
		CommuneCode: "91228", SIRET: "35600000000048", Headcount: 4, RevenueBand: "300k_1m", GrossOperatingProfitBand: "25k_75k",
		AskingPrice: 250_000, DealTypes: []string{"fonds"}, Reason: "retirement", Timeline: "6m_12m", SubmittedAt: time.Now(),
		Routing: events.Routing{LeadChamber: "CMA", RuleID: "artisanal-always", Reason: "test", EPCI: "200056232"}}
	if confidential {
		p.Confidential, p.CommuneCode, p.SIRET, p.Routing.EPCI = true, "", "", ""
	}
	return p
}

func search(requestID string, sectors ...string) events.TakeoverSearchSubmitted {
	return events.TakeoverSearchSubmitted{RequestID: requestID, Sectors: sectors, NAFVersion: "NAFRev2",
		Departements: []string{"91"}, Mobility: "local", BudgetBand: "100k_300k", PersonalContributionBand: "50k_100k",
		HeadcountMin: 2, HeadcountMax: 8, DealTypes: []string{"fonds", "titres"}, Timeline: "6m_12m", Experience: "sector",
		SubmittedAt: time.Now(), Routing: events.Routing{LeadChamber: "CCI", RuleID: "buyer", Reason: "test"}}
}

const (
	offerReq  = "01900000-0000-7000-8000-000000000001"
	searchReq = "01900000-0000-7000-8000-000000000002"
	otherReq  = "01900000-0000-7000-8000-000000000003"
)

// TestRedeliveredOfferRegistersOnce: the same submitted event delivered
// twice (two messages with the same ce-id, past JetStream's
// de-duplication) registers one offer and emits one
// takeover.offer.registered, assigned to the takeover advisor of the lead
// chamber.
func TestRedeliveredOfferRegistersOnce(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(2)
	ev := h.event("intake", offerReq, offer(offerReq, true))
	for i, msgID := range []string{"first-copy", "second-copy"} {
		if _, err := h.intake.JS.PublishMsg(context.Background(), natsbus.Message(ev, nil), jetstream.WithMsgID(msgID)); err != nil {
			t.Fatalf("publish copy %d: %v", i, err)
		}
	}
	h.caughtUp(2)
	if n := h.count(`SELECT count(*) FROM takeover_matching.takeover_offers WHERE request_id = $1`, offerReq); n != 1 {
		t.Fatalf("%d offers, want 1", n)
	}
	subjects := h.published()
	if subjects["takeover.offer.registered.91"] != 1 || len(subjects) != 1 {
		t.Fatalf("TAKEOVER holds %v, want one takeover.offer.registered.91", subjects)
	}
	var reg events.TakeoverOfferRegistered
	h.lastPayload("takeover.offer.registered.91", &reg)
	if reg.AdvisorID != "cma-91-t" || reg.Chamber != "CMA" || !reg.Confidential || reg.RequestID != offerReq {
		t.Fatalf("registered = %+v", reg)
	}
	if n := h.count(`SELECT count(*) FROM takeover_matching.takeover_offers WHERE siret IS NOT NULL OR commune_code IS NOT NULL`); n != 0 {
		t.Fatal("a confidential offer was stored with identifiers")
	}
}

// TestOfferThenFittingSearchProposesOneMatch: an offer, then a search that
// fits it and one that does not, then the fitting search again under a
// new event id: exactly one takeover.match.proposed, between the offer
// and the fitting search.
func TestOfferThenFittingSearchProposesOneMatch(t *testing.T) {
	h := start(t)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisor("cci-91-t", "CCI", 1)
	h.advisorsProjected(2)
	h.publish(h.intake,
		h.event("intake", offerReq, offer(offerReq, true)),
		h.event("intake", searchReq, search(searchReq, "10.7")),
		h.event("intake", otherReq, search(otherReq, "47.11F")), // another trade
		h.event("intake", searchReq, search(searchReq, "10.7")), // the same request again
	)
	h.caughtUp(4)
	subjects := h.published()
	want := map[string]uint64{"takeover.offer.registered.91": 1, "takeover.search.registered.91": 2, "takeover.match.proposed.91": 1}
	if len(subjects) != len(want) {
		t.Fatalf("TAKEOVER holds %v, want %v", subjects, want)
	}
	for s, n := range want {
		if subjects[s] != n {
			t.Fatalf("TAKEOVER holds %v, want %v", subjects, want)
		}
	}
	var m events.TakeoverMatchProposed
	h.lastPayload("takeover.match.proposed.91", &m)
	if m.OfferChamber != "CMA" || m.SearchChamber != "CCI" || m.OfferAdvisorID != "cma-91-t" || m.SearchAdvisorID != "cci-91-t" ||
		m.Score != 100 || !slices.Equal(m.Criteria, []string{"sector", "area", "budget", "size", "deal_type", "timeline"}) {
		t.Fatalf("match = %+v", m)
	}
	if n := h.count(`SELECT count(*) FROM takeover_matching.takeover_matches m
		JOIN takeover_matching.buyer_searches s USING (search_id) WHERE s.request_id = $1`, searchReq); n != 1 {
		t.Fatalf("%d matches stored for the fitting search, want 1", n)
	}

	// The API is wired: the offer's chamber sees its matches, a missing
	// token gets 401.
	tok, err := h.issuer.Issue(auth.Principal{Subject: "cma-91-t", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/matches?offer_id=" + m.OfferID
	if status, body := h.get(path, tok.AccessToken); status != 200 || !strings.Contains(body, m.MatchID) {
		t.Fatalf("GET %s: %d %s", path, status, body)
	}
	if status, _ := h.get(path, ""); status != 401 {
		t.Fatalf("GET %s without token: %d, want 401", path, status)
	}
}

func (h *harness) get(path, token string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.url+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestPoisonEventIsDeadLetteredAndDoesNotBlock: a confidential offer that
// carries a SIRET can never be valid: it lands in DEADLETTER with its
// reason, nothing of it is stored, and the event behind it is registered.
func TestPoisonEventIsDeadLetteredAndDoesNotBlock(t *testing.T) {
	h := start(t)
	bad := offer(offerReq, true)
	bad.SIRET = "35600000000048"
	poison := h.event("intake", offerReq, bad)
	h.publish(h.intake, poison, h.event("intake", searchReq, search(searchReq, "10")))
	h.caughtUp(2)
	dl, err := h.js.Stream(context.Background(), "DEADLETTER")
	if err != nil {
		t.Fatal(err)
	}
	var msg *jetstream.RawStreamMsg
	testkit.Eventually(t, 10*time.Second, "poison event in DEADLETTER", func() (bool, error) {
		msg, err = dl.GetLastMsgForSubject(context.Background(), "deadletter.takeover-matching.intake.takeover.offer_submitted.91")
		return err == nil, err
	})
	if got := msg.Header.Get(events.HeaderID); got != poison.ID {
		t.Fatalf("dead letter ce-id %q, want %q", got, poison.ID)
	}
	if reason := msg.Header.Get(events.HeaderDeadReason); !strings.Contains(reason, "confidential") {
		t.Fatalf("dead letter reason %q does not say why", reason)
	}
	if n := h.count(`SELECT count(*) FROM takeover_matching.takeover_offers`); n != 0 {
		t.Fatalf("%d offers stored from a poison event", n)
	}
	if n := h.count(`SELECT count(*) FROM takeover_matching.buyer_searches WHERE request_id = $1`, searchReq); n != 1 {
		t.Fatalf("the search behind the poison event: %d stored, want 1", n)
	}
}

// TestRequestRoutedNowhereRegistersNothing: a request for neither chamber
// is acknowledged without an offer.
func TestRequestRoutedNowhereRegistersNothing(t *testing.T) {
	h := start(t)
	p := offer(offerReq, false)
	p.Routing = events.Routing{RuleID: "liberal-profession", Reason: "test"}
	h.publish(h.intake, h.event("intake", offerReq, p), h.event("intake", otherReq, offer(otherReq, false)))
	h.caughtUp(2)
	if n := h.count(`SELECT count(*) FROM takeover_matching.takeover_offers`); n != 1 {
		t.Fatalf("%d offers, want only the routed one", n)
	}
}

// TestWithoutKeysTheAPIIsUnavailable: a service started without
// AUTH_JWKS_URL still consumes, and its API answers 503 rather than
// serving anyone.
func TestWithoutKeysTheAPIIsUnavailable(t *testing.T) {
	h := startWith(t, func(c *service.Config) { c.JWKSURL = "" })
	h.publish(h.intake, h.event("intake", offerReq, offer(offerReq, false)))
	h.caughtUp(1)
	tok, err := h.issuer.Issue(auth.Principal{Subject: "cma-91-t", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := h.get("/api/v1/takeover-offers", tok.AccessToken); status != 503 || strings.Contains(body, offerReq) {
		t.Fatalf("GET without keys: %d %s, want 503", status, body)
	}
}

// TestMatchThresholdIsChecked: a threshold outside 0-100 is refused at start.
func TestMatchThresholdIsChecked(t *testing.T) {
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MatchThreshold != 60 {
		t.Fatalf("default threshold %d, want 60", cfg.MatchThreshold)
	}
	cfg.MatchThreshold = 101
	if _, err := service.New(testkit.Context(t), cfg, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), "MATCH_THRESHOLD") {
		t.Fatalf("threshold 101: err %v", err)
	}
}

// TestSearchThenOfferAndLoadSpreads: searches first, then the offer that
// fits them: one match per fitting search, proposed when the offer
// registers; the searches go in turn to the chamber's least loaded
// available takeover advisor, never to an absent one.
func TestSearchThenOfferAndLoadSpreads(t *testing.T) {
	h := start(t)
	h.advisor("cci-91-a", "CCI", 1)
	h.advisor("cci-91-b", "CCI", 1)
	h.advisor("cma-91-t", "CMA", 1)
	until := time.Now().Add(48 * time.Hour)
	h.publish(h.desk, h.event("advisor-desk", "cci-91-c", events.AdvisorUpdated{AdvisorID: "cci-91-c", Revision: 1, Chamber: "CCI",
		Departements: []string{"91"}, Specialities: []string{"takeover"}, Capacity: 10, Active: true, AbsentUntil: &until, UpdatedAt: time.Now()}))
	h.advisorsProjected(4)
	h.publish(h.intake,
		h.event("intake", searchReq, search(searchReq, "10")),
		h.event("intake", otherReq, search(otherReq, "10.71C")),
	)
	h.caughtUp(2)
	h.publish(h.intake, h.event("intake", offerReq, offer(offerReq, false)))
	h.caughtUp(3)
	subjects := h.published()
	if subjects["takeover.match.proposed.91"] != 2 || subjects["takeover.search.registered.91"] != 2 || subjects["takeover.offer.registered.91"] != 1 {
		t.Fatalf("TAKEOVER holds %v, want two searches, one offer, two matches", subjects)
	}
	if n := h.count(`SELECT count(DISTINCT advisor_id) FROM takeover_matching.buyer_searches WHERE advisor_id IN ('cci-91-a', 'cci-91-b')`); n != 2 {
		t.Fatalf("the two searches went to %d of the two available advisors", n)
	}
	if n := h.count(`SELECT open_cases FROM takeover_matching.advisors WHERE advisor_id = 'cci-91-c'`); n != 0 {
		t.Fatalf("the absent advisor got %d searches", n)
	}
}
