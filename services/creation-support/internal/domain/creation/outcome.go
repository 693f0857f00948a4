package creation

import (
	"slices"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Outcome is how a case ended, or (Registered) that the business exists
// and is followed up.
type Outcome struct {
	Kind   string // an events.Outcome* value; empty while none
	Reason string // the abandon reason, for OutcomeAbandoned
	At     time.Time
}

// LegalForms are the legal forms a creation may take, as advisors name them.
func LegalForms() []string {
	return []string{"EI", "EURL", "SARL", "SASU", "SAS", "SNC", "SCOP", "autre"}
}

// Register records the registration that ends the formalities (the SIREN
// checked with the Luhn rule, a date not in the future, a known legal
// form), moves the case to follow-up and plans its checkpoints. The
// SIREN stays in this service: the event carries the legal form and date.
func (c *Case) Register(reg Registration, advisorID string, now time.Time) (events.CreationCaseStageChanged, events.CreationCaseRegistered, error) {
	if err := c.checkInJourney(); err != nil {
		return events.CreationCaseStageChanged{}, events.CreationCaseRegistered{}, err
	}
	if c.Stage != StageFormalities {
		return events.CreationCaseStageChanged{}, events.CreationCaseRegistered{}, ErrNotAtFormalities
	}
	if err := checkRegistration(reg, now); err != nil {
		return events.CreationCaseStageChanged{}, events.CreationCaseRegistered{}, err
	}
	c.Facts.Registration = reg
	_, moved := c.changeStage(StageFollowUp, reasonForward, "", advisorID, now)
	c.Outcome = Outcome{Kind: events.OutcomeRegistered, At: now.UTC()}
	c.Checkpoints = PlanCheckpoints(reg.Date)
	return moved, events.CreationCaseRegistered{CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber,
		SecondaryChamber: c.SecondaryChamber, AdvisorID: advisorID, LegalForm: reg.LegalForm,
		RegisteredOn: reg.Date.Format(time.DateOnly), RecordedAt: now.UTC()}, nil
}

func checkRegistration(reg Registration, now time.Time) error {
	var bad []FieldProblem
	if !ValidSIREN(reg.SIREN) {
		bad = append(bad, FieldProblem{"siren", "invalid", "Numéro SIREN invalide : neuf chiffres dont la clé de contrôle est juste."})
	}
	switch {
	case reg.Date.IsZero():
		bad = append(bad, FieldProblem{"registered_on", "required", "Date d'immatriculation attendue."})
	case reg.Date.After(now):
		bad = append(bad, FieldProblem{"registered_on", "future", "La date d'immatriculation ne peut pas être future."})
	}
	if !slices.Contains(LegalForms(), reg.LegalForm) {
		bad = append(bad, FieldProblem{"legal_form", "invalid", "Forme juridique attendue parmi : " + strings.Join(LegalForms(), ", ") + "."})
	}
	if len(bad) > 0 {
		return &InvalidInput{Fields: bad}
	}
	return nil
}

// Abandon closes the case because the project stopped, for one of
// events.AbandonReasons, at any stage before registration.
func (c *Case) Abandon(reason, advisorID string, now time.Time) (events.CreationCaseClosed, error) {
	if c.Stage == StageClosed {
		return events.CreationCaseClosed{}, ErrClosed
	}
	if c.Outcome.Kind == events.OutcomeRegistered {
		// The business exists: its follow-up records whether it ceased.
		return events.CreationCaseClosed{}, ErrRegistered
	}
	if !slices.Contains(events.AbandonReasons(), reason) {
		return events.CreationCaseClosed{}, &InvalidInput{Fields: []FieldProblem{{"reason", "invalid",
			"Motif attendu parmi : " + strings.Join(events.AbandonReasons(), ", ") + "."}}}
	}
	return c.close(events.OutcomeAbandoned, reason, advisorID, now), nil
}

// RedirectToTakeover closes the case because the holder would rather buy
// a business: takeover-matching opens a draft buyer search from the event,
// for the chamber's advisor to complete, linked to the same request.
func (c *Case) RedirectToTakeover(advisorID string, now time.Time) (events.CreationCaseRedirectedToTakeover, error) {
	if err := c.checkInJourney(); err != nil {
		return events.CreationCaseRedirectedToTakeover{}, err
	}
	closed := c.close(events.OutcomeRedirectedToTakeover, "", advisorID, now)
	return events.CreationCaseRedirectedToTakeover{CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber,
		SecondaryChamber: c.SecondaryChamber, AdvisorID: advisorID, NAFCode: c.NAFCode, CommuneCode: c.CommuneCode,
		Departement: c.Departement, RedirectedAt: closed.ClosedAt}, nil
}

// close ends the case with an outcome.
func (c *Case) close(outcome, reason, advisorID string, now time.Time) events.CreationCaseClosed {
	from := c.journeyStage()
	c.Timeline = append(c.Timeline, StageChange{From: from, To: StageClosed, Reason: reason, AdvisorID: advisorID, At: now.UTC()})
	c.Stage, c.UpdatedAt, c.Next = StageClosed, now.UTC(), NextAction{}
	c.Outcome = Outcome{Kind: outcome, Reason: reason, At: now.UTC()}
	return events.CreationCaseClosed{CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber,
		SecondaryChamber: c.SecondaryChamber, AdvisorID: advisorID, From: string(from), Outcome: outcome,
		Reason: reason, ClosedAt: now.UTC()}
}
