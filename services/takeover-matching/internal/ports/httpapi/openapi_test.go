package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/testkit/openapicheck"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
	"github.com/ccicma/platform/services/takeover-matching/internal/ports/httpapi"
)

// TestOpenAPIPathsAreTheRoutes: an endpoint cannot be added, removed or
// renamed without the document following, and the document is served.
func TestOpenAPIPathsAreTheRoutes(t *testing.T) {
	t.Parallel()
	openapicheck.AssertDocumentsRoutes(t, httpapi.OpenAPI(), ".", unavailable(t))
}

// unavailable is the API of a service without token verification
// (auth.NewGuard without keys): every advisor route answers 503.
func unavailable(t *testing.T) http.Handler {
	t.Helper()
	guard, err := auth.NewGuard(t.Context(), auth.Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return httpapi.Routes{Auth: guard, Log: slog.New(slog.DiscardHandler)}.Handler()
}

// TestOpenAPIAgainstRealHandlers sends valid and invalid requests of
// every operation through the real handlers, on Postgres, validates each
// request and answer against the document, and requires every operation
// to have given every answer the document lists.
func TestOpenAPIAgainstRealHandlers(t *testing.T) {
	t.Parallel()
	f := setup(t)
	c := openapicheck.New(t, httpapi.OpenAPI())
	const (
		rejects   = openapicheck.Rejects
		unchecked = openapicheck.Unchecked
	)
	unknown := uuid.Must(uuid.NewV7()).String()
	type call struct {
		name, as, path string
		status         int
		doc            openapicheck.Doc
		view           string // the view of the offer(s) answered, when set
	}
	calls := []call{
		{"the document", "none", "/openapi.json", 200, 0, ""},

		{"offers", "cma advisor", "/api/v1/takeover-offers", 200, 0, "full"},
		{"offers, a page", "cma advisor", "/api/v1/takeover-offers?limit=1&after={conf}", 200, 0, "full"},
		{"offers, past the last", "cci advisor", "/api/v1/takeover-offers?after={lone}", 200, 0, ""},
		{"offers, bad paging", "cma advisor", "/api/v1/takeover-offers?limit=0&after=x", 400, rejects, ""},
		{"offers without a token", "none", "/api/v1/takeover-offers", 401, rejects, ""},
		{"offers with a bad token", "garbage", "/api/v1/takeover-offers", 401, unchecked, ""},
		{"offers, prevention cell", "cci cell", "/api/v1/takeover-offers", 403, 0, ""},
		{"the marketplace", "cci advisor", "/api/v1/takeover-offers?scope=market&naf=10&departement=91&deal_type=fonds&price_band=100k_300k&chamber=CMA&status=published", 200, 0, "teaser"},
		{"own offers waiting for vetting", "cma advisor", "/api/v1/takeover-offers?status=submitted", 200, 0, ""},
		{"offers, bad filters", "cma advisor", "/api/v1/takeover-offers?scope=all&naf=4&departement=20&deal_type=x&price_band=y&chamber=z&status=open", 400, rejects, ""},

		{"an offer whole", "cma advisor", "/api/v1/takeover-offers/{conf}", 200, 0, "full"},
		{"an offer as a teaser", "cci advisor", "/api/v1/takeover-offers/{conf}", 200, 0, "teaser"},
		{"a public offer through a match before the introduction", "cci advisor", "/api/v1/takeover-offers/{public}", 200, 0, "teaser"},
		{"an offer of another chamber", "cma advisor", "/api/v1/takeover-offers/{lone}", 403, 0, ""},
		{"an unknown offer", "cma advisor", "/api/v1/takeover-offers/" + unknown, 404, 0, ""},
		{"not an offer id", "cma advisor", "/api/v1/takeover-offers/42", 404, rejects, ""},
		{"an offer with an expired token", "expired", "/api/v1/takeover-offers/{conf}", 401, unchecked, ""},

		{"searches", "cci advisor", "/api/v1/buyer-searches", 200, 0, ""},
		{"searches, a page", "cma advisor", "/api/v1/buyer-searches?limit=5", 200, 0, ""},
		{"searches, bad paging", "cci advisor", "/api/v1/buyer-searches?limit=many", 400, rejects, ""},
		{"searches without a token", "none", "/api/v1/buyer-searches", 401, rejects, ""},
		{"searches, prevention cell", "cci cell", "/api/v1/buyer-searches", 403, 0, ""},
		{"the searches' marketplace", "cma advisor", "/api/v1/buyer-searches?scope=market&naf=G&departement=91&budget_band=100k_300k&deal_type=fonds&chamber=CCI&status=open", 200, 0, ""},
		{"searches, bad filters", "cci advisor", "/api/v1/buyer-searches?budget_band=cheap&status=published", 400, rejects, ""},

		{"a search", "cci advisor", "/api/v1/buyer-searches/{buyer}", 200, 0, ""},
		{"a search through a match", "cma advisor", "/api/v1/buyer-searches/{buyer}", 200, 0, ""},
		{"a search of another chamber", "cci advisor", "/api/v1/buyer-searches/{farmer}", 403, 0, ""},
		{"an unknown search", "cci advisor", "/api/v1/buyer-searches/" + unknown, 404, 0, ""},
		{"a search without a token", "none", "/api/v1/buyer-searches/{buyer}", 401, rejects, ""},

		{"matches of an offer", "cma advisor", "/api/v1/matches?offer_id={conf}", 200, 0, "full"},
		{"matches of an offer, teaser", "cci advisor", "/api/v1/matches?offer_id={conf}", 200, 0, "teaser"},
		{"matches of a search", "cci advisor", "/api/v1/matches?search_id={buyer}", 200, 0, ""},
		{"no matches", "cci advisor", "/api/v1/matches?offer_id={lone}", 200, 0, ""},
		{"matches, neither side", "cma advisor", "/api/v1/matches", 400, unchecked, ""},
		{"matches, both sides", "cma advisor", "/api/v1/matches?offer_id={conf}&search_id={buyer}", 400, unchecked, ""},
		{"matches, not an id", "cma advisor", "/api/v1/matches?offer_id=x", 400, rejects, ""},
		{"matches of a side not seen", "cma advisor", "/api/v1/matches?offer_id={lone}", 403, 0, ""},
		{"matches of an unknown side", "cma advisor", "/api/v1/matches?search_id=" + unknown, 404, 0, ""},
		{"matches without a token", "none", "/api/v1/matches?offer_id={conf}", 401, rejects, ""},

		{"a match", "cma advisor", "/api/v1/matches/{match-conf}", 200, 0, "full"},
		{"a match with a teaser", "cci advisor", "/api/v1/matches/{match-conf}", 200, 0, "teaser"},
		{"a match, prevention cell", "cci cell", "/api/v1/matches/{match-conf}", 403, 0, ""},
		{"an unknown match", "cma advisor", "/api/v1/matches/" + unknown, 404, 0, ""},
		{"not a match id", "cma advisor", "/api/v1/matches/42", 404, rejects, ""},
		{"a match without a token", "none", "/api/v1/matches/{match-conf}", 401, rejects, ""},
	}
	puts := []struct {
		name, as, path string
		status         int
		doc            openapicheck.Doc
		body           string
	}{
		{"complete a draft", "cci advisor", "/api/v1/buyer-searches/{draft}/criteria", 200, 0, criteria},
		{"complete it again", "cci advisor", "/api/v1/buyer-searches/{draft}/criteria", 409, 0, criteria},
		{"complete with bad criteria", "cci advisor", "/api/v1/buyer-searches/{draft2}/criteria", 400, unchecked,
			strings.Replace(criteria, `"10.7"`, `"99"`, 1)},
		{"complete with an unknown member", "cci advisor", "/api/v1/buyer-searches/{draft2}/criteria", 400, rejects,
			strings.Replace(criteria, `"timeline"`, `"when"`, 1)},
		{"complete another chamber's", "cma advisor", "/api/v1/buyer-searches/{draft2}/criteria", 403, 0, criteria},
		{"complete an unknown search", "cci advisor", "/api/v1/buyer-searches/" + unknown + "/criteria", 404, 0, criteria},
		{"complete without a token", "none", "/api/v1/buyer-searches/{draft2}/criteria", 401, rejects, criteria},
	}
	posts := []struct {
		name, as, path string
		status         int
		doc            openapicheck.Doc
		body           string
	}{
		{"vet with a bad teaser", "cma manager", "/api/v1/takeover-offers/{fresh}/vetting", 400, unchecked,
			strings.Replace(vettingBody, `"departement"`, `"region"`, 1)},
		{"vet an offer", "cma advisor", "/api/v1/takeover-offers/{fresh}/vetting", 200, 0, vettingBody},
		{"vet it again", "cma advisor", "/api/v1/takeover-offers/{fresh}/vetting", 409, 0, vettingBody},
		{"vet another chamber's", "cci advisor", "/api/v1/takeover-offers/{fresh}/vetting", 403, 0, vettingBody},
		{"vet an unknown offer", "cma advisor", "/api/v1/takeover-offers/" + unknown + "/vetting", 404, 0, vettingBody},
		{"vet without a token", "none", "/api/v1/takeover-offers/{fresh}/vetting", 401, rejects, vettingBody},
		{"pause a listing", "cci advisor", "/api/v1/takeover-offers/{lone}/status", 200, 0, `{"to":"paused","reason":"négociation"}`},
		{"pause it again", "cci advisor", "/api/v1/takeover-offers/{lone}/status", 409, 0, `{"to":"paused"}`},
		{"no status", "cci advisor", "/api/v1/takeover-offers/{lone}/status", 400, rejects, `{"reason":"x"}`},
		{"pause another chamber's", "cma advisor", "/api/v1/takeover-offers/{lone}/status", 403, 0, `{"to":"paused"}`},
		{"pause an unknown offer", "cci advisor", "/api/v1/takeover-offers/" + unknown + "/status", 404, 0, `{"to":"paused"}`},
		{"pause without a token", "none", "/api/v1/takeover-offers/{lone}/status", 401, rejects, `{"to":"paused"}`},
		{"pause a search", "cma advisor", "/api/v1/buyer-searches/{farmer}/status", 200, 0, `{"to":"paused"}`},
		{"expire a search by hand", "cma advisor", "/api/v1/buyer-searches/{farmer}/status", 409, 0, `{"to":"expired"}`},
		{"no search status", "cma advisor", "/api/v1/buyer-searches/{farmer}/status", 400, rejects, `{}`},
		{"pause another chamber's search", "cci advisor", "/api/v1/buyer-searches/{farmer}/status", 403, 0, `{"to":"paused"}`},
		{"pause an unknown search", "cma advisor", "/api/v1/buyer-searches/" + unknown + "/status", 404, 0, `{"to":"paused"}`},
		{"pause a search without a token", "none", "/api/v1/buyer-searches/{farmer}/status", 401, rejects, `{"to":"paused"}`},
		{"renew a search", "cma advisor", "/api/v1/buyer-searches/{farmer}/renew", 200, 0, ""},
		{"renew a draft", "cci advisor", "/api/v1/buyer-searches/{draft2}/renew", 409, 0, ""},
		{"renew another chamber's", "cci advisor", "/api/v1/buyer-searches/{farmer}/renew", 403, 0, ""},
		{"renew an unknown search", "cma advisor", "/api/v1/buyer-searches/" + unknown + "/renew", 404, 0, ""},
		{"renew without a token", "none", "/api/v1/buyer-searches/{farmer}/renew", 401, rejects, ""},

		// Taking in charge and handing back: conf and public, farmer and
		// buyer are assigned to the advisors of the tokens (below).
		{"take an offer in charge", "cma advisor", "/api/v1/takeover-offers/{conf}/take-in-charge", 200, 0, ""},
		{"take it in charge again", "cma advisor", "/api/v1/takeover-offers/{conf}/take-in-charge", 409, 0, ""},
		{"take in charge someone else's offer", "cma manager", "/api/v1/takeover-offers/{public}/take-in-charge", 403, 0, ""},
		{"take in charge an unknown offer", "cma advisor", "/api/v1/takeover-offers/" + unknown + "/take-in-charge", 404, 0, ""},
		{"take an offer in charge without a token", "none", "/api/v1/takeover-offers/{public}/take-in-charge", 401, rejects, ""},
		{"hand an offer back without a reason", "cma advisor", "/api/v1/takeover-offers/{public}/hand-back", 422, unchecked, `{"comment":"x"}`},
		{"hand an offer back with an unknown member", "cma advisor", "/api/v1/takeover-offers/{public}/hand-back", 400, rejects, `{"why":"x"}`},
		{"hand an offer back", "cma advisor", "/api/v1/takeover-offers/{public}/hand-back", 200, 0, `{"reason":"no_capacity","comment":"trop de dossiers"}`},
		{"hand it back once it is someone else's", "cma advisor", "/api/v1/takeover-offers/{public}/hand-back", 403, 0, `{"reason":"other"}`},
		{"hand back an offer taken in charge", "cma advisor", "/api/v1/takeover-offers/{conf}/hand-back", 409, 0, `{"reason":"other"}`},
		{"hand back an unknown offer", "cma advisor", "/api/v1/takeover-offers/" + unknown + "/hand-back", 404, 0, `{"reason":"other"}`},
		{"hand an offer back without a token", "none", "/api/v1/takeover-offers/{public}/hand-back", 401, rejects, `{"reason":"other"}`},
		{"take a search in charge", "cma advisor", "/api/v1/buyer-searches/{farmer}/take-in-charge", 200, 0, ""},
		{"take a search in charge again", "cma advisor", "/api/v1/buyer-searches/{farmer}/take-in-charge", 409, 0, ""},
		{"take in charge someone else's search", "cci manager", "/api/v1/buyer-searches/{buyer}/take-in-charge", 403, 0, ""},
		{"take in charge an unknown search", "cci advisor", "/api/v1/buyer-searches/" + unknown + "/take-in-charge", 404, 0, ""},
		{"take a search in charge without a token", "none", "/api/v1/buyer-searches/{buyer}/take-in-charge", 401, rejects, ""},
		{"hand a search back for no listed reason", "cci advisor", "/api/v1/buyer-searches/{buyer}/hand-back", 422, unchecked, `{"reason":"bored"}`},
		{"hand a search back with an unknown member", "cci advisor", "/api/v1/buyer-searches/{buyer}/hand-back", 400, rejects, `{"why":"x"}`},
		{"hand a search back", "cci advisor", "/api/v1/buyer-searches/{buyer}/hand-back", 200, 0, `{"reason":"wrong_speciality"}`},
		{"hand back another chamber's search", "cci advisor", "/api/v1/buyer-searches/{farmer}/hand-back", 403, 0, `{"reason":"other"}`},
		{"hand back a search taken in charge", "cma advisor", "/api/v1/buyer-searches/{farmer}/hand-back", 409, 0, `{"reason":"other"}`},
		{"hand back an unknown search", "cci advisor", "/api/v1/buyer-searches/" + unknown + "/hand-back", 404, 0, `{"reason":"other"}`},
		{"hand a search back without a token", "none", "/api/v1/buyer-searches/{buyer}/hand-back", 401, rejects, `{"reason":"other"}`},

		// Concerns about a business for sale: the public bakery (CMA),
		// matched with the CCI's buyer; the CCI's lone restaurant,
		// paused above, then withdrawn.
		{"raise a concern", "cma advisor", "/api/v1/takeover-offers/{public}/difficulty-concerns", 201, 0, concern},
		{"raise one again the same day", "cma manager", "/api/v1/takeover-offers/{public}/difficulty-concerns", 200, 0,
			`{"concerns":["owner_wellbeing"]}`},
		{"raise a concern without a code", "cma advisor", "/api/v1/takeover-offers/{public}/difficulty-concerns", 422, rejects, `{"concerns":[]}`},
		{"raise a concern with a code not listed", "cma advisor", "/api/v1/takeover-offers/{public}/difficulty-concerns", 422, rejects,
			`{"concerns":["cash_flow","bankrupt"]}`},
		{"raise a concern with a code twice", "cma advisor", "/api/v1/takeover-offers/{public}/difficulty-concerns", 422, rejects,
			`{"concerns":["cash_flow","cash_flow"]}`},
		{"raise a concern with an unknown member", "cma advisor", "/api/v1/takeover-offers/{public}/difficulty-concerns", 400, rejects,
			`{"concern":["cash_flow"]}`},
		{"raise a concern from the buyer's side", "cci advisor", "/api/v1/takeover-offers/{public}/difficulty-concerns", 403, 0, concern},
		{"raise a concern about another chamber's offer", "cma advisor", "/api/v1/takeover-offers/{lone}/difficulty-concerns", 403, 0, concern},
		{"raise a concern about an unknown offer", "cma advisor", "/api/v1/takeover-offers/" + unknown + "/difficulty-concerns", 404, 0, concern},
		{"raise a concern without a token", "none", "/api/v1/takeover-offers/{public}/difficulty-concerns", 401, rejects, concern},
		{"withdraw a listing", "cci advisor", "/api/v1/takeover-offers/{lone}/status", 200, 0, `{"to":"withdrawn"}`},
		{"raise a concern about a withdrawn listing", "cci advisor", "/api/v1/takeover-offers/{lone}/difficulty-concerns", 409, 0, concern},
	}
	f.assign(t, "takeover_offers", "conf", "cma-91-003", careAdvisor("cma-91-003", "CMA"), careAdvisor("cma-91-004", "CMA"))
	f.assign(t, "takeover_offers", "public", "cma-91-003")
	f.assign(t, "buyer_searches", "farmer", "cma-91-003")
	f.assign(t, "buyer_searches", "buyer", "cci-91-003")
	for _, x := range posts {
		t.Run(x.name, func(t *testing.T) {
			c.Send(t, f.url, openapicheck.Call{Method: http.MethodPost, Path: f.expand(x.path), Token: f.token(t, x.as),
				Body: x.body, Status: x.status, Doc: x.doc})
		})
	}
	for _, x := range puts {
		t.Run(x.name, func(t *testing.T) {
			c.Send(t, f.url, openapicheck.Call{Method: http.MethodPut, Path: f.expand(x.path), Token: f.token(t, x.as),
				Body: x.body, Status: x.status, Doc: x.doc})
		})
	}
	for _, x := range calls {
		t.Run(x.name, func(t *testing.T) {
			a := c.Send(t, f.url, openapicheck.Call{Method: http.MethodGet, Path: f.expand(x.path), Token: f.token(t, x.as), Status: x.status, Doc: x.doc})
			if x.view != "" && !strings.Contains(string(a.Body), `"view":"`+x.view+`"`) {
				t.Errorf("want the %s view: %s", x.view, a.Body)
			}
		})
	}

	// The steps of an introduction, after the reads above (which see the
	// matches proposed): the public bakery's match walks to concluded,
	// the confidential one's is dropped.
	const (
		undertaking = `{"version":"2026-01","accepted_on":"2026-01-15"}`
		deal        = `{"deal_date":"2026-02-01"}`
		drop        = `{"reason":"price"}`
	)
	steps := []struct {
		name, as, path string
		status         int
		doc            openapicheck.Doc
		body           string
	}{
		{"review without a token", "none", "/api/v1/matches/{match-public}/review", 401, rejects, ""},
		{"review an unknown match", "cma advisor", "/api/v1/matches/" + unknown + "/review", 404, 0, ""},
		{"review as a manager", "cci manager", "/api/v1/matches/{match-public}/review", 403, 0, ""},
		{"interest before the reviews", "cci advisor", "/api/v1/matches/{match-public}/interest", 409, 0, ""},
		{"the seller's side reviews", "cma advisor", "/api/v1/matches/{match-public}/review", 200, 0, ""},
		{"the seller's side reviews again", "cma advisor", "/api/v1/matches/{match-public}/review", 409, 0, ""},
		{"the buyer's side reviews", "cci advisor", "/api/v1/matches/{match-public}/review", 200, 0, ""},
		{"interest without a token", "none", "/api/v1/matches/{match-public}/interest", 401, rejects, ""},
		{"interest in an unknown match", "cci advisor", "/api/v1/matches/" + unknown + "/interest", 404, 0, ""},
		{"interest by the seller's side", "cma advisor", "/api/v1/matches/{match-public}/interest", 403, 0, ""},
		{"the buyer is interested", "cci advisor", "/api/v1/matches/{match-public}/interest", 200, 0, ""},
		{"approval without a token", "none", "/api/v1/matches/{match-public}/approve-introduction", 401, rejects, ""},
		{"approval of an unknown match", "cma advisor", "/api/v1/matches/" + unknown + "/approve-introduction", 404, 0, ""},
		{"approval by the buyer's side", "cci advisor", "/api/v1/matches/{match-public}/approve-introduction", 403, 0, ""},
		{"the seller's advisor approves", "cma advisor", "/api/v1/matches/{match-public}/approve-introduction", 200, 0, ""},
		{"approval again", "cma advisor", "/api/v1/matches/{match-public}/approve-introduction", 409, 0, ""},
		{"undertaking without a token", "none", "/api/v1/matches/{match-public}/accept-undertaking", 401, rejects, undertaking},
		{"undertaking of an unknown match", "cci advisor", "/api/v1/matches/" + unknown + "/accept-undertaking", 404, 0, undertaking},
		{"undertaking by the seller's side", "cma advisor", "/api/v1/matches/{match-public}/accept-undertaking", 403, 0, undertaking},
		{"undertaking with an unknown member", "cci advisor", "/api/v1/matches/{match-public}/accept-undertaking", 400, rejects, `{"version":"1","signed":"x"}`},
		{"undertaking in the future, without version", "cci advisor", "/api/v1/matches/{match-public}/accept-undertaking", 422, unchecked,
			`{"accepted_on":"2999-01-01"}`},
		{"the buyer accepts the undertaking", "cci advisor", "/api/v1/matches/{match-public}/accept-undertaking", 200, 0, undertaking},
		{"undertaking again", "cci advisor", "/api/v1/matches/{match-public}/accept-undertaking", 409, 0, undertaking},
		{"negotiation without a token", "none", "/api/v1/matches/{match-public}/negotiating", 401, rejects, ""},
		{"negotiation of an unknown match", "cci advisor", "/api/v1/matches/" + unknown + "/negotiating", 404, 0, ""},
		{"negotiation by a manager", "cma manager", "/api/v1/matches/{match-public}/negotiating", 403, 0, ""},
		{"the sides negotiate", "cci advisor", "/api/v1/matches/{match-public}/negotiating", 200, 0, ""},
		{"negotiation again", "cma advisor", "/api/v1/matches/{match-public}/negotiating", 409, 0, ""},
		{"conclusion without a token", "none", "/api/v1/matches/{match-public}/conclude", 401, rejects, deal},
		{"conclusion of an unknown match", "cma advisor", "/api/v1/matches/" + unknown + "/conclude", 404, 0, deal},
		{"conclusion by a manager", "cma manager", "/api/v1/matches/{match-public}/conclude", 403, 0, deal},
		{"conclusion with a bad date", "cma advisor", "/api/v1/matches/{match-public}/conclude", 400, rejects, `{"deal_date":2026}`},
		{"conclusion in the future", "cma advisor", "/api/v1/matches/{match-public}/conclude", 422, unchecked, `{"deal_date":"2999-01-01"}`},
		{"the deal is concluded", "cma advisor", "/api/v1/matches/{match-public}/conclude", 200, 0, deal},
		{"conclusion again", "cma advisor", "/api/v1/matches/{match-public}/conclude", 409, 0, deal},
		{"drop without a token", "none", "/api/v1/matches/{match-conf}/drop", 401, rejects, drop},
		{"drop an unknown match", "cma advisor", "/api/v1/matches/" + unknown + "/drop", 404, 0, drop},
		{"drop by a manager", "cma manager", "/api/v1/matches/{match-conf}/drop", 403, 0, drop},
		{"drop with an unknown member", "cma advisor", "/api/v1/matches/{match-conf}/drop", 400, rejects, `{"why":"price"}`},
		{"drop for no listed reason", "cma advisor", "/api/v1/matches/{match-conf}/drop", 422, unchecked, `{"reason":"bored"}`},
		{"drop a concluded match", "cma advisor", "/api/v1/matches/{match-public}/drop", 409, 0, drop},
		{"the buyer's side drops", "cci advisor", "/api/v1/matches/{match-conf}/drop", 200, 0, drop},
	}
	for _, x := range steps {
		t.Run(x.name, func(t *testing.T) {
			c.Send(t, f.url, openapicheck.Call{Method: http.MethodPost, Path: f.expand(x.path), Token: f.token(t, x.as),
				Body: x.body, Status: x.status, Doc: x.doc})
		})
	}
	t.Run("a public offer through an introduced match", func(t *testing.T) {
		a := c.Send(t, f.url, openapicheck.Call{Method: http.MethodGet, Path: f.expand("/api/v1/takeover-offers/{public}"),
			Token: f.token(t, "cci advisor"), Status: 200})
		if !strings.Contains(string(a.Body), `"view":"full"`) || !strings.Contains(string(a.Body), "35600000000048") {
			t.Errorf("want the full offer once introduced: %s", a.Body)
		}
		if strings.Contains(string(a.Body), "difficulty_concerns") || strings.Contains(string(a.Body), "cash_flow") {
			t.Errorf("the buyer's side reads the seller's difficulties: %s", a.Body)
		}
	})
	t.Run("a public offer to its own chamber, with its concern", func(t *testing.T) {
		a := c.Send(t, f.url, openapicheck.Call{Method: http.MethodGet, Path: f.expand("/api/v1/takeover-offers/{public}"),
			Token: f.token(t, "cma manager"), Status: 200})
		if !strings.Contains(string(a.Body), `"difficulty_concerns":[{"concern_id":`) || !strings.Contains(string(a.Body), `"concerns":["cash_flow","overdue_debts"]`) {
			t.Errorf("want the concern in the offer's own view: %s", a.Body)
		}
	})

	// Without token verification every advisor route answers 503: the
	// problem the document gives for an unavailable service.
	down := httptest.NewServer(unavailable(t))
	t.Cleanup(down.Close)
	for _, op := range c.Operations() {
		method, p, _ := strings.Cut(op, " ")
		if p == "/openapi.json" {
			continue
		}
		t.Run(op+" unavailable", func(t *testing.T) {
			call := openapicheck.Call{Method: method, Path: strings.ReplaceAll(p, "{id}", unknown), Token: f.token(t, "cma advisor"), Status: 503}
			switch {
			case method == http.MethodPut:
				call.Body = criteria
			case strings.HasSuffix(p, "/vetting"):
				call.Body = vettingBody
			case strings.HasSuffix(p, "/status"):
				call.Body = `{"to":"paused"}`
			case strings.HasSuffix(p, "/hand-back"):
				call.Body = `{"reason":"other"}`
			case strings.HasSuffix(p, "/difficulty-concerns"):
				call.Body = concern
			}
			if body, ok := map[string]string{"accept-undertaking": undertaking, "conclude": deal, "drop": drop}[path.Base(p)]; ok && method == http.MethodPost {
				call.Body = body
			}
			c.Send(t, down.URL, call)
		})
	}
	c.AssertCovered(t)
}

// vettingBody vets an offer: its file and a teaser at class and
// département level.
const vettingBody = `{"file":{"owner":"Gérant depuis 1998","business":"Boulangerie","customers":"Locale","equipment":"Four",
	"staff":"3 vendeuses","results":"Stables","reason_for_sale":"Retraite","revenue":450000,"gross_operating_profit":60000,
	"headcount":4,"price":250000},"teaser":{"sector_level":"class","place_level":"departement","revenue_band":"300k_1m",
	"gross_operating_profit_band":"25k_75k","headcount_band":"3_5","price_band":"100k_300k","deal_types":["fonds"],"timeline":"6m_12m"}}`

// concern is what an advisor saw of a business in difficulty.
const concern = `{"concerns":["cash_flow","overdue_debts"]}`

// criteria complete a draft search.
const criteria = `{"sectors":["10.7"],"commune_codes":["91228"],"mobility":"local","budget_band":"100k_300k",
	"personal_contribution_band":"50k_100k","headcount_min":1,"headcount_max":9,"deal_types":["fonds"],
	"timeline":"6m_12m","experience":"sector"}`

// TestOpenAPIMatchesTheDomain: the codes the document lists are the
// domain's, so neither can change alone.
func TestOpenAPIMatchesTheDomain(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum  []string `json:"enum"`
					Items struct {
						Enum []string `json:"enum"`
					} `json:"items"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	if got := s["Match"].Properties["criteria"].Items.Enum; !slices.Equal(got, takeover.AllCriteria) {
		t.Errorf("criteria: the document lists %q, the domain %q", got, takeover.AllCriteria)
	}
	if got := s["Contribution"].Properties["criterion"].Enum; !slices.Equal(got, takeover.WeighedCriteria) {
		t.Errorf("contributions: the document lists %q, the domain %q", got, takeover.WeighedCriteria)
	}
	for _, x := range []struct {
		schema, property string
		want             []string
	}{
		{"Offer", "status", takeover.OfferStatuses}, {"OfferTeaser", "status", takeover.OfferStatuses},
		{"Search", "status", takeover.SearchStatuses}, {"Listing", "sector_level", takeover.TeaserSectorLevels},
		{"Listing", "place_level", takeover.TeaserPlaceLevels}, {"OfferTeaser", "sector_level", takeover.TeaserSectorLevels},
		{"OfferTeaser", "place_level", takeover.TeaserPlaceLevels}, {"HandBackInput", "reason", takeover.HandBackReasons()},
	} {
		if got := s[x.schema].Properties[x.property].Enum; !slices.Equal(got, x.want) {
			t.Errorf("%s.%s: the document lists %q, the domain %q", x.schema, x.property, got, x.want)
		}
	}
	for _, x := range []struct{ schema, property string }{
		{"ConcernInput", "concerns"}, {"DifficultyConcern", "concerns"}, {"OfferConcern", "concerns"},
	} {
		if got := s[x.schema].Properties[x.property].Items.Enum; !slices.Equal(got, events.ConcernKinds()) {
			t.Errorf("%s.%s: the document lists %q, the contract %q", x.schema, x.property, got, events.ConcernKinds())
		}
	}
	mobilities := []string{takeover.MobilityLocal, takeover.MobilityRegional, takeover.MobilityNational}
	if got := s["Search"].Properties["mobility"].Enum; !slices.Equal(got, mobilities) {
		t.Errorf("mobility: the document lists %q, the domain %q", got, mobilities)
	}
}
