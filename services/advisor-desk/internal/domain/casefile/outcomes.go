package casefile

// The outcomes of a creation case (creation-support's Outcome, Register,
// Abandon, RedirectToTakeover) and its funding requests, in French.

// Outcomes of a creation case, as creation-support sends them.
const (
	OutcomeRegistered           = "registered"
	OutcomeAbandoned            = "abandoned"
	OutcomeRedirectedToTakeover = "redirected_to_takeover"
	OutcomeCeased               = "ceased"
	OutcomeFollowedUp           = "followed_up"
)

// Stages where the journey's closing actions and registration apply.
const (
	StageFunding     = "funding"
	StageFormalities = "formalities"
	StageFollowUp    = "follow_up"
	StageClosed      = "closed"
)

// Choice is a code a form offers, with its label, in the form's order.
type Choice struct{ Code, Label string }

// LegalForms are the legal forms creation-support records a registration
// with (creation.LegalForms).
func LegalForms() []Choice {
	return []Choice{
		{"EI", "Entreprise individuelle (EI, micro-entreprise comprise)"},
		{"EURL", "Entreprise unipersonnelle à responsabilité limitée (EURL)"},
		{"SARL", "Société à responsabilité limitée (SARL)"},
		{"SASU", "Société par actions simplifiée unipersonnelle (SASU)"},
		{"SAS", "Société par actions simplifiée (SAS)"},
		{"SNC", "Société en nom collectif (SNC)"},
		{"SCOP", "Société coopérative et participative (SCOP)"},
		{"autre", "Autre forme juridique"},
	}
}

// AbandonReasons are the reasons creation-support takes for an abandoned
// project (events.AbandonReasons).
func AbandonReasons() []Choice {
	return []Choice{
		{"holder_choice", "Le porteur de projet y renonce"},
		{"not_viable", "Le projet n'est pas viable"},
		{"no_funding", "Le financement n'a pas été obtenu"},
		{"employment", "Le porteur de projet a pris un emploi salarié"},
		{"unreachable", "Le porteur de projet ne répond plus"},
		{"other", "Autre motif"},
	}
}

// Decisions of a funding request, as creation-support records them.
const (
	FundingPending = "pending"
	FundingGranted = "granted"
	FundingRefused = "refused"
)

// FundingDecisions are the decisions a funding request may have.
func FundingDecisions() []Choice {
	return []Choice{{FundingPending, "En attente"}, {FundingGranted, "Accordé"}, {FundingRefused, "Refusé"}}
}

// MaxFunding is the number of funding requests creation-support keeps.
const MaxFunding = 20

// Valid tells whether code is one of choices.
func Valid(choices []Choice, code string) bool {
	for _, c := range choices {
		if c.Code == code {
			return true
		}
	}
	return false
}

// labelOf is the label of code among choices, or the code itself.
func labelOf(choices []Choice, code string) string {
	for _, c := range choices {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// outcomeLabels say how a case ended, for its header.
var outcomeLabels = map[string]string{
	OutcomeRegistered:           "Entreprise immatriculée",
	OutcomeAbandoned:            "Projet abandonné",
	OutcomeRedirectedToTakeover: "Redirigé vers la reprise d'entreprise",
	OutcomeCeased:               "Entreprise cessée pendant son suivi",
	OutcomeFollowedUp:           "Suivi post-création terminé",
}

// OutcomeLabel is an outcome's French label, or the code itself.
func OutcomeLabel(kind string) string {
	if l, ok := outcomeLabels[kind]; ok {
		return l
	}
	return kind
}

// AbandonLabel is an abandon reason's French label, or the code itself.
func AbandonLabel(code string) string { return labelOf(AbandonReasons(), code) }

// LegalFormLabel is a legal form's French label, or the code itself.
func LegalFormLabel(code string) string { return labelOf(LegalForms(), code) }

// DecisionLabel is a funding decision's French label, or the code itself.
func DecisionLabel(code string) string { return labelOf(FundingDecisions(), code) }

// ChangeReason is the label of the reason of a stage change: a case
// closed by an abandon gives the abandon's reason, a move gives the
// move's (the two lists share codes with other meanings).
func ChangeReason(to, reason string) string {
	if to == StageClosed && reason != "" {
		return AbandonLabel(reason)
	}
	return Label("move", reason)
}

// InJourney tells whether a case at stage is in the creation journey,
// taken in charge and neither registered nor closed: the only stages where
// it may be abandoned or redirected to takeover.
func InJourney(stage string) bool {
	switch stage {
	case "", "opened", StageFollowUp, StageClosed:
		return false
	}
	return true
}
