package signal

// Label names the source in French, as the advisors' desk shows it.
func (s Source) Label() string {
	switch s {
	case SourceSelfReport:
		return "Autodiagnostic du dirigeant"
	case SourceAdvisorObservation:
		return "Observation d'un conseiller"
	case SourceBodacc:
		return "BODACC"
	case SourcePartner:
		return "Partenaire"
	default:
		return string(s)
	}
}

// Label names the kind in French, as the advisors' desk shows it; an
// unknown kind (a later one) keeps its code rather than a wrong name.
func (k Kind) Label() string {
	switch k {
	case KindCourtJudgment:
		return "Jugement publié au BODACC"
	case KindSocialDebt:
		return "Dette sociale (cotisations impayées)"
	case KindTaxDebt:
		return "Dette fiscale (impôts impayés)"
	case KindPaymentIncident:
		return "Incident de paiement"
	case KindLateAccounts:
		return "Comptes annuels non déposés"
	case KindSelfDiagnosisNone:
		return "Autodiagnostic sans alerte"
	case KindSelfDiagnosisVigilance:
		return "Autodiagnostic : vigilance"
	case KindSelfDiagnosisCallBack:
		return "Autodiagnostic : rappel demandé"
	case KindCheckpointDifficulties:
		return "Difficultés vues à un point d'étape après création"
	case KindAdvisorConcern:
		return "Préoccupation d'un conseiller création ou transmission-reprise"
	default:
		return string(k)
	}
}
