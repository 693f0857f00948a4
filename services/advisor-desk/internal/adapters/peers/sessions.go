package peers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Session is one of creation-support's sessions of a chamber (a
// collective information meeting or a training), with its seats.
type Session struct {
	ID         string    `json:"session_id"`
	Chamber    string    `json:"chamber"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	StartsAt   time.Time `json:"starts_at"`
	Place      string    `json:"place"`
	Capacity   int       `json:"capacity"`
	Registered int       `json:"registered"`
	Seats      int       `json:"seats"`
}

// SessionList is the upcoming sessions of the reader's chamber, by date.
type SessionList struct {
	Sessions []Session `json:"sessions"`
}

// SessionPlan is a session an advisor plans in their chamber.
type SessionPlan struct {
	Kind     string    `json:"kind"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	Place    string    `json:"place"`
	Capacity int       `json:"capacity"`
}

// Enrolment is a session a creation case is registered to (shown to the
// lead chamber's follow-up only).
type Enrolment struct {
	SessionID string    `json:"session_id"`
	Chamber   string    `json:"chamber"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	StartsAt  time.Time `json:"starts_at"`
	Place     string    `json:"place"`
}

// SessionFull is creation-support's refusal of a registration to a full
// session, with the next session of its kind that has seats (nil: none
// is planned). It unwraps to the *Refused.
type SessionFull struct {
	*Refused
	Next *Session
}

// Unwrap makes AsRefused find the refusal.
func (e *SessionFull) Unwrap() error { return e.Refused }

// fullProblem is what the client reads of the refusal of a full session:
// a problem with, as an extension member, the next session.
type fullProblem struct {
	Title       string   `json:"title"`
	Detail      string   `json:"detail"`
	NextSession *Session `json:"next_session"`
}

// Sessions reads the upcoming sessions of the advisor's chamber, of kind
// when set.
func (c *Client) Sessions(ctx context.Context, token, kind string) (SessionList, error) {
	path := "/api/v1/creation-sessions"
	if kind != "" {
		path += "?" + url.Values{"kind": {kind}}.Encode()
	}
	var v SessionList
	err := c.do(ctx, CreationSupport, http.MethodGet, path, token, nil, &v)
	return v, err
}

// PlanSession plans a session of the advisor's chamber.
func (c *Client) PlanSession(ctx context.Context, token string, p SessionPlan) (Session, error) {
	var v Session
	err := c.do(ctx, CreationSupport, http.MethodPost, "/api/v1/creation-sessions", token, p, &v)
	return v, err
}

// RegisterToSession registers a creation case to a session; a full
// session is refused as a *SessionFull.
func (c *Client) RegisterToSession(ctx context.Context, token, caseID, sessionID string) error {
	err := c.do(ctx, CreationSupport, http.MethodPost, casePath(caseID, "/sessions/"+url.PathEscape(sessionID)), token, nil, nil)
	if ref, ok := AsRefused(err); ok && ref.Status == http.StatusConflict {
		var p fullProblem
		if json.Unmarshal(ref.body, &p) == nil && p.NextSession != nil {
			return &SessionFull{Refused: ref, Next: p.NextSession}
		}
	}
	return err
}
