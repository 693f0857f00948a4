package peers

import (
	"context"
	"net/http"
	"time"
)

// Facts are what the case's advisor records along the journey, read by
// each stage's exit criteria (creation-support's Facts). PUT replaces
// them whole: a form changes one stage's part of what it read.
type Facts struct {
	Welcome      Welcome          `json:"welcome"`
	Diagnosis    Diagnosis        `json:"diagnosis"`
	Training     Training         `json:"training"`
	BusinessPlan BusinessPlan     `json:"business_plan"`
	Funding      []FundingRequest `json:"funding,omitempty"`
}

// Welcome is the first meeting: "collective" or "individual", and when.
type Welcome struct {
	Kind string    `json:"kind,omitempty"`
	At   time.Time `json:"at,omitzero"`
}

// Diagnosis is the orientation; Regulated is nil until assessed.
type Diagnosis struct {
	ChamberConfirmed  bool   `json:"chamber_confirmed,omitempty"`
	Regulated         *bool  `json:"regulated,omitempty"`
	Qualification     string `json:"qualification,omitempty"`
	QualificationHeld bool   `json:"qualification_held,omitempty"`
}

// Training is the preparation course followed.
type Training struct {
	Course      string `json:"course,omitempty"`
	Hours       int    `json:"hours,omitempty"`
	Attestation bool   `json:"attestation,omitempty"`
}

// BusinessPlan says which parts of the plan are done and reviewed.
type BusinessPlan struct {
	Market      PlanPart `json:"market"`
	FundingPlan PlanPart `json:"funding_plan"`
	ForecastPL  PlanPart `json:"forecast_pl"`
	CashPlan    PlanPart `json:"cash_plan"`
}

// PlanPart is one part of the business plan.
type PlanPart struct {
	Done     bool `json:"done,omitempty"`
	Reviewed bool `json:"reviewed,omitempty"`
}

// FundingRequest is a request to a funding partner, in euros.
type FundingRequest struct {
	Partner  string `json:"partner"`
	Asked    int64  `json:"asked"`
	Decision string `json:"decision"`
	Granted  int64  `json:"granted,omitempty"`
}

// RecordFacts replaces the facts of a case.
func (c *Client) RecordFacts(ctx context.Context, token, id string, f Facts) error {
	return c.do(ctx, CreationSupport, http.MethodPut, casePath(id, "/facts"), token, f, nil)
}
