package peers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// The takeover marketplace and the life of listings and searches, in
// takeover-matching: the lists (a chamber's own, or the market of both
// chambers, where another chamber's listing comes as its teaser), the
// vetting that publishes an offer, and the status changes.

// MarketFilter narrows a list of offers or searches; an empty field
// keeps every row. Market asks for the marketplace (scope=market).
type MarketFilter struct {
	Market                            bool
	Status, Chamber, NAF, Departement string
	DealType, Band                    string
	After                             string
	Limit                             int
}

// query is the filter as takeover-matching's parameters; band is the
// name of the band's (price_band or budget_band).
func (f MarketFilter) query(band string) string {
	q := url.Values{}
	if f.Market {
		q.Set("scope", "market")
	}
	for name, v := range map[string]string{"status": f.Status, "chamber": f.Chamber, "naf": f.NAF,
		"departement": f.Departement, "deal_type": f.DealType, band: f.Band, "after": f.After} {
		if v != "" {
			q.Set(name, v)
		}
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// OfferPage is a page of offers, each whole or as its teaser; NextAfter
// is the id the next page starts after.
type OfferPage struct {
	Offers    []Offer `json:"offers"`
	NextAfter string  `json:"next_after"`
}

// SearchPage is a page of buyers' searches.
type SearchPage struct {
	Searches  []Search `json:"searches"`
	NextAfter string   `json:"next_after"`
}

// Offers reads a page of offers.
func (c *Client) Offers(ctx context.Context, token string, f MarketFilter) (OfferPage, error) {
	var v OfferPage
	err := c.do(ctx, TakeoverMatching, http.MethodGet, "/api/v1/takeover-offers"+f.query("price_band"), token, nil, &v)
	return v, err
}

// Searches reads a page of buyers' searches.
func (c *Client) Searches(ctx context.Context, token string, f MarketFilter) (SearchPage, error) {
	var v SearchPage
	err := c.do(ctx, TakeoverMatching, http.MethodGet, "/api/v1/buyer-searches"+f.query("budget_band"), token, nil, &v)
	return v, err
}

// VettedFile is the seller's file as the offer's advisor vets it.
type VettedFile struct {
	Owner         string `json:"owner"`
	Business      string `json:"business"`
	Customers     string `json:"customers"`
	Equipment     string `json:"equipment"`
	Staff         string `json:"staff"`
	Results       string `json:"results"`
	ReasonForSale string `json:"reason_for_sale"`
	Revenue       int64  `json:"revenue"`
	Profit        int64  `json:"gross_operating_profit"`
	Headcount     int    `json:"headcount"`
	Price         int64  `json:"price"`
}

// TeaserChoice is what the seller accepts to show on the marketplace.
type TeaserChoice struct {
	SectorLevel   string   `json:"sector_level"`
	PlaceLevel    string   `json:"place_level"`
	RevenueBand   string   `json:"revenue_band"`
	ProfitBand    string   `json:"gross_operating_profit_band"`
	HeadcountBand string   `json:"headcount_band"`
	PriceBand     string   `json:"price_band"`
	DealTypes     []string `json:"deal_types"`
	Timeline      string   `json:"timeline"`
}

// Vetting is the body of an offer's vetting.
type Vetting struct {
	File   VettedFile   `json:"file"`
	Teaser TeaserChoice `json:"teaser"`
}

// VetOffer vets a submitted offer, which publishes its listing.
func (c *Client) VetOffer(ctx context.Context, token, id string, v Vetting) error {
	return c.do(ctx, TakeoverMatching, http.MethodPost, "/api/v1/takeover-offers/"+url.PathEscape(id)+"/vetting", token, v, nil)
}

// ChangeOfferStatus moves a listing (published, paused, withdrawn,
// concluded) with the advisor's note.
func (c *Client) ChangeOfferStatus(ctx context.Context, token, id, to, reason string) error {
	return c.do(ctx, TakeoverMatching, http.MethodPost, "/api/v1/takeover-offers/"+url.PathEscape(id)+"/status", token,
		map[string]string{"to": to, "reason": reason}, nil)
}

// ChangeSearchStatus moves a search (open, paused, withdrawn, concluded).
func (c *Client) ChangeSearchStatus(ctx context.Context, token, id, to, reason string) error {
	return c.do(ctx, TakeoverMatching, http.MethodPost, "/api/v1/buyer-searches/"+url.PathEscape(id)+"/status", token,
		map[string]string{"to": to, "reason": reason}, nil)
}

// RenewSearch renews an open or paused search: its expiry counts from now.
func (c *Client) RenewSearch(ctx context.Context, token, id string) error {
	return c.do(ctx, TakeoverMatching, http.MethodPost, "/api/v1/buyer-searches/"+url.PathEscape(id)+"/renew", token, nil, nil)
}
