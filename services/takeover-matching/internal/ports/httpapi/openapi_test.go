package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"
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

		{"an offer whole", "cma advisor", "/api/v1/takeover-offers/{conf}", 200, 0, "full"},
		{"an offer as a teaser", "cci advisor", "/api/v1/takeover-offers/{conf}", 200, 0, "teaser"},
		{"a public offer through a match", "cci advisor", "/api/v1/takeover-offers/{public}", 200, 0, "full"},
		{"an offer of another chamber", "cma advisor", "/api/v1/takeover-offers/{lone}", 403, 0, ""},
		{"an unknown offer", "cma advisor", "/api/v1/takeover-offers/" + unknown, 404, 0, ""},
		{"not an offer id", "cma advisor", "/api/v1/takeover-offers/42", 404, rejects, ""},
		{"an offer with an expired token", "expired", "/api/v1/takeover-offers/{conf}", 401, unchecked, ""},

		{"searches", "cci advisor", "/api/v1/buyer-searches", 200, 0, ""},
		{"searches, a page", "cma advisor", "/api/v1/buyer-searches?limit=5", 200, 0, ""},
		{"searches, bad paging", "cci advisor", "/api/v1/buyer-searches?limit=many", 400, rejects, ""},
		{"searches without a token", "none", "/api/v1/buyer-searches", 401, rejects, ""},
		{"searches, prevention cell", "cci cell", "/api/v1/buyer-searches", 403, 0, ""},

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
	}
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
		{"OfferTeaser", "place_level", takeover.TeaserPlaceLevels},
	} {
		if got := s[x.schema].Properties[x.property].Enum; !slices.Equal(got, x.want) {
			t.Errorf("%s.%s: the document lists %q, the domain %q", x.schema, x.property, got, x.want)
		}
	}
	mobilities := []string{takeover.MobilityLocal, takeover.MobilityRegional, takeover.MobilityNational}
	if got := s["Search"].Properties["mobility"].Enum; !slices.Equal(got, mobilities) {
		t.Errorf("mobility: the document lists %q, the domain %q", got, mobilities)
	}
}
