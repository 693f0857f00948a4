package peers

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

// The refusal of a full session reads as creation-support documents it,
// and the session planned as it answers it.
func TestSessionAnswersMatchTheDocument(t *testing.T) {
	c := checkers(t)[CreationSupport]
	c.Decodes(t, "POST /api/v1/creation-cases/{id}/sessions/{session_id}", http.StatusConflict, reflect.TypeFor[fullProblem](), "type", "status")
	c.Decodes(t, "POST /api/v1/creation-sessions", http.StatusCreated, reflect.TypeFor[Session]())
}

// A full session is refused with the next one that has seats; a 409
// without one stays a plain refusal.
func TestRegisterToAFullSession(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/creation-cases/{id}/sessions/{session}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusConflict)
		if r.PathValue("session") == "full" {
			_, _ = w.Write([]byte(`{"type":"about:blank","title":"Session complète","status":409,"detail":"Il ne reste aucune place.",
				"next_session":{"session_id":"next","kind":"training","title":"Stage","starts_at":"2027-02-01T09:00:00Z","seats":3}}`))
			return
		}
		_, _ = w.Write([]byte(`{"type":"about:blank","title":"Action impossible","status":409,"detail":"Le dossier est clos."}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	client := New(http.DefaultTransport, 5*time.Second, func(string) string { return srv.URL })

	err := client.RegisterToSession(t.Context(), "tok", "case", "full")
	var full *SessionFull
	if !errors.As(err, &full) || full.Next == nil || full.Next.ID != "next" || full.Next.Seats != 3 || full.Title != "Session complète" ||
		!full.Next.StartsAt.Equal(time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("full session: %#v", err)
	}
	if ref, ok := AsRefused(err); !ok || ref.Status != http.StatusConflict {
		t.Errorf("the full session is not a refusal: %v", err)
	}
	err = client.RegisterToSession(t.Context(), "tok", "case", "closed")
	if errors.As(err, &full) {
		t.Errorf("a closed case refused as a full session: %v", err)
	}
	if ref, ok := AsRefused(err); !ok || ref.Detail != "Le dossier est clos." {
		t.Errorf("closed case: %v", err)
	}
}
