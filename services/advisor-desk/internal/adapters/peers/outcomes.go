package peers

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Outcome is how a creation case ended, or that its business is
// registered and followed up (a casefile.Outcome* kind); Reason is an
// abandon's.
type Outcome struct {
	Kind   string    `json:"kind"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Registration is the business a case became: its SIREN, its
// registration date (YYYY-MM-DD) and legal form.
type Registration struct {
	SIREN        string `json:"siren"`
	RegisteredOn string `json:"registered_on"`
	LegalForm    string `json:"legal_form"`
}

// Checkpoint is a post-creation follow-up ("6 mois", "1 an"...), due on a
// date (YYYY-MM-DD); RecordedAt is nil until its advisor records it.
type Checkpoint struct {
	Label        string     `json:"label"`
	Due          string     `json:"due"`
	RecordedAt   *time.Time `json:"recorded_at"`
	StillActive  bool       `json:"still_active"`
	Headcount    int        `json:"headcount"`
	Difficulties bool       `json:"difficulties"`
}

// CheckpointReport is what the advisor found at a follow-up.
type CheckpointReport struct {
	StillActive  bool `json:"still_active"`
	Headcount    int  `json:"headcount"`
	Difficulties bool `json:"difficulties"`
}

// Register records the registration of a case at the formalities stage;
// creation-support moves it to its follow-up.
func (c *Client) Register(ctx context.Context, token, id string, r Registration) error {
	return c.do(ctx, CreationSupport, http.MethodPost, casePath(id, "/registration"), token, r, nil)
}

// Abandon closes a case whose project stopped, for one of the abandon
// reasons.
func (c *Client) Abandon(ctx context.Context, token, id, reason string) error {
	body := map[string]string{"reason": reason}
	return c.do(ctx, CreationSupport, http.MethodPost, casePath(id, "/abandon"), token, body, nil)
}

// RedirectToTakeover closes a case whose holder would rather take over a
// business: takeover-matching opens a draft buyer search from it.
func (c *Client) RedirectToTakeover(ctx context.Context, token, id string) error {
	return c.do(ctx, CreationSupport, http.MethodPost, casePath(id, "/redirect-to-takeover"), token, nil, nil)
}

// RecordCheckpoint records the n-th follow-up of a registered business
// (from 1, the 6 months').
func (c *Client) RecordCheckpoint(ctx context.Context, token, id string, n int, r CheckpointReport) error {
	return c.do(ctx, CreationSupport, http.MethodPost, casePath(id, "/checkpoints/"+strconv.Itoa(n)), token, r, nil)
}
