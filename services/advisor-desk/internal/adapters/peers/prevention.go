package peers

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// PreventionAction is an action recorded on a prevention case, with its
// outcome, as difficulty-alert sends it (its French labels included).
type PreventionAction struct {
	ActionID     string    `json:"action_id"`
	Kind         string    `json:"kind"`
	KindLabel    string    `json:"kind_label"`
	OccurredOn   string    `json:"occurred_on"`
	AdvisorID    string    `json:"advisor_id"`
	Outcome      string    `json:"outcome"`
	OutcomeLabel string    `json:"outcome_label"`
	OutcomeText  string    `json:"outcome_text"`
	RecordedAt   time.Time `json:"recorded_at"`
}

// ActionReport is an action as an advisor records it.
type ActionReport struct {
	Kind        string `json:"kind"`
	OccurredOn  string `json:"occurred_on"`
	Outcome     string `json:"outcome"`
	OutcomeText string `json:"outcome_text"`
}

func preventionPath(id, action string) string {
	return "/api/v1/difficulty-cases/" + url.PathEscape(id) + action
}

// TakePreventionCase takes a prevention case in charge (difficulty-alert
// decides who may, and audits it).
func (c *Client) TakePreventionCase(ctx context.Context, token, id string) error {
	return c.do(ctx, DifficultyAlert, http.MethodPost, preventionPath(id, "/take-in-charge"), token, nil, nil)
}

// RecordPreventionAction records an action on a prevention case.
func (c *Client) RecordPreventionAction(ctx context.Context, token, id string, a ActionReport) error {
	return c.do(ctx, DifficultyAlert, http.MethodPost, preventionPath(id, "/actions"), token, a, nil)
}

// ClosePreventionCase closes a prevention case with its reason.
func (c *Client) ClosePreventionCase(ctx context.Context, token, id, reason string) error {
	return c.do(ctx, DifficultyAlert, http.MethodPost, preventionPath(id, "/close"), token, map[string]string{"reason": reason}, nil)
}

// HandBackPreventionCase hands a prevention case back with a reason.
func (c *Client) HandBackPreventionCase(ctx context.Context, token, id, reason string) error {
	return c.do(ctx, DifficultyAlert, http.MethodPost, preventionPath(id, "/hand-back"), token, map[string]string{"reason": reason}, nil)
}
