// Package bodaccfeed reads the notices of collective procedures from the
// open-data portal of the BODACC "annonces commerciales" dataset (DILA's
// Opendatasoft portal, bodacc-datadila.opendatasoft.com): the records
// endpoint of its Explore API v2.1, filtered with ODSQL on the family, the
// département and the publication date, ordered by publication date and
// paged with limit and offset.
//
// It only reads the answer's shape: each record goes through the same
// reader as an export file's (bodaccfile.ReadRecord), and the domain
// judges the content. A page that cannot be read (an HTTP error, a body
// that is not the API's JSON, a body over the size limit) fails the whole
// read, so that the caller imports nothing of a half-read feed.
package bodaccfeed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/bodaccfile"
	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// RecordsPath is the records endpoint of the dataset, under the portal's
// base URL.
const RecordsPath = "/api/explore/v2.1/catalog/datasets/annonces-commerciales/records"

// UserAgent names the platform to the portal's operator.
const UserAgent = "ccicma-platform/difficulty-alert (veille BODACC des cellules de prévention CCI-CMA)"

// Limits of the portal's API and of this client.
const (
	// PageSize is the most records a page of the records endpoint holds.
	PageSize = 100
	// MaxRecords is how far offset paging reaches (offset + limit at most
	// 10,000 on Opendatasoft): a read that has more stops there.
	MaxRecords = 10000
	// DefaultTimeout bounds each request, connection and body included.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxPageBytes bounds a page's body: a hundred notices weigh
	// some hundreds of KiB.
	DefaultMaxPageBytes = 8 << 20
)

// fields are the only fields asked for: those the import reads. The
// names of the people (listepersonnes, commercant), their addresses and
// the notice's text never leave the portal.
var fields = []string{"id", "familleavis", "typeavis", "registre", "tribunal", "dateparution", "parution",
	"numeroannonce", "jugement", "parutionavisprecedent", "numerodepartement"}

// Client reads the portal.
type Client struct {
	// BaseURL is the portal's address (https://bodacc-datadila.opendatasoft.com).
	BaseURL string
	// HTTP sends the requests; its Timeout bounds each (New sets
	// DefaultTimeout).
	HTTP *http.Client
	// PageSize, MaxRecords and MaxPageBytes default to the constants;
	// tests make them small.
	PageSize, MaxRecords int
	MaxPageBytes         int64
}

var _ app.BodaccFeed = (*Client)(nil)

// New returns a client of the portal at baseURL.
func New(baseURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Timeout: DefaultTimeout}}
}

// page is the answer of the records endpoint.
type page struct {
	TotalCount *int              `json:"total_count"`
	Results    []json.RawMessage `json:"results"`
}

// ErrMalformed says a page is not the API's answer.
var ErrMalformed = errors.New("malformed page")

// Query is the ODSQL filter of the notices of collective procedures of
// departement published on or after since.
func Query(departement string, since time.Time) string {
	return fmt.Sprintf(`familleavis="%s" AND numerodepartement="%s" AND dateparution>=date'%s'`,
		signal.FamilyCollective, departement, since.Format(time.DateOnly))
}

// Records implements app.BodaccFeed: every page, oldest notices first.
func (c *Client) Records(ctx context.Context, departement string, since time.Time) (app.FeedRecords, error) {
	if !signal.ValidDepartement(departement) {
		return app.FeedRecords{}, fmt.Errorf("département %q", departement)
	}
	size, most := c.PageSize, c.MaxRecords
	if size <= 0 || size > PageSize {
		size = PageSize
	}
	if most <= 0 || most > MaxRecords {
		most = MaxRecords
	}
	var out app.FeedRecords
	var last string
	for offset := 0; ; {
		limit := min(size, most-offset)
		p, err := c.page(ctx, departement, since, limit, offset)
		if err != nil {
			return app.FeedRecords{}, fmt.Errorf("records %d to %d: %w", offset+1, offset+limit, err)
		}
		for i, raw := range p.Results {
			e := signal.BodaccEntry{Index: offset + i + 1}
			e.Record, e.Err = bodaccfile.ReadRecord(raw)
			if d := strings.TrimSpace(e.Record.Published); e.Err == nil && d > last {
				if _, err := time.Parse(time.DateOnly, d); err == nil {
					last = d
				}
			}
			out.Entries = append(out.Entries, e)
		}
		offset += len(p.Results)
		if len(p.Results) < limit || offset >= *p.TotalCount {
			break
		}
		if offset >= most {
			// Cut at the paging limit: the last day read may have more
			// notices, so only the days before it are whole.
			out.Truncated = true
			break
		}
	}
	if last != "" {
		out.Through, _ = time.Parse(time.DateOnly, last)
		if out.Truncated {
			out.Through = out.Through.AddDate(0, 0, -1)
		}
	}
	return out, nil
}

func (c *Client) page(ctx context.Context, departement string, since time.Time, limit, offset int) (page, error) {
	q := url.Values{}
	q.Set("where", Query(departement, since))
	q.Set("order_by", "dateparution,id")
	q.Set("select", strings.Join(fields, ","))
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+RecordsPath+"?"+q.Encode(), nil)
	if err != nil {
		return page{}, err
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return page{}, fmt.Errorf("the portal answered %s", resp.Status)
	}
	most := c.MaxPageBytes
	if most <= 0 {
		most = DefaultMaxPageBytes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, most+1))
	if err != nil {
		return page{}, fmt.Errorf("read the answer: %w", err)
	}
	if int64(len(body)) > most {
		return page{}, fmt.Errorf("%w: over %d bytes", ErrMalformed, most)
	}
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		return page{}, fmt.Errorf("%w: not the API's JSON: %w", ErrMalformed, err)
	}
	if p.TotalCount == nil || *p.TotalCount < 0 || p.Results == nil {
		return page{}, fmt.Errorf("%w: no total_count or results", ErrMalformed)
	}
	if len(p.Results) > limit {
		return page{}, fmt.Errorf("%w: %d results for a limit of %d", ErrMalformed, len(p.Results), limit)
	}
	return p, nil
}
