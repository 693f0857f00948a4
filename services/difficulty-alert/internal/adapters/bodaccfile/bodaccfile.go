// Package bodaccfile reads the open-data exports of the BODACC "annonces
// commerciales" dataset (data.economie.gouv.fr, bodacc-datadila): a JSON
// array of records (flat, or wrapped in "fields" as the older API exports
// them) or a CSV with a header row and ';' as separator. It only reads the
// file's shape into signal.BodaccRecord; the domain judges the content. A
// record that cannot be read is returned with its rejection, and the
// others are read on: only a file that is not JSON or CSV at all fails.
package bodaccfile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// ErrUnreadable says the file is not a JSON array nor a CSV with a header.
var ErrUnreadable = errors.New("unreadable BODACC export")

// ReadJSON reads a JSON export: an array of records.
func ReadJSON(data []byte) ([]signal.BodaccEntry, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, fmt.Errorf("%w: a JSON array of records is expected: %w", ErrUnreadable, err)
	}
	items := make([]signal.BodaccEntry, len(raws))
	for i, raw := range raws {
		items[i] = signal.BodaccEntry{Index: i + 1}
		items[i].Record, items[i].Err = jsonRecord(raw)
	}
	return items, nil
}

// ReadRecord reads one JSON record of the dataset, as an export or the
// portal's API gives it: the rejection says why it cannot be read.
func ReadRecord(raw json.RawMessage) (signal.BodaccRecord, *signal.Rejection) { return jsonRecord(raw) }

func jsonRecord(raw json.RawMessage) (signal.BodaccRecord, *signal.Rejection) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return signal.BodaccRecord{}, malformed("not a JSON object")
	}
	if inner, ok := fields["fields"]; ok {
		if err := json.Unmarshal(inner, &fields); err != nil {
			return signal.BodaccRecord{}, malformed("fields is not a JSON object")
		}
	}
	get := func(name string) (string, error) { return text(fields[name]) }
	var r signal.BodaccRecord
	// The département only helps to address a case: a value that is not
	// text is left out rather than rejecting the notice.
	r.Departement, _ = get("numerodepartement")
	var bad []string
	for name, dst := range map[string]*string{"id": &r.ID, "familleavis": &r.Family, "typeavis": &r.Type,
		"tribunal": &r.Tribunal, "dateparution": &r.Published, "parution": &r.Parution, "numeroannonce": &r.Number,
		"jugement": &r.Jugement, "parutionavisprecedent": &r.PreviousNotice} {
		v, err := get(name)
		if err != nil {
			bad = append(bad, name)
		}
		*dst = v
	}
	registre, err := list(fields["registre"])
	if err != nil {
		bad = append(bad, "registre")
	}
	r.Registre = registre
	if len(bad) > 0 {
		slices.Sort(bad)
		return signal.BodaccRecord{}, malformed("unexpected type of " + strings.Join(bad, ", "))
	}
	return r, nil
}

// text reads a field as text: a string, a number, or a JSON object kept
// encoded (some exports decode jugement, most leave it a string).
func text(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '{':
		return string(raw), nil
	case '[', 't', 'f':
		return "", errors.New("not a text")
	default:
		var n json.Number
		err := json.Unmarshal(raw, &n)
		return n.String(), err
	}
}

// list reads registre: an array of strings, or one string of
// comma-separated values.
func list(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var vs []string
		err := json.Unmarshal(raw, &vs)
		return vs, err
	}
	s, err := text(raw)
	return splitList(s), err
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// ReadCSV reads a CSV export: a header row naming the fields, ';' between
// fields, lists (registre) joined by commas. A row with another number of
// fields than the header is rejected.
func ReadCSV(data []byte) ([]signal.BodaccEntry, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	cr.Comma, cr.FieldsPerRecord = ';', -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: a CSV header row is expected: %w", ErrUnreadable, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["familleavis"]; !ok {
		return nil, fmt.Errorf("%w: the CSV header has no familleavis column (is the separator ';'?)", ErrUnreadable)
	}
	var items []signal.BodaccEntry
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return items, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			// A quote left open swallows the rest of the file: nothing
			// after it can be trusted.
			return nil, fmt.Errorf("%w: CSV unreadable from line %d: %w", ErrUnreadable, line, err)
		}
		it := signal.BodaccEntry{Index: len(items) + 1, Line: line}
		if len(row) != len(header) {
			it.Err = malformed(strconv.Itoa(len(row)) + " fields, the header has " + strconv.Itoa(len(header)))
		} else {
			it.Record = csvRecord(row, col)
		}
		items = append(items, it)
	}
}

func csvRecord(row []string, col map[string]int) signal.BodaccRecord {
	get := func(name string) string {
		if i, ok := col[name]; ok {
			return row[i]
		}
		return ""
	}
	return signal.BodaccRecord{ID: get("id"), Family: get("familleavis"), Type: get("typeavis"), Registre: splitList(get("registre")),
		Tribunal: get("tribunal"), Published: get("dateparution"), Parution: get("parution"), Number: get("numeroannonce"),
		Jugement: get("jugement"), PreviousNotice: get("parutionavisprecedent"), Departement: get("numerodepartement")}
}

func malformed(detail string) *signal.Rejection {
	return &signal.Rejection{Reason: signal.ReasonMalformed, Detail: detail}
}
