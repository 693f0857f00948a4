package bodaccfile_test

import (
	"errors"
	"os"
	"testing"

	"github.com/ccicma/platform/services/difficulty-alert/internal/adapters/bodaccfile"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/bodacc/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReadJSON: the export's records are read with their fields; the
// numeric numeroannonce and the registre list come out as text.
func TestReadJSON(t *testing.T) {
	items, err := bodaccfile.ReadJSON(read(t, "procedures-collectives.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 8 {
		t.Fatalf("%d records", len(items))
	}
	r := items[0].Record
	if items[0].Index != 1 || r.ID != "A202600201401" || r.Number != "1401" || r.Family != "collective" || len(r.Registre) != 2 ||
		r.Published != "2026-01-20" || r.Jugement == "" || items[0].Err != nil {
		t.Fatalf("first record %+v", items[0])
	}
	if items[4].Record.PreviousNotice == "" {
		t.Errorf("the cancellation has no parutionavisprecedent")
	}
}

// TestReadJSONRecordShapes: the older API's "fields" wrapper is read; a
// record that is not an object, or whose registre is a boolean, is
// rejected alone.
func TestReadJSONRecordShapes(t *testing.T) {
	items, err := bodaccfile.ReadJSON([]byte(`[{"fields":{"id":"A202600201401","familleavis":"collective"}}, 3, {"registre": true}]`))
	if err != nil {
		t.Fatal(err)
	}
	if items[0].Err != nil || items[0].Record.ID != "A202600201401" {
		t.Errorf("wrapped record: %+v", items[0])
	}
	for _, it := range items[1:] {
		if it.Err == nil || it.Err.Reason != signal.ReasonMalformed {
			t.Errorf("record %d: %+v, want malformed", it.Index, it)
		}
	}
	if _, err := bodaccfile.ReadJSON([]byte(`{"not": "an array"}`)); !errors.Is(err, bodaccfile.ErrUnreadable) {
		t.Errorf("not an array: %v", err)
	}
}

// TestReadCSV: ';' separated, a BOM, the registre list split, lines
// counted from the header; a short row is rejected with its line.
func TestReadCSV(t *testing.T) {
	items, err := bodaccfile.ReadCSV(read(t, "procedures-collectives.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 {
		t.Fatalf("%d records", len(items))
	}
	r := items[0].Record
	if items[0].Line != 2 || r.ID != "A202600301201" || r.Family != "collective" || len(r.Registre) != 2 || r.Registre[1] != "900000019" {
		t.Fatalf("first record %+v", items[0])
	}
	if last := items[4]; last.Err == nil || last.Line != 6 || last.Err.Reason != signal.ReasonMalformed {
		t.Errorf("short row %+v", last)
	}
	if _, err := bodaccfile.ReadCSV([]byte("id,familleavis\nA1,collective\n")); !errors.Is(err, bodaccfile.ErrUnreadable) {
		t.Errorf("comma-separated: %v", err)
	}
}
