package casefile

// Stage is a stage of the creation journey an advisor may move a case
// to, with its label, in the journey's order.
type Stage struct{ Code, Label string }

// Stages are the stages creation-support accepts as a move's target:
// the journey's, but follow-up, which the registration reaches.
func Stages() []Stage {
	return []Stage{
		{"welcome", "Accueil"},
		{"diagnosis", "Diagnostic et orientation"},
		{"training", "Formation"},
		{"business_plan", "Business plan"},
		{"funding", "Financement"},
		{"formalities", "Formalités"},
	}
}

// MoveReason is a reason for skipping stages or stepping back.
type MoveReason struct{ Code, Label string }

// MoveReasons are the reasons creation-support takes for a move: the
// first three skip stages, the next two step back, "other" does either.
func MoveReasons() []MoveReason {
	return []MoveReason{
		{"not_needed", "Passer : l'étape est sans objet pour ce projet"},
		{"done_elsewhere", "Passer : l'étape a été faite ailleurs ou plus tôt"},
		{"holder_choice", "Passer : le porteur de projet ne la souhaite pas"},
		{"new_information", "Revenir : un fait nouveau change le projet"},
		{"incomplete", "Revenir : le travail d'une étape antérieure est à reprendre"},
		{"other", "Autre motif, précisé dans le commentaire"},
	}
}

// MaxNextAction and MaxNote bound a next action's label and a note, in
// characters, as creation-support does.
const (
	MaxNextAction = 200
	MaxNote       = 4000
)

// StageLabel is a stage's French label, or the code itself.
func StageLabel(code string) string { return Label("stage", code) }
