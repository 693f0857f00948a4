package peers_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// The client's own rules, against a real HTTP server standing for an
// owning service (the services themselves are called end to end in
// deploy/devstack/stack): the bearer is the advisor's token; problems
// come back as refusals; a server error, an oversized or unreadable
// answer or a redirect are "unavailable", and a redirect gets no token.
func TestClient(t *testing.T) {
	var redirected http.Header
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/creation-cases/ok", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"id":"ok","chamber":"CMA","status":"opened","hand_backs":[{"reason":"other","at":"2027-01-02T03:04:05Z"}]}`))
	})
	mux.HandleFunc("POST /api/v1/creation-cases/refused/hand-back", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte(`{"title":"Demande invalide","status":422,"errors":[{"field":"comment","code":"too_long","message":"500 caractères au plus."}]}`))
	})
	mux.HandleFunc("GET /api/v1/creation-cases/broken", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})
	mux.HandleFunc("GET /api/v1/creation-cases/huge", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"id":"` + strings.Repeat("x", 2<<20) + `"}`))
	})
	mux.HandleFunc("GET /api/v1/creation-cases/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	mux.HandleFunc("GET /elsewhere", func(_ http.ResponseWriter, r *http.Request) { redirected = r.Header })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := peers.New(http.DefaultTransport, 5*time.Second, func(service string) string {
		if service == peers.CreationSupport {
			return srv.URL + "/"
		}
		return ""
	})
	ctx := t.Context()

	cs, err := c.CreationCase(ctx, "tok", "ok")
	if err != nil || cs.ID != "ok" || cs.Chamber != "CMA" || !cs.Waiting() || len(cs.HandBacks) != 1 || cs.HandBacks[0].At.Year() != 2027 {
		t.Errorf("read %+v, %v", cs, err)
	}
	if _, err := c.CreationCase(ctx, "other", "ok"); !refusedWith(err, http.StatusUnauthorized) {
		t.Errorf("wrong token: %v", err)
	}
	err = c.HandBack(ctx, "tok", "refused", "other", "")
	if ref, ok := peers.AsRefused(err); !ok || ref.Status != 422 || ref.Title != "Demande invalide" || len(ref.Fields) != 1 || ref.Fields[0].Field != "comment" {
		t.Errorf("problem: %v", err)
	}
	for _, id := range []string{"broken", "huge", "moved"} {
		if _, err := c.CreationCase(ctx, "tok", id); !errors.Is(err, peers.ErrUnavailable) {
			t.Errorf("%s: %v, want unavailable", id, err)
		}
	}
	if redirected != nil {
		t.Errorf("the redirect was followed (Authorization %q)", redirected.Get("Authorization"))
	}
	if _, err := c.Offer(ctx, "tok", "x"); !errors.Is(err, peers.ErrUnavailable) {
		t.Errorf("a service without a URL: %v", err)
	}
}

func refusedWith(err error, status int) bool {
	ref, ok := peers.AsRefused(err)
	return ok && ref.Status == status
}
