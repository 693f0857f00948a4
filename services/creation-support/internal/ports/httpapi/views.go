package httpapi

import (
	"time"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/creation-support/internal/domain/access"
	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// caseView is a case as the API shows it. Both chambers read its header
// (status, stage, next action, outcome, timeline); the journey's facts,
// the comments of its timeline, its checkpoints, the concerns raised
// between them and the sessions it is registered to are the lead
// chamber's follow-up, shown to its advisors and managers and to the
// case's advisor.
type caseView struct {
	ID               string          `json:"id"`
	RequestID        string          `json:"request_id"`
	Chamber          string          `json:"chamber"`
	SecondaryChamber string          `json:"secondary_chamber,omitempty"`
	AdvisorID        string          `json:"advisor_id,omitempty"`
	Status           string          `json:"status"`
	Stage            string          `json:"stage"`
	StageLabel       string          `json:"stage_label"`
	NAFCode          string          `json:"naf_code,omitempty"`
	CommuneCode      string          `json:"commune_code"`
	Departement      string          `json:"departement"`
	RoutingRule      string          `json:"routing_rule"`
	OpenedAt         time.Time       `json:"opened_at"`
	TakenAt          *time.Time      `json:"taken_at,omitempty"`
	UpdatedAt        time.Time       `json:"updated_at"`
	NextAction       *nextActionView `json:"next_action,omitempty"`
	Outcome          *outcomeView    `json:"outcome,omitempty"`
	HandBacks        []handBackView  `json:"hand_backs,omitempty"`
	Timeline         []changeView    `json:"timeline,omitempty"`
	Facts            *factsView      `json:"facts,omitempty"`
	Registration     *registration   `json:"registration,omitempty"`
	Checkpoints      []checkpoint    `json:"checkpoints,omitempty"`
	// DifficultyConcerns are the concerns raised between checkpoints,
	// newest first.
	DifficultyConcerns []concernView `json:"difficulty_concerns,omitempty"`
	Sessions           []enrolment   `json:"sessions,omitempty"`
}

type handBackView struct {
	AdvisorID string    `json:"advisor_id"`
	Chamber   string    `json:"chamber"`
	Reason    string    `json:"reason"`
	Comment   string    `json:"comment,omitempty"`
	ToOther   bool      `json:"to_other_chamber"`
	At        time.Time `json:"at"`
}

type nextActionView struct {
	Label   string `json:"label"`
	Due     string `json:"due"`
	Overdue bool   `json:"overdue"`
}

type outcomeView struct {
	Kind   string    `json:"kind"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

type changeView struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason,omitempty"`
	Comment   string    `json:"comment,omitempty"`
	AdvisorID string    `json:"advisor_id"`
	At        time.Time `json:"at"`
}

// factsView is what advisors record along the journey (PUT .../facts);
// the registration is recorded on its own.
type factsView struct {
	Welcome      creation.Welcome          `json:"welcome"`
	Diagnosis    creation.Diagnosis        `json:"diagnosis"`
	Training     creation.Training         `json:"training"`
	BusinessPlan creation.BusinessPlan     `json:"business_plan"`
	Funding      []creation.FundingRequest `json:"funding"`
}

func (f factsView) domain() creation.Facts {
	return creation.Facts{Welcome: f.Welcome, Diagnosis: f.Diagnosis, Training: f.Training,
		BusinessPlan: f.BusinessPlan, Funding: f.Funding}
}

type registration struct {
	SIREN        string `json:"siren"`
	RegisteredOn string `json:"registered_on"`
	LegalForm    string `json:"legal_form"`
}

type checkpoint struct {
	Label        string     `json:"label"`
	Due          string     `json:"due"`
	RecordedAt   *time.Time `json:"recorded_at,omitempty"`
	StillActive  bool       `json:"still_active"`
	Headcount    int        `json:"headcount"`
	Difficulties bool       `json:"difficulties"`
}

// viewOf shows c to p; detail adds the history (hand-backs, timeline)
// and, for the lead chamber's follow-up, the facts, checkpoints, concerns
// and sessions.
func viewOf(c creation.Case, p auth.Principal, detail bool) caseView {
	v := caseView{ID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber,
		AdvisorID: c.AdvisorID, Status: c.Status(), Stage: string(c.Stage), StageLabel: c.Stage.Label(), NAFCode: c.NAFCode,
		CommuneCode: c.CommuneCode, Departement: c.Departement, RoutingRule: c.RoutingRule, OpenedAt: c.OpenedAt,
		UpdatedAt: c.UpdatedAt}
	if !c.TakenAt.IsZero() {
		t := c.TakenAt
		v.TakenAt = &t
	}
	if c.Next.Planned() {
		v.NextAction = &nextActionView{Label: c.Next.Label, Due: c.Next.Due.Format(time.DateOnly), Overdue: c.Next.OverdueAt(time.Now())}
	}
	if c.Outcome.Kind != "" {
		v.Outcome = &outcomeView{Kind: c.Outcome.Kind, Reason: c.Outcome.Reason, At: c.Outcome.At}
	}
	if !detail {
		return v
	}
	follower := access.ReadFollowUp(p, c) == nil
	for _, h := range c.HandBacks {
		v.HandBacks = append(v.HandBacks, handBackView{AdvisorID: h.AdvisorID, Chamber: h.Chamber, Reason: h.Reason,
			Comment: h.Comment, ToOther: h.ToOtherChamber, At: h.At})
	}
	for _, ch := range c.Timeline {
		cv := changeView{From: string(ch.From), To: string(ch.To), Reason: ch.Reason, AdvisorID: ch.AdvisorID, At: ch.At}
		if follower {
			cv.Comment = ch.Comment
		}
		v.Timeline = append(v.Timeline, cv)
	}
	if follower {
		addFollowUp(&v, c)
	}
	return v
}

// addFollowUp adds the lead chamber's follow-up to the view.
func addFollowUp(v *caseView, c creation.Case) {
	f := factsView{Welcome: c.Facts.Welcome, Diagnosis: c.Facts.Diagnosis, Training: c.Facts.Training,
		BusinessPlan: c.Facts.BusinessPlan, Funding: c.Facts.Funding}
	v.Facts = &f
	if r := c.Facts.Registration; r.Recorded() {
		v.Registration = &registration{SIREN: r.SIREN, RegisteredOn: r.Date.Format(time.DateOnly), LegalForm: r.LegalForm}
	}
	for _, cp := range c.Checkpoints {
		view := checkpoint{Label: cp.Label, Due: cp.Due.Format(time.DateOnly), StillActive: cp.StillActive,
			Headcount: cp.Headcount, Difficulties: cp.Difficulties}
		if !cp.Recorded.IsZero() {
			t := cp.Recorded
			view.RecordedAt = &t
		}
		v.Checkpoints = append(v.Checkpoints, view)
	}
	v.DifficultyConcerns = concernsView(c.Concerns)
	for _, e := range c.Sessions {
		v.Sessions = append(v.Sessions, enrolment{SessionID: e.SessionID, Chamber: e.Chamber, Kind: e.Kind, Title: e.Title,
			StartsAt: e.StartsAt, Place: e.Place})
	}
}

// enrolment is a session the case is registered to.
type enrolment struct {
	SessionID string    `json:"session_id"`
	Chamber   string    `json:"chamber"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	StartsAt  time.Time `json:"starts_at"`
	Place     string    `json:"place"`
}
