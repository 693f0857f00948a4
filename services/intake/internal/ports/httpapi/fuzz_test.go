package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

// FuzzSubmitBodies throws arbitrary bodies at the four submission
// endpoints (real handlers, real Postgres): whatever arrives, the answer is
// 202 or a 4xx problem+json, never a 5xx or a panic, and a 4xx stores
// nothing. Seeds are in testdata/fuzz/FuzzSubmitBodies.
func FuzzSubmitBodies(f *testing.F) {
	for _, seed := range []string{bakery, offerJSON, searchJSON, difficultyJSON, `{}`, `[]`, `null`, `{"applicant":{}}`,
		`{"project":{"planned_headcount":1e309}}`, `{"applicant":{"email":"\u0000"}}`, "\xff\xfe"} {
		for path := range 4 {
			f.Add(uint8(path), []byte(seed))
		}
	}
	e := setup(f)
	paths := []string{httpapi.CreationPath, httpapi.TakeoverOfferPath, httpapi.BuyerSearchPath, httpapi.DifficultyPath}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		before := e.count(t, "requests")
		resp, err := http.Post(e.srv.URL+path, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusAccepted:
		case resp.StatusCode >= 400 && resp.StatusCode < 500:
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("%s answered %d with %q, want problem+json", path, resp.StatusCode, ct)
			}
			var p struct {
				Status int `json:"status"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || p.Status != resp.StatusCode {
				t.Fatalf("%s: problem document unreadable or wrong status (%v, %d)", path, err, p.Status)
			}
			if after := e.count(t, "requests"); after != before {
				t.Fatalf("%s answered %d but stored %d request(s)", path, resp.StatusCode, after-before)
			}
		default:
			t.Fatalf("%s answered %d to %q", path, resp.StatusCode, body)
		}
	})
}
