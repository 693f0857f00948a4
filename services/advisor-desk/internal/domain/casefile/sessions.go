package casefile

// SessionKind is a kind of session a chamber holds for project holders,
// with its label, in the form's order.
type SessionKind struct{ Code, Label string }

// SessionKinds are the kinds creation-support plans.
func SessionKinds() []SessionKind {
	return []SessionKind{
		{"information_meeting", "Réunion d'information collective"},
		{"training", "Stage de préparation à l'installation"},
	}
}

// SessionKindLabel is a kind's label, or the code itself.
func SessionKindLabel(code string) string {
	for _, k := range SessionKinds() {
		if k.Code == code {
			return k.Label
		}
	}
	return code
}

// MaxSessionText bounds a session's title and place, and MaxSessionSeats
// its capacity, as creation-support does.
const (
	MaxSessionText  = 200
	MaxSessionSeats = 500
)
