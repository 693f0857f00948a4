package httpapi

import (
	"time"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// introductionJSON is a match's introduction as both sides read it: the
// stage, what each side did, the steps taken (who and when) and the steps
// the reader may take next (the names of their POST paths' steps).
type introductionJSON struct {
	Stage                string            `json:"stage"`
	SellerReviewed       bool              `json:"seller_reviewed"`
	BuyerReviewed        bool              `json:"buyer_reviewed"`
	IntroductionApproved bool              `json:"introduction_approved"`
	Undertaking          *undertakingJSON  `json:"undertaking,omitempty"`
	DealDate             string            `json:"deal_date,omitempty"`
	DropReason           string            `json:"drop_reason,omitempty"`
	History              []stageChangeJSON `json:"history"`
	NextSteps            []string          `json:"next_steps"`
}

// undertakingJSON is the confidentiality undertaking the buyer accepted.
type undertakingJSON struct {
	Version    string `json:"version"`
	AcceptedOn string `json:"accepted_on"`
}

// stageChangeJSON is one step taken on a match.
type stageChangeJSON struct {
	Step      string    `json:"step"`
	Side      string    `json:"side"`
	AdvisorID string    `json:"advisor_id"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason,omitempty"`
	At        time.Time `json:"at"`
}

func introductionView(in takeover.Introduction, next []string) introductionJSON {
	out := introductionJSON{Stage: in.Stage, SellerReviewed: in.SellerReviewed, BuyerReviewed: in.BuyerReviewed,
		IntroductionApproved: in.IntroductionApproved, DropReason: in.DropReason, History: []stageChangeJSON{}, NextSteps: next}
	if out.NextSteps == nil {
		out.NextSteps = []string{}
	}
	if in.Undertaking != nil {
		out.Undertaking = &undertakingJSON{Version: in.Undertaking.Version, AcceptedOn: in.Undertaking.AcceptedOn.Format(time.DateOnly)}
	}
	if !in.DealDate.IsZero() {
		out.DealDate = in.DealDate.Format(time.DateOnly)
	}
	for _, c := range in.History {
		out.History = append(out.History, stageChangeJSON{Step: c.Step, Side: c.Side, AdvisorID: c.AdvisorID, From: c.From,
			To: c.To, Reason: c.Reason, At: c.At})
	}
	return out
}
