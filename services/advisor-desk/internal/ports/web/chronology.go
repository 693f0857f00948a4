package web

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// chronologyLine is one dated entry of a creation case's chronology: what
// happened, and the words that came with it (a comment, a note's text).
type chronologyLine struct {
	At    time.Time
	Text  string
	Quote string
	// Note: the entry is a note (the page marks notes apart).
	Note bool
}

// chronologyOf merges, oldest first, everything the reader may see that
// happened to the case: its opening, hand-backs, taking in charge, moves
// along the journey (its outcome among them), the checkpoints recorded
// and the notes the reader's chamber may read. Lines of the same instant
// keep that order.
func chronologyOf(cs peers.CreationCase, handBacks []handBackLine, j journeyView) []chronologyLine {
	// Opened: at which chamber is not said, since a hand-back may have
	// moved the case to the other one since.
	out := []chronologyLine{{At: cs.OpenedAt, Text: "Dossier ouvert."}}
	for _, h := range handBacks {
		text := fmt.Sprintf("Rendu par %s (%s) : %s", h.Advisor, h.Chamber, h.Reason)
		if h.ToOther {
			text += ", transmis à l'autre chambre"
		}
		out = append(out, chronologyLine{At: h.At, Text: text + ".", Quote: h.Comment})
	}
	if cs.TakenAt != nil {
		out = append(out, chronologyLine{At: *cs.TakenAt, Text: "Pris en charge."})
	}
	for _, m := range j.Timeline {
		text := fmt.Sprintf("%s → %s, par %s", m.From, m.To, m.Advisor)
		if m.Reason != "" {
			text += " (" + m.Reason + ")"
		}
		out = append(out, chronologyLine{At: m.At, Text: text + ".", Quote: m.Comment})
	}
	for _, cp := range cs.Checkpoints {
		if cp.RecordedAt != nil {
			out = append(out, chronologyLine{At: *cp.RecordedAt, Text: checkpointText(cp)})
		}
	}
	for _, n := range j.Notes {
		whose := "privée à la " + n.Chamber
		if n.Shared {
			whose = "partagée avec l'autre chambre"
		}
		out = append(out, chronologyLine{At: n.At, Text: fmt.Sprintf("Note de %s, %s (%s) :", n.Author, n.Chamber, whose),
			Quote: n.Text, Note: true})
	}
	slices.SortStableFunc(out, func(a, b chronologyLine) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	return out
}

// checkpointText says what a recorded checkpoint found.
func checkpointText(cp peers.Checkpoint) string {
	if !cp.StillActive {
		return fmt.Sprintf("Point de suivi à %s : l'entreprise n'est plus en activité.", cp.Label)
	}
	text := fmt.Sprintf("Point de suivi à %s : entreprise en activité, %d salarié", cp.Label, cp.Headcount)
	if cp.Headcount > 1 {
		text += "s"
	}
	if cp.Difficulties {
		text += ", difficultés constatées (signalées à la cellule de prévention)"
	}
	return text + "."
}
