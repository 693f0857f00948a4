package peers

import (
	"context"
	"net/http"
	"net/url"
)

// The steps of a match's introduction, in takeover-matching; each answers
// the match as the reader then sees it, which the desk reads again after
// its redirect rather than decoding it here.

// ReviewMatch records that the reader's side reviewed the match.
func (c *Client) ReviewMatch(ctx context.Context, token, id string) error {
	return c.matchStep(ctx, token, id, "/review", nil)
}

// ShowInterest records that the buyer is interested in the business.
func (c *Client) ShowInterest(ctx context.Context, token, id string) error {
	return c.matchStep(ctx, token, id, "/interest", nil)
}

// ApproveIntroduction records the seller's side's approval of the
// introduction.
func (c *Client) ApproveIntroduction(ctx context.Context, token, id string) error {
	return c.matchStep(ctx, token, id, "/approve-introduction", nil)
}

// AcceptUndertaking records the confidentiality undertaking the buyer
// signed.
func (c *Client) AcceptUndertaking(ctx context.Context, token, id string, u Undertaking) error {
	return c.matchStep(ctx, token, id, "/accept-undertaking", u)
}

// StartNegotiating records that the introduced sides negotiate.
func (c *Client) StartNegotiating(ctx context.Context, token, id string) error {
	return c.matchStep(ctx, token, id, "/negotiating", nil)
}

// ConcludeMatch records the deal, signed on dealDate (YYYY-MM-DD).
func (c *Client) ConcludeMatch(ctx context.Context, token, id, dealDate string) error {
	return c.matchStep(ctx, token, id, "/conclude", map[string]string{"deal_date": dealDate})
}

// DropMatch ends the introduction for one of takeover-matching's drop
// reasons.
func (c *Client) DropMatch(ctx context.Context, token, id, reason string) error {
	return c.matchStep(ctx, token, id, "/drop", map[string]string{"reason": reason})
}

func (c *Client) matchStep(ctx context.Context, token, id, step string, body any) error {
	return c.do(ctx, TakeoverMatching, http.MethodPost, "/api/v1/matches/"+url.PathEscape(id)+step, token, body, nil)
}
