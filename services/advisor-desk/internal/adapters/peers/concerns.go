package peers

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// DifficultyConcern is a concern an advisor raised about a business for
// sale: who, when, what they saw (codes of events.ConcernKinds).
type DifficultyConcern struct {
	ConcernID string    `json:"concern_id"`
	AdvisorID string    `json:"advisor_id"`
	Concerns  []string  `json:"concerns"`
	RaisedAt  time.Time `json:"raised_at"`
}

// RaiseOfferConcern tells takeover-matching that the signed-in advisor,
// who follows the sale of the business, saw it in difficulty: it tells
// the chambers' prevention cell. takeover-matching answers 403 to an
// advisor of neither of the offer's chambers, 409 for an offer off the
// market and 422 naming concerns it does not take; a second concern the
// same day is the first one again.
func (c *Client) RaiseOfferConcern(ctx context.Context, token, id string, concerns []string) error {
	return c.care(ctx, token, "/api/v1/takeover-offers/", id, "/difficulty-concerns", map[string][]string{"concerns": concerns})
}

// RaiseCreationConcern tells creation-support that the signed-in advisor,
// following a business after its creation, saw it in difficulty between
// two checkpoints: it tells the chambers' prevention cell. As for an
// offer: 403, 409 for a case not in follow-up, 422 naming concerns, and
// the day's concern again.
func (c *Client) RaiseCreationConcern(ctx context.Context, token, id string, concerns []string) error {
	return c.do(ctx, CreationSupport, http.MethodPost, "/api/v1/creation-cases/"+url.PathEscape(id)+"/difficulty-concerns", token,
		map[string][]string{"concerns": concerns}, nil)
}
