package peers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// CaseFilter selects creation cases (GET /api/v1/creation-cases): empty
// members select all; creation-support shows only what the reader may
// see.
type CaseFilter struct {
	Status, Stage, Advisor string
	// After is the last id of the previous page; Limit the page's size (0:
	// the service's default).
	After string
	Limit int
}

// CasePage is a page of creation cases; NextAfter is set when the page
// is full.
type CasePage struct {
	Cases     []CreationCase `json:"cases"`
	NextAfter string         `json:"next_after"`
}

// NextAction is what a case's advisor plans next, by when (a date,
// YYYY-MM-DD).
type NextAction struct {
	Label   string `json:"label"`
	Due     string `json:"due"`
	Overdue bool   `json:"overdue"`
}

// StageChange is a move of the case's timeline; Comment is shown only to
// the lead chamber's follow-up.
type StageChange struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason"`
	Comment   string    `json:"comment"`
	AdvisorID string    `json:"advisor_id"`
	At        time.Time `json:"at"`
}

// Note is a chamber's note on a case, private to its chamber unless
// shared.
type Note struct {
	ID        int64     `json:"id"`
	Chamber   string    `json:"chamber"`
	AuthorID  string    `json:"author_id"`
	Text      string    `json:"text"`
	Shared    bool      `json:"shared"`
	WrittenAt time.Time `json:"written_at"`
}

// NoteList is the notes the reader's chamber may read, oldest first.
type NoteList struct {
	Notes []Note `json:"notes"`
}

// CreationCases reads a page of the creation cases the advisor may see.
func (c *Client) CreationCases(ctx context.Context, token string, f CaseFilter) (CasePage, error) {
	q := url.Values{}
	for name, v := range map[string]string{"status": f.Status, "stage": f.Stage, "advisor": f.Advisor, "after": f.After} {
		if v != "" {
			q.Set(name, v)
		}
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	path := "/api/v1/creation-cases"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var v CasePage
	err := c.do(ctx, CreationSupport, http.MethodGet, path, token, nil, &v)
	return v, err
}

// MoveStage moves a creation case to a stage of the journey; reason is
// required to skip stages or step back.
func (c *Client) MoveStage(ctx context.Context, token, id, to, reason, comment string) error {
	body := struct {
		To      string `json:"to"`
		Reason  string `json:"reason,omitempty"`
		Comment string `json:"comment,omitempty"`
	}{to, reason, comment}
	return c.do(ctx, CreationSupport, http.MethodPost, casePath(id, "/stage"), token, body, nil)
}

// PlanNextAction sets a case's next action, due on a date (YYYY-MM-DD).
func (c *Client) PlanNextAction(ctx context.Context, token, id, label, due string) error {
	body := map[string]string{"label": label, "due": due}
	return c.do(ctx, CreationSupport, http.MethodPut, casePath(id, "/next-action"), token, body, nil)
}

// CreationNotes reads the notes of a case the advisor's chamber may read.
func (c *Client) CreationNotes(ctx context.Context, token, id string) (NoteList, error) {
	var v NoteList
	err := c.do(ctx, CreationSupport, http.MethodGet, casePath(id, "/notes"), token, nil, &v)
	return v, err
}

// WriteNote adds a note to a case, shared with the other chamber or not.
func (c *Client) WriteNote(ctx context.Context, token, id, text string, shared bool) error {
	body := struct {
		Text   string `json:"text"`
		Shared bool   `json:"shared"`
	}{text, shared}
	return c.do(ctx, CreationSupport, http.MethodPost, casePath(id, "/notes"), token, body, nil)
}

func casePath(id, action string) string {
	return "/api/v1/creation-cases/" + url.PathEscape(id) + action
}
