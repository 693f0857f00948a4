// Package peers reads and acts on cases in the services that own them,
// through their advisors' JSON APIs, on behalf of the signed-in advisor:
// every call carries that advisor's own token as a bearer, so that each
// owning service applies its own access rules and audit. Nothing read is
// stored or logged here (answers may hold personal data; tokens are
// secrets).
package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxAnswer bounds an answer's body: a case is a few kilobytes.
const maxAnswer = 1 << 20

// Client calls the owning services.
type Client struct {
	// HTTP sends the requests (timeouts, trace propagation: see New).
	HTTP *http.Client
	// BaseURL returns the base URL of a service (Intake...), read
	// at each call: a resolver, so that in-process stacks can give
	// addresses known only once every service has started.
	BaseURL func(service string) string
}

// New returns a client over transport (e.g. otelhttp's, which carries the
// trace context) with a whole-request timeout. Redirects are not followed:
// the APIs do not redirect, and a token must go nowhere else.
func New(transport http.RoundTripper, timeout time.Duration, baseURL func(string) string) *Client {
	return &Client{
		HTTP: &http.Client{Transport: transport, Timeout: timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		BaseURL: baseURL,
	}
}

// CreationCase reads a creation case.
func (c *Client) CreationCase(ctx context.Context, token, id string) (CreationCase, error) {
	var v CreationCase
	err := c.do(ctx, CreationSupport, http.MethodGet, "/api/v1/creation-cases/"+url.PathEscape(id), token, nil, &v)
	return v, err
}

// TakeInCharge takes a creation case in charge.
func (c *Client) TakeInCharge(ctx context.Context, token, id string) error {
	return c.do(ctx, CreationSupport, http.MethodPost, "/api/v1/creation-cases/"+url.PathEscape(id)+"/take-in-charge",
		token, nil, nil)
}

// HandBack hands a creation case back with a reason and a comment.
func (c *Client) HandBack(ctx context.Context, token, id, reason, comment string) error {
	body := map[string]string{"reason": reason, "comment": comment}
	return c.do(ctx, CreationSupport, http.MethodPost, "/api/v1/creation-cases/"+url.PathEscape(id)+"/hand-back",
		token, body, nil)
}

// Offer reads a business for sale.
func (c *Client) Offer(ctx context.Context, token, id string) (Offer, error) {
	var v Offer
	err := c.do(ctx, TakeoverMatching, http.MethodGet, "/api/v1/takeover-offers/"+url.PathEscape(id), token, nil, &v)
	return v, err
}

// Search reads a buyer's search.
func (c *Client) Search(ctx context.Context, token, id string) (Search, error) {
	var v Search
	err := c.do(ctx, TakeoverMatching, http.MethodGet, "/api/v1/buyer-searches/"+url.PathEscape(id), token, nil, &v)
	return v, err
}

// Match reads a proposed match.
func (c *Client) Match(ctx context.Context, token, id string) (Match, error) {
	var v Match
	err := c.do(ctx, TakeoverMatching, http.MethodGet, "/api/v1/matches/"+url.PathEscape(id), token, nil, &v)
	return v, err
}

// PreventionCase reads a difficulty case (difficulty-alert audits it).
func (c *Client) PreventionCase(ctx context.Context, token, id string) (PreventionCase, error) {
	var v PreventionCase
	err := c.do(ctx, DifficultyAlert, http.MethodGet, "/api/v1/difficulty-cases/"+url.PathEscape(id), token, nil, &v)
	return v, err
}

// Request reads a request with its applicant (intake audits it).
func (c *Client) Request(ctx context.Context, token, id string) (Request, error) {
	var v Request
	err := c.do(ctx, Intake, http.MethodGet, "/api/v1/requests/"+url.PathEscape(id), token, nil, &v)
	return v, err
}

// do sends one call. A 2xx answer is decoded into out (when not nil); a
// 4xx answer is a *Refused with the service's problem; anything
// else (no answer, 5xx, an unreadable body) wraps ErrUnavailable.
func (c *Client) do(ctx context.Context, service, method, path, token string, in, out any) error {
	base := strings.TrimRight(c.BaseURL(service), "/")
	if base == "" {
		return fmt.Errorf("%s: no base URL: %w", service, ErrUnavailable)
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s %s: encode: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, service, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		// The error names the URL, never the token (it is in a header).
		return fmt.Errorf("%s %s: %w: %w", method, service, ErrUnavailable, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	switch {
	case err != nil:
		return fmt.Errorf("%s %s: read answer: %w: %w", method, service, ErrUnavailable, err)
	case len(raw) > maxAnswer:
		return fmt.Errorf("%s %s: answer over %d bytes: %w", method, service, maxAnswer, ErrUnavailable)
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w: %w", method, service, ErrUnavailable, err)
		}
		return nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return refused(service, resp, raw)
	default:
		return fmt.Errorf("%s %s: status %d: %w", method, service, resp.StatusCode, ErrUnavailable)
	}
}

// problem is what the client reads of an RFC 9457 problem.
type problem struct {
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Errors []FieldError `json:"errors"`
}

// refused reads a problem+json answer; a 4xx without one keeps its status.
func refused(service string, resp *http.Response, raw []byte) error {
	e := &Refused{Service: service, Status: resp.StatusCode, body: raw}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/problem+json" || mt == "application/json" {
		var p problem
		if json.Unmarshal(raw, &p) == nil {
			e.Title, e.Detail, e.Fields = p.Title, p.Detail, p.Errors
		}
	}
	return e
}
