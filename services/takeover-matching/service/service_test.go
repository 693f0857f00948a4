package service_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/telemetry"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/services/takeover-matching/service"
)

// harness runs takeover-matching on real Postgres and NATS, publishes as
// intake and advisor-desk would, and issues tokens as an OIDC provider
// would (its keys served over HTTP).
type harness struct {
	*testkit.Harness
	t      *testing.T
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
	h := &harness{Harness: testkit.NewHarness(t, service.Name, service.Schema), t: t}
	cfg := testkit.Load(h.Harness, service.LoadConfig)
	h.issuer = h.Trust(t, &cfg.AuthConfig, testIssuer)
	if change != nil {
		change(&cfg)
	}
	h.Serve(service.New(h.Ctx, cfg, testkit.Quiet()))
	return h
}

func (h *harness) advisor(id, chamber string, revision int64) {
	h.t.Helper()
	h.Publish(h.t, h.Event(h.t, "advisor-desk", id, events.AdvisorUpdated{AdvisorID: id, Revision: revision, Chamber: chamber,
		Departements: []string{"91"}, Specialities: []string{"takeover"}, Capacity: 10, Active: true, UpdatedAt: time.Now()}))
}

func (h *harness) advisorsProjected(n int) {
	h.t.Helper()
	h.DB.WaitCount(h.t, "directory projected", n, `SELECT count(*) FROM takeover_matching.advisors`)
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

// vetting is the body that vets the offer of offer(): its figures, deal
// and timeline as submitted (the scores stay those of the submission), a
// teaser at class and département level.
const vetting = `{"file":{"owner":"Gérant depuis 1998","business":"Boulangerie","customers":"Locale","equipment":"Four",
	"staff":"3 vendeuses","results":"Stables","reason_for_sale":"Retraite","revenue":450000,"gross_operating_profit":60000,
	"headcount":4,"price":250000},"teaser":{"sector_level":"class","place_level":"departement","revenue_band":"300k_1m",
	"gross_operating_profit_band":"25k_75k","headcount_band":"3_5","price_band":"100k_300k","deal_types":["fonds"],"timeline":"6m_12m"}}`

// vet publishes the offer of an intake request as a manager of the CMA
// (the lead chamber of offer()) would, and returns its id.
func (h *harness) vet(t *testing.T, requestID string) string {
	t.Helper()
	id := h.DB.Text(t, `SELECT offer_id::text FROM takeover_matching.takeover_offers WHERE request_id = $1`, requestID)
	tok := h.token(t, auth.Principal{Subject: "cma-91-m", Chamber: "CMA", Roles: []auth.Role{auth.RoleManager}})
	if a := h.Call(t, http.MethodPost, "/api/v1/takeover-offers/"+id+"/vetting", tok, vetting); a.Status != http.StatusOK {
		t.Fatalf("vet offer %s: %d %s", id, a.Status, a.Body)
	}
	return id
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
	ev := h.Event(t, "intake", offerReq, offer(offerReq, true))
	h.PublishCopy(t, ev, "first-copy")
	h.CaughtUp(t, h.PublishCopy(t, ev, "second-copy"))
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.takeover_offers WHERE request_id = $1`, offerReq); n != 1 {
		t.Fatalf("%d offers, want 1", n)
	}
	subjects := h.Published(t, events.StreamTakeover)
	if subjects["takeover.offer.registered.91"] != 1 || len(subjects) != 1 {
		t.Fatalf("TAKEOVER holds %v, want one takeover.offer.registered.91", subjects)
	}
	var reg events.TakeoverOfferRegistered
	h.LastEvent(t, events.StreamTakeover, "takeover.offer.registered.91", &reg)
	if reg.AdvisorID != "cma-91-t" || reg.Chamber != "CMA" || !reg.Confidential || reg.RequestID != offerReq {
		t.Fatalf("registered = %+v", reg)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.takeover_offers WHERE siret IS NOT NULL OR commune_code IS NOT NULL`); n != 0 {
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
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, true))))
	h.vet(t, offerReq)
	h.CaughtUp(t, h.Publish(t,
		h.Event(t, "intake", searchReq, search(searchReq, "10.7")),
		h.Event(t, "intake", otherReq, search(otherReq, "47.11F")), // another trade
		h.Event(t, "intake", searchReq, search(searchReq, "10.7")), // the same request again
	))
	subjects := h.Published(t, events.StreamTakeover)
	want := map[string]uint64{"takeover.offer.registered.91": 1, "takeover.offer.published.91": 1, "takeover.search.registered.91": 2,
		"takeover.match.proposed.91": 1}
	if len(subjects) != len(want) {
		t.Fatalf("TAKEOVER holds %v, want %v", subjects, want)
	}
	for s, n := range want {
		if subjects[s] != n {
			t.Fatalf("TAKEOVER holds %v, want %v", subjects, want)
		}
	}
	var m events.TakeoverMatchProposed
	h.LastEvent(t, events.StreamTakeover, "takeover.match.proposed.91", &m)
	if m.OfferChamber != "CMA" || m.SearchChamber != "CCI" || m.OfferAdvisorID != "cma-91-t" || m.SearchAdvisorID != "cci-91-t" ||
		m.Score != 84 || !slices.Equal(m.Criteria, []string{"budget", "size", "deal_type", "timeline", "experience"}) {
		t.Fatalf("match = %+v", m)
	}
	// The event says how the score was reached, in codes and points.
	if m.RulesVersion != "2026.1" || len(m.Contributions) != 6 ||
		m.Contributions[0] != (events.MatchContribution{Criterion: "sector", Level: "group", Points: 25, MaxPoints: 35}) ||
		m.Contributions[1] != (events.MatchContribution{Criterion: "area", Level: "departement", Points: 14, MaxPoints: 20}) {
		t.Fatalf("match contributions = %+v (rules %q)", m.Contributions, m.RulesVersion)
	}
	const why = "même groupe d'activités (10.7), même département, prix dans le budget avec un apport de 30 %, " +
		"effectif dans la fourchette recherchée, même échéance, expérience du secteur"
	if got := h.DB.Text(t, `SELECT explanation FROM takeover_matching.takeover_matches WHERE match_id = $1`, m.MatchID); got != why {
		t.Fatalf("stored explanation %q, want %q", got, why)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.takeover_matches m
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
	if a := h.Call(t, http.MethodGet, path, tok.AccessToken, ""); a.Status != 200 || !strings.Contains(a.Body, m.MatchID) ||
		!strings.Contains(a.Body, `"explanation":"même groupe d'activités (10.7)`) || !strings.Contains(a.Body, `"rules_version":"2026.1"`) {
		t.Fatalf("GET %s: %d %s", path, a.Status, a.Body)
	}
	if a := h.Call(t, http.MethodGet, path, "", ""); a.Status != 401 {
		t.Fatalf("GET %s without token: %d, want 401", path, a.Status)
	}
}

// TestPoisonEventIsDeadLetteredAndDoesNotBlock: a confidential offer that
// carries a SIRET can never be valid: it lands in DEADLETTER with its
// reason, nothing of it is stored, and the event behind it is registered.
func TestPoisonEventIsDeadLetteredAndDoesNotBlock(t *testing.T) {
	h := start(t)
	bad := offer(offerReq, true)
	bad.SIRET = "35600000000048"
	poison := h.Event(t, "intake", offerReq, bad)
	h.CaughtUp(t, h.Publish(t, poison, h.Event(t, "intake", searchReq, search(searchReq, "10"))))
	if reason := h.DeadLetter(t, poison); !strings.Contains(reason, "confidential") {
		t.Fatalf("dead letter reason %q does not say why", reason)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.takeover_offers`); n != 0 {
		t.Fatalf("%d offers stored from a poison event", n)
	}
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.buyer_searches WHERE request_id = $1`, searchReq); n != 1 {
		t.Fatalf("the search behind the poison event: %d stored, want 1", n)
	}
}

// TestRequestRoutedNowhereRegistersNothing: a request for neither chamber
// is acknowledged without an offer.
func TestRequestRoutedNowhereRegistersNothing(t *testing.T) {
	h := start(t)
	p := offer(offerReq, false)
	p.Routing = events.Routing{RuleID: "liberal-profession", Reason: "test"}
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, p), h.Event(t, "intake", otherReq, offer(otherReq, false))))
	if n := h.DB.Count(t, `SELECT count(*) FROM takeover_matching.takeover_offers`); n != 1 {
		t.Fatalf("%d offers, want only the routed one", n)
	}
}

// TestWithoutKeysTheAPIIsUnavailable: a service started without
// AUTH_JWKS_URL still consumes, and its API answers 503 rather than
// serving anyone.
func TestWithoutKeysTheAPIIsUnavailable(t *testing.T) {
	h := startWith(t, func(c *service.Config) { c.JWKSURL = "" })
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, false))))
	tok, err := h.issuer.Issue(auth.Principal{Subject: "cma-91-t", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	if a := h.Call(t, http.MethodGet, "/api/v1/takeover-offers", tok.AccessToken, ""); a.Status != 503 || strings.Contains(a.Body, offerReq) {
		t.Fatalf("GET without keys: %d %s, want 503", a.Status, a.Body)
	}
}

// TestMatchThresholdIsChecked: without MATCH_THRESHOLD the rules'
// threshold applies; a threshold outside 0-100 is refused at start.
func TestMatchThresholdIsChecked(t *testing.T) {
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MatchThreshold != nil || cfg.MatchingRulesFile != "" {
		t.Fatalf("default threshold %v, rules %q: want the embedded rules' own", cfg.MatchThreshold, cfg.MatchingRulesFile)
	}
	over := 101
	cfg.MatchThreshold = &over
	if _, err := service.New(testkit.Context(t), cfg, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), "MATCH_THRESHOLD") {
		t.Fatalf("threshold 101: err %v", err)
	}
}

// TestMatchingRulesFile: rules named by MATCHING_RULES_FILE replace the
// embedded ones (their threshold and version show in what is proposed);
// a bad file stops the start with an error naming the file and the key.
func TestMatchingRulesFile(t *testing.T) {
	embedded, err := os.ReadFile("../internal/domain/takeover/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, from, to string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Replace(string(embedded), from, to, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bad := write("bad.json", `"sector": 35,`, `"sector": 30,`)
	cfg, err := service.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.MatchingRulesFile = bad
	if _, err := service.New(testkit.Context(t), cfg, telemetry.Options{}); err == nil || !strings.Contains(err.Error(), bad) ||
		!strings.Contains(err.Error(), "weights add up to 95") {
		t.Fatalf("bad rules file: err %v", err)
	}

	strict := write("strict.json", `"threshold": 70,`, `"threshold": 90,`)
	if err := os.WriteFile(strict, []byte(strings.Replace(mustRead(t, strict), `"version": "2026.1"`, `"version": "essai-90"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	h := startWith(t, func(c *service.Config) { c.MatchingRulesFile = strict })
	h.advisor("cci-91-a", "CCI", 1)
	h.advisor("cma-91-t", "CMA", 1)
	h.advisorsProjected(2)
	h.CaughtUp(t, h.Publish(t,
		h.Event(t, "intake", searchReq, search(searchReq, "10")),   // 77 points: below 90
		h.Event(t, "intake", otherReq, search(otherReq, "10.71C")), // 94 points
		h.Event(t, "intake", offerReq, offer(offerReq, false)),
	))
	h.vet(t, offerReq)
	if n := h.Published(t, events.StreamTakeover)["takeover.match.proposed.91"]; n != 1 {
		t.Fatalf("%d matches proposed at 90, want the closer search's only", n)
	}
	var m events.TakeoverMatchProposed
	h.LastEvent(t, events.StreamTakeover, "takeover.match.proposed.91", &m)
	if m.RulesVersion != "essai-90" || m.Score != 94 {
		t.Fatalf("match = %+v, want rules essai-90 and 94 points", m)
	}
}

// TestSearchThenOfferAndLoadSpreads: searches first, then the offer that
// fits them: one match per fitting search, proposed when the offer is
// vetted; the searches go in turn to the chamber's least loaded
// available takeover advisor, never to an absent one.
func TestSearchThenOfferAndLoadSpreads(t *testing.T) {
	h := start(t)
	h.advisor("cci-91-a", "CCI", 1)
	h.advisor("cci-91-b", "CCI", 1)
	h.advisor("cma-91-t", "CMA", 1)
	until := time.Now().Add(48 * time.Hour)
	h.Publish(t, h.Event(t, "advisor-desk", "cci-91-c", events.AdvisorUpdated{AdvisorID: "cci-91-c", Revision: 1, Chamber: "CCI",
		Departements: []string{"91"}, Specialities: []string{"takeover"}, Capacity: 10, Active: true, AbsentUntil: &until, UpdatedAt: time.Now()}))
	h.advisorsProjected(4)
	h.CaughtUp(t, h.Publish(t,
		h.Event(t, "intake", searchReq, search(searchReq, "10")),
		h.Event(t, "intake", otherReq, search(otherReq, "10.71C")),
	))
	h.CaughtUp(t, h.Publish(t, h.Event(t, "intake", offerReq, offer(offerReq, false))))
	h.vet(t, offerReq)
	subjects := h.Published(t, events.StreamTakeover)
	if subjects["takeover.match.proposed.91"] != 2 || subjects["takeover.search.registered.91"] != 2 || subjects["takeover.offer.registered.91"] != 1 {
		t.Fatalf("TAKEOVER holds %v, want two searches, one offer, two matches", subjects)
	}
	if n := h.DB.Count(t, `SELECT count(DISTINCT advisor_id) FROM takeover_matching.buyer_searches WHERE advisor_id IN ('cci-91-a', 'cci-91-b')`); n != 2 {
		t.Fatalf("the two searches went to %d of the two available advisors", n)
	}
	if n := h.DB.Count(t, `SELECT open_cases FROM takeover_matching.advisors WHERE advisor_id = 'cci-91-c'`); n != 0 {
		t.Fatalf("the absent advisor got %d searches", n)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
