package peers

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Care is when a takeover offer or search was taken in charge by its
// advisor, and by whom (absent while it waits).
type Care struct {
	TakenInChargeAt *time.Time `json:"taken_in_charge_at"`
	TakenInChargeBy string     `json:"taken_in_charge_by"`
}

// Taken tells whether it was taken in charge.
func (c Care) Taken() bool { return c.TakenInChargeAt != nil }

// TakeOfferInCharge takes a business for sale in charge, as its assigned
// advisor (takeover-matching answers 403 to anyone else, 409 when taken
// already).
func (c *Client) TakeOfferInCharge(ctx context.Context, token, id string) error {
	return c.care(ctx, token, "/api/v1/takeover-offers/", id, "/take-in-charge", nil)
}

// HandBackOffer hands a business for sale back ("pas pour moi") with a
// reason and a comment: takeover-matching gives it to another advisor of
// the chamber.
func (c *Client) HandBackOffer(ctx context.Context, token, id, reason, comment string) error {
	return c.care(ctx, token, "/api/v1/takeover-offers/", id, "/hand-back", map[string]string{"reason": reason, "comment": comment})
}

// TakeSearchInCharge takes a buyer's search in charge.
func (c *Client) TakeSearchInCharge(ctx context.Context, token, id string) error {
	return c.care(ctx, token, "/api/v1/buyer-searches/", id, "/take-in-charge", nil)
}

// HandBackSearch hands a buyer's search back with a reason and a comment.
func (c *Client) HandBackSearch(ctx context.Context, token, id, reason, comment string) error {
	return c.care(ctx, token, "/api/v1/buyer-searches/", id, "/hand-back", map[string]string{"reason": reason, "comment": comment})
}

func (c *Client) care(ctx context.Context, token, collection, id, action string, body any) error {
	return c.do(ctx, TakeoverMatching, http.MethodPost, collection+url.PathEscape(id)+action, token, body, nil)
}
