package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccicma/platform/pkg/refdata"
)

// kind is one of the four kinds of request intake takes.
type kind struct {
	name string // intake.requests.kind
	path string
	body func(n int64) string
}

// record is one request of the load and how intake answered it.
type record struct {
	kind      string
	sent      time.Time
	status    int    // 0: no answer
	reason    string // why it was not accepted
	requestID string
}

// load sends requests at a fixed rate, open loop: a slow platform does not
// slow the load down, it shows as latency, errors or skipped sends.
type load struct {
	base    string
	rate    float64
	clients int
	kinds   []kind
	client  *http.Client
	// maxInFlight bounds the requests waiting for an answer; a send that
	// would exceed it is skipped and counted, so that a stalled intake
	// cannot make the generator exhaust the machine.
	maxInFlight int64
	inFlight    atomic.Int64
	skipped     atomic.Int64
	elapsed     time.Duration
}

func newLoad(intake string, o options) *load {
	return &load{
		base: intake, rate: o.rate, clients: max(o.clients, 1), kinds: kinds(nafCodes()),
		client:      &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}, Timeout: 10 * time.Second},
		maxInFlight: int64(max(o.rate*2, 64)),
	}
}

// run sends requests for d (or until ctx ends) and returns every one sent.
func (l *load) run(ctx context.Context, d time.Duration) []record {
	var mu sync.Mutex
	var out []record
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / l.rate)
	start := time.Now()
	var n int64
	for next := start; next.Before(start.Add(d)) && ctx.Err() == nil; next = next.Add(interval) {
		time.Sleep(time.Until(next))
		if l.inFlight.Add(1) > l.maxInFlight {
			l.inFlight.Add(-1)
			l.skipped.Add(1)
			continue
		}
		n++
		seq := n
		wg.Go(func() {
			defer l.inFlight.Add(-1)
			r := l.send(ctx, seq)
			mu.Lock()
			out = append(out, r)
			mu.Unlock()
		})
	}
	l.elapsed = time.Since(start)
	wg.Wait()
	return out
}

// send submits request n: the kinds in turn, each with its own
// Idempotency-Key, from one of the simulated clients.
func (l *load) send(ctx context.Context, n int64) record {
	k := l.kinds[n%int64(len(l.kinds))]
	rec := record{kind: k.name, sent: time.Now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.base+k.path, strings.NewReader(k.body(n))) //nolint:gosec // G704: the URL is the soak's own in-process intake
	if err != nil {
		rec.reason = err.Error()
		return rec
	}
	c := n % int64(l.clients)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("soak-%08d", n))
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", c>>16&255, c>>8&255, c&255))
	resp, err := l.client.Do(req) //nolint:gosec // G704: the URL is the soak's own in-process intake
	if err != nil {
		rec.reason = transportReason(err)
		return rec
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	rec.status = resp.StatusCode
	if resp.StatusCode != http.StatusAccepted {
		rec.reason = problemReason(resp.StatusCode, raw)
		return rec
	}
	var v struct {
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.RequestID == "" {
		rec.status, rec.reason = 0, "202 without a request_id"
	}
	rec.requestID = v.RequestID
	return rec
}

// transportReason names a failed call without its changing parts (ports,
// addresses), so that reasons can be counted.
func transportReason(err error) string {
	s := err.Error()
	for _, known := range []string{"connection refused", "connection reset", "EOF", "Client.Timeout", "context canceled"} {
		if strings.Contains(s, known) {
			return "no answer: " + known
		}
	}
	return "no answer: " + s
}

func problemReason(status int, raw []byte) string {
	var p struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(raw, &p)
	return fmt.Sprintf("%d %s", status, p.Title)
}

// nafCodes are every NAF sub-class: offers cycle through them, so that a
// buyer search matches a handful of offers, not all of them (matching is
// quadratic in the open offers and searches of one sector).
func nafCodes() []string {
	d, err := refdata.Load()
	if err != nil {
		return []string{"10.71C", "47.11F", "96.02A", "62.01Z"}
	}
	var out []string
	for div := 1; div <= 99; div++ {
		for _, e := range d.SearchNAF(fmt.Sprintf("%02d", div), 100) {
			out = append(out, e.Code)
		}
	}
	return out
}

// matchingSearchEvery: one buyer search in this many is eligible for the
// offers of its sector (the others ask for a deal type no offer proposes),
// so the matching path is exercised without flooding advisors.
const matchingSearchEvery = 50

func kinds(naf []string) []kind {
	code := func(n int64) string { return naf[(n/4)%int64(len(naf))] }
	return []kind{
		{"creation", "/api/v1/creation-requests", func(n int64) string {
			return fmt.Sprintf(`{"applicant":{"first_name":"Inès","last_name":"Moreau","email":"ines.moreau@example.fr"},`+
				`"project":{"description":"Projet de création n° %d","naf_code":"%s","postcode":"91000","planned_headcount":2}}`,
				n, []string{"10.71C", "47.11F", "96.02A", "62.01Z"}[(n/4)%4])
		}},
		{"takeover_offer", "/api/v1/takeover-offers", func(n int64) string {
			return fmt.Sprintf(`{"applicant":{"first_name":"Marc","last_name":"Lefèvre","email":"marc.lefevre@example.fr"},`+
				`"business":{"siret":"443 061 841 00047","naf_code":"%s","postcode":"91000","headcount":4,"revenue_band":"300k_1m","gross_operating_profit_band":"75k_150k","legal_form":"SARL","crafts_registered":"yes"},`+
				`"offer":{"asking_price":280000,"deal_types":["murs","fonds"],"reason":"other","reason_details":"Cession n° %d","timeline":"6m_12m","confidential":false}}`,
				code(n), n)
		}},
		{"buyer_search", "/api/v1/buyer-searches", func(n int64) string {
			deal := "titres"
			if (n/4)%matchingSearchEvery == 0 {
				deal = "fonds"
			}
			return fmt.Sprintf(`{"applicant":{"first_name":"Ana","last_name":"Costa","email":"ana.costa@example.fr"},`+
				`"search":{"sectors":["%s"],"areas":{"departements":["91"]},"mobility":"local","budget":412345,"personal_contribution":81234,`+
				`"headcount_min":0,"headcount_max":10,"deal_types":["%s"],"timeline":"12m_24m","experience":"sector"}}`,
				code(n), deal)
		}},
		{"difficulty", "/api/v1/difficulty-reports", func(n int64) string {
			return fmt.Sprintf(`{"applicant":{"first_name":"Marc","last_name":"Lefèvre","email":"marc.lefevre@example.fr"},`+
				`"business":{"siret":"552 100 554 00013","naf_code":"47.71Z","postcode":"91000","headcount":6},`+
				`"report":{"situation":"Signalement n° %d : un client ne paie plus.","kinds":["cash_flow"],`+
				`"answers":{"overdue_social_tax":1,"cash_shortfall":%d,"revenue_drop":3,"late_suppliers":0,"legal_notice":0,`+
				`"customer_dependency":3,"manager_exhaustion":0,"bank_refusal":0,"pay_delayed":0,"no_forecast":0}}}`,
				n, n%4)
		}},
	}
}
