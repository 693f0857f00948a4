package httpapi

import (
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// caseJSON is a prevention case as the API sends it (never the SIREN,
// which the scoring may have filled: the case page names the business
// through its signals, read by the cell only). A self report has
// its score, kinds, questionnaire and routing; a creation advisor's
// observation its creation case and checkpoint instead, a creation
// advisor's concern between two checkpoints its creation case and its
// kinds (the concerns' codes), a takeover advisor's concern its offer and
// its kinds.
type caseJSON struct {
	CaseID               string       `json:"case_id"`
	Source               string       `json:"source"`
	SourceLabel          string       `json:"source_label"`
	RequestID            string       `json:"request_id,omitempty"`
	Chamber              string       `json:"chamber"`
	SecondaryChamber     string       `json:"secondary_chamber,omitempty"`
	AdvisorIDs           []string     `json:"advisor_ids"`
	Status               string       `json:"status"`
	Level                string       `json:"level"`
	Score                *int         `json:"score,omitempty"`
	Kinds                []string     `json:"kinds,omitempty"`
	QuestionnaireVersion string       `json:"questionnaire_version,omitempty"`
	CreationCaseID       string       `json:"creation_case_id,omitempty"`
	Checkpoint           string       `json:"checkpoint,omitempty"`
	TakeoverOfferID      string       `json:"takeover_offer_id,omitempty"`
	NAFCode              string       `json:"naf_code,omitempty"`
	NAFVersion           string       `json:"naf_version,omitempty"`
	Departement          string       `json:"departement"`
	Routing              *routingJSON `json:"routing,omitempty"`
	ReportedAt           time.Time    `json:"reported_at"`
	OpenedAt             time.Time    `json:"opened_at"`
	StatusLabel          string       `json:"status_label"`
	TakenBy              string       `json:"taken_by,omitempty"`
	TakenAt              *time.Time   `json:"taken_at,omitempty"`
	ClosedBy             string       `json:"closed_by,omitempty"`
	ClosedAt             *time.Time   `json:"closed_at,omitempty"`
	CloseReason          string       `json:"close_reason,omitempty"`
	CloseReasonLabel     string       `json:"close_reason_label,omitempty"`
	// Actions are the case's, oldest first: in the case itself, not in
	// lists (where it is left out).
	Actions []actionJSON `json:"actions,omitempty"`
}

// actionJSON is an action recorded on a case, with its French labels.
type actionJSON struct {
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

type routingJSON struct {
	LeadChamber      string `json:"lead_chamber"`
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	RuleID           string `json:"rule_id"`
	Reason           string `json:"reason"`
	RulesVersion     string `json:"rules_version,omitempty"`
	OutOfTerritory   bool   `json:"out_of_territory"`
	EPCI             string `json:"epci,omitempty"`
}

func caseJSONOf(c prevention.Case) caseJSON {
	advisors := c.AdvisorIDs
	if advisors == nil {
		advisors = []string{}
	}
	out := caseJSON{
		CaseID: c.ID, Source: string(c.Source), SourceLabel: c.SourceLabel(), RequestID: c.RequestID, Chamber: c.Chamber,
		SecondaryChamber: c.SecondaryChamber, AdvisorIDs: advisors, Status: string(c.Status), Level: c.Level,
		CreationCaseID: c.CreationCaseID, Checkpoint: c.Checkpoint, TakeoverOfferID: c.TakeoverOfferID, NAFCode: c.NAFCode, NAFVersion: c.NAFVersion,
		Departement: c.Departement, ReportedAt: c.ReportedAt, OpenedAt: c.OpenedAt, StatusLabel: c.Status.Label(),
		TakenBy: c.TakenBy, ClosedBy: c.ClosedBy, CloseReason: string(c.CloseReason),
	}
	if !c.TakenAt.IsZero() {
		out.TakenAt = &c.TakenAt
	}
	if !c.ClosedAt.IsZero() {
		out.ClosedAt, out.CloseReasonLabel = &c.ClosedAt, c.CloseReason.Label()
	}
	for _, a := range c.Actions {
		out.Actions = append(out.Actions, actionJSON{ActionID: a.ID, Kind: string(a.Kind), KindLabel: a.Kind.Label(),
			OccurredOn: a.OccurredOn.Format(time.DateOnly), AdvisorID: a.AdvisorID, Outcome: string(a.Outcome),
			OutcomeLabel: a.Outcome.Label(), OutcomeText: a.OutcomeText, RecordedAt: a.RecordedAt})
	}
	if c.SelfReport() {
		score := c.Score
		out.Score, out.Kinds, out.QuestionnaireVersion = &score, c.Kinds, c.QuestionnaireVersion
		out.Routing = &routingJSON{LeadChamber: c.Routing.LeadChamber, SecondaryChamber: c.Routing.SecondaryChamber,
			RuleID: c.Routing.RuleID, Reason: c.Routing.Reason, RulesVersion: c.Routing.RulesVersion,
			OutOfTerritory: c.Routing.OutOfTerritory, EPCI: c.Routing.EPCI}
	}
	if c.FromConcern() {
		out.Kinds = c.Kinds
	}
	return out
}

// caseList is a page of cases, newest first; NextBefore, when set, asks
// for the next page (?before=).
type caseList struct {
	Cases      []caseJSON `json:"difficulty_cases"`
	NextBefore string     `json:"next_before,omitempty"`
}
