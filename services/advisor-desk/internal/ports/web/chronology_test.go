package web

import (
	"slices"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
)

// TestChronologyMergesWhatHappened: the opening, hand-backs, taking in
// charge, moves, checkpoints and notes come in one list, oldest first,
// each said in words.
func TestChronologyMergesWhatHappened(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	taken, recorded := day(3), day(20)
	cs := peers.CreationCase{OpenedAt: day(1), TakenAt: &taken, Checkpoints: []peers.Checkpoint{
		{Label: "6 mois", RecordedAt: &recorded, StillActive: true, Headcount: 3, Difficulties: true},
		{Label: "1 an"},
	}}
	hb := []handBackLine{{Advisor: "Léa Dubois", Chamber: "CMA", Reason: "relève de l'autre chambre", ToOther: true, At: day(2),
		Comment: "Plutôt commerce."}}
	j := journeyView{
		Timeline: []timelineLine{{From: "Accueil", To: "Diagnostic et orientation", Advisor: "Camille Martin", At: day(10)},
			{From: "Formation", To: "Accueil", Advisor: "Camille Martin", Reason: "nouvelle information", Comment: "Autre local.", At: day(12)}},
		Notes: []noteLine{{Author: "Camille Martin", Chamber: "CCI", Text: "Hésite entre deux locaux.", At: day(11)},
			{Author: "Léa Dubois", Chamber: "CMA", Text: "Vu en réunion.", Shared: true, At: day(12)}},
	}
	var got []string
	for _, l := range chronologyOf(cs, hb, j) {
		got = append(got, l.At.Format("02")+" "+l.Text+" "+l.Quote)
	}
	want := []string{
		"01 Dossier ouvert. ",
		"02 Rendu par Léa Dubois (CMA) : relève de l'autre chambre, transmis à l'autre chambre. Plutôt commerce.",
		"03 Pris en charge. ",
		"10 Accueil → Diagnostic et orientation, par Camille Martin. ",
		"11 Note de Camille Martin, CCI (privée à la CCI) : Hésite entre deux locaux.",
		"12 Formation → Accueil, par Camille Martin (nouvelle information). Autre local.",
		"12 Note de Léa Dubois, CMA (partagée avec l'autre chambre) : Vu en réunion.",
		"20 Point de suivi à 6 mois : entreprise en activité, 3 salariés, difficultés constatées (signalées à la cellule de prévention). ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("chronology:\n%q\nwant\n%q", got, want)
	}
	if got := checkpointText(peers.Checkpoint{Label: "2 ans", StillActive: false}); got != "Point de suivi à 2 ans : l'entreprise n'est plus en activité." {
		t.Errorf("ceased: %q", got)
	}
	if got := checkpointText(peers.Checkpoint{Label: "1 an", StillActive: true, Headcount: 1}); got != "Point de suivi à 1 an : entreprise en activité, 1 salarié." {
		t.Errorf("one employee: %q", got)
	}
}
