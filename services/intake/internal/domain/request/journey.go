package request

import "slices"

// StatusClosed is the status of a request whose case ended (abandoned,
// redirected, or its business's follow-up over).
const StatusClosed Status = "closed"

// journeyStages are the stages of the chambers' creation journey, in
// order, with what the applicant reads (creation.case.stage_changed's
// stage codes).
var journeyStages = []struct{ code, label string }{
	{"welcome", "Accueil"},
	{"diagnosis", "Diagnostic de votre projet"},
	{"training", "Formation à la création d'entreprise"},
	{"business_plan", "Business plan"},
	{"funding", "Financement"},
	{"formalities", "Formalités d'immatriculation"},
	{"follow_up", "Suivi de votre entreprise"},
}

// JourneyStep places a creation journey's stage: its rank (from 1), the
// number of stages, its label and the next stage's (empty for the last);
// ok is false for a code the journey does not have.
func JourneyStep(code string) (rank, of int, label, next string, ok bool) {
	i := slices.IndexFunc(journeyStages, func(s struct{ code, label string }) bool { return s.code == code })
	if i < 0 {
		return 0, 0, "", "", false
	}
	if i+1 < len(journeyStages) {
		next = journeyStages[i+1].label
	}
	return i + 1, len(journeyStages), journeyStages[i].label, next, true
}

// outcomeTexts say to the applicant how their case ended, by outcome code.
var outcomeTexts = map[string]string{
	"registered":             "Votre entreprise est immatriculée : votre conseiller la suit pendant ses trois premières années.",
	"abandoned":              "Votre projet a été arrêté et votre dossier est clos. Vous pouvez déposer une nouvelle demande à tout moment.",
	"redirected_to_takeover": "Votre projet est réorienté vers la reprise d'une entreprise existante : un conseiller transmission vous accompagne.",
	"ceased":                 "Votre dossier est clos.",
	"followed_up":            "Le suivi de votre entreprise est terminé et votre dossier est clos. Bonne continuation !",
}

// OutcomeText is how a case ended, for the applicant ("" for none).
func OutcomeText(outcome string) string { return outcomeTexts[outcome] }
