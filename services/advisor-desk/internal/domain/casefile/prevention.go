package casefile

// The choices of a prevention case's forms, as difficulty-alert names
// them (prevention.ActionKinds, Outcomes, CloseReasons): the desk offers
// them, difficulty-alert checks them.

// PreventionActionKinds are the actions an advisor records on a case.
func PreventionActionKinds() []Choice {
	return []Choice{
		{"call", "Appel"},
		{"meeting", "Rendez-vous"},
		{"referral_court_prevention", "Orientation vers la prévention du tribunal de commerce (mandat ad hoc, conciliation)"},
		{"referral_prevention_centre", "Orientation vers un centre d'information sur la prévention (CIP)"},
		{"referral_credit_mediator", "Orientation vers la Médiation du crédit"},
		{"referral_ccsf", "Orientation vers la CCSF (dettes fiscales et sociales)"},
		{"psychological_support", "Soutien psychologique du dirigeant (APESA)"},
	}
}

// PreventionOutcomes are what came of an action.
func PreventionOutcomes() []Choice {
	return []Choice{
		{"done", "Réalisé"},
		{"follow_up", "Réalisé, suite à donner"},
		{"declined", "Refusé par le dirigeant"},
		{"no_answer", "Dirigeant injoignable"},
	}
}

// PreventionCloseReasons are why a prevention case closes.
func PreventionCloseReasons() []Choice {
	return []Choice{
		{"recovered", "Entreprise redressée"},
		{"procedure_opened", "Procédure collective ouverte"},
		{"business_closed", "Entreprise fermée"},
		{"declined_by_owner", "Refus du dirigeant"},
	}
}

// MaxActionOutcome bounds an action's account, as difficulty-alert does
// (prevention.MaxOutcomeText).
const MaxActionOutcome = 2000

// PreventionHandBackReasons are why an advisor hands a prevention case
// back.
func PreventionHandBackReasons() []Choice {
	return []Choice{
		{"no_capacity", "Je ne peux pas en prendre davantage"},
		{"absence", "Je serai absent"},
		{"conflict_of_interest", "Conflit d'intérêts : je connais l'entreprise ou son dirigeant"},
		{"other", "Autre motif"},
	}
}
