package directory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The CSV import format (RFC 4180, UTF-8, comma-separated, a BOM allowed):
// a header row naming the columns, in any order, then one advisor a row.
//
//	advisor_id,chamber,full_name,email,departements,communes,epcis,specialities,capacity,roles,active,absent_until
//	cma-91-003,CMA,Inès Moreau,ines.moreau@cma-idf.example,91,91228|91377,,creation|takeover,30,advisor,true,
//
// Lists (departements, communes, epcis, specialities, roles) separate their
// items with "|". active is true or false (also oui/non, 1/0). absent_until
// is empty or an RFC 3339 time (2026-08-31T00:00:00+02:00), when the
// absence ends. The columns communes, epcis and absent_until may be left
// out. Rows are numbered as a spreadsheet shows them: the header is row 1.
const (
	// CSVHeader is the documented header row.
	CSVHeader = "advisor_id,chamber,full_name,email,departements,communes,epcis,specialities,capacity,roles,active,absent_until"
	// MaxImportRows bounds the advisors of one import.
	MaxImportRows = 5000
	listSeparator = "|"
)

var (
	csvColumns  = strings.Split(CSVHeader, ",")
	csvOptional = []string{"communes", "epcis", "absent_until"}
)

// RowError is a field error of one row of an import (row 0: the file as a
// whole).
type RowError struct {
	Row int `json:"row"`
	FieldError
}

// ImportError lists every bad row of an import, which is then refused as a
// whole. It wraps ErrInvalid.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	parts := make([]string, 0, min(len(e.Rows), 10))
	for _, r := range e.Rows[:min(len(e.Rows), 10)] {
		parts = append(parts, fmt.Sprintf("row %d %s %s", r.Row, r.Field, r.Code))
	}
	more := ""
	if len(e.Rows) > 10 {
		more = fmt.Sprintf(" (and %d more)", len(e.Rows)-10)
	}
	return fmt.Sprintf("%s: %s%s", ErrInvalid, strings.Join(parts, "; "), more)
}

func (e *ImportError) Unwrap() error { return ErrInvalid }

func (e *ImportError) add(row int, field, code, message string) {
	e.Rows = append(e.Rows, RowError{Row: row, FieldError: FieldError{Field: field, Code: code, Message: message}})
}

// Row is an advisor read from a CSV file, with its row number.
type Row struct {
	Row     int
	Advisor Advisor
}

// ReadImport reads and checks an import file: its rows, or an
// *ImportError naming every bad row and field, by row.
func ReadImport(data []byte, places Places, now time.Time) ([]Row, error) {
	rows, err := ParseCSV(data)
	var bad *ImportError
	if err != nil && (!errors.As(err, &bad) || rows == nil) {
		return nil, err
	}
	var invalid *ImportError
	if errors.As(CheckImport(rows, places, now), &invalid) {
		if bad == nil {
			bad = &ImportError{}
		}
		bad.Rows = append(bad.Rows, invalid.Rows...)
	}
	if bad != nil {
		slices.SortStableFunc(bad.Rows, func(a, b RowError) int { return a.Row - b.Row })
		return nil, bad
	}
	return rows, nil
}

// ParseCSV reads an import file. Cells that cannot be read (a number, a
// boolean, a time) are reported as an *ImportError returned with the rows
// (the cell left at its zero value), so that Validate can report the rest;
// a bad header or an unreadable line as an *ImportError without rows. The
// rules of an entry are Validate's.
func ParseCSV(data []byte) ([]Row, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // spreadsheets' byte order mark
	bad := &ImportError{}
	if !utf8.Valid(data) {
		bad.add(0, "file", "encoding", "Le fichier doit être encodé en UTF-8.")
		return nil, bad
	}
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		bad.add(1, "header", "missing", "Ligne d'en-tête absente ou illisible : "+CSVHeader+".")
		return nil, bad
	}
	cols, ok := readHeader(header, bad)
	if !ok {
		return nil, bad
	}
	var rows []Row
	structural := false // a row could not be read at all
	for n := 2; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, csv.ErrFieldCount) {
			bad.add(n, "row", "columns", fmt.Sprintf("%d colonnes au lieu des %d de l'en-tête.", len(rec), len(cols)))
			structural = true
			continue
		}
		if err != nil {
			bad.add(n, "row", "syntax", "Ligne illisible : "+csvReason(err)+".")
			return nil, bad
		}
		if len(rows) == MaxImportRows {
			bad.add(n, "file", "length", fmt.Sprintf("Au plus %d conseillers par import.", MaxImportRows))
			return nil, bad
		}
		rows = append(rows, Row{Row: n, Advisor: readRow(n, rec, cols, bad)})
	}
	switch {
	case len(rows) == 0:
		bad.add(0, "file", "empty", "Aucun conseiller dans le fichier.")
		return nil, bad
	case structural:
		return nil, bad
	case len(bad.Rows) > 0:
		return rows, bad
	}
	return rows, nil
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readHeader maps column names to positions.
func readHeader(header []string, bad *ImportError) (map[string]int, bool) {
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch _, seen := cols[h]; {
		case !slices.Contains(csvColumns, h):
			bad.add(1, clip(h), "unknown", "Colonne inconnue ; colonnes attendues : "+CSVHeader+".")
		case seen:
			bad.add(1, h, "duplicate", "Colonne présente deux fois.")
		default:
			cols[h] = i
		}
	}
	for _, c := range csvColumns {
		if _, ok := cols[c]; !ok && !slices.Contains(csvOptional, c) {
			bad.add(1, c, "missing", "Colonne obligatoire absente.")
		}
	}
	return cols, len(bad.Rows) == 0
}

// readRow builds an advisor from a record, reporting cells that cannot be
// read.
func readRow(n int, rec []string, cols map[string]int, bad *ImportError) Advisor {
	cell := func(name string) string {
		if i, ok := cols[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	a := Advisor{
		AdvisorID: cell("advisor_id"), Chamber: cell("chamber"), FullName: cell("full_name"), Email: cell("email"),
		Departements: splitList(cell("departements")), Communes: splitList(cell("communes")),
		EPCIs: splitList(cell("epcis")), Specialities: splitList(cell("specialities")), Roles: splitList(cell("roles")),
	}
	if c, err := strconv.Atoi(cell("capacity")); err == nil {
		a.Capacity = c
	} else {
		bad.add(n, "capacity", "invalid", "Nombre entier attendu.")
	}
	switch strings.ToLower(cell("active")) {
	case "true", "oui", "1":
		a.Active = true
	case "false", "non", "0":
	default:
		bad.add(n, "active", "invalid", "true ou false attendu.")
	}
	if s := cell("absent_until"); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			a.AbsentUntil = &t
		} else {
			bad.add(n, "absent_until", "invalid", "Date et heure RFC 3339 attendues (2026-08-31T00:00:00+02:00).")
		}
	}
	return a
}

func splitList(s string) []string {
	out := []string{}
	for item := range strings.SplitSeq(s, listSeparator) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// CheckImport validates every row and what rows must not share (advisor
// id, e-mail): nil, or an *ImportError naming each bad row and field.
func CheckImport(rows []Row, places Places, now time.Time) error {
	bad := &ImportError{}
	ids, emails := map[string]int{}, map[string]int{}
	for _, r := range rows {
		var ve *ValidationError
		if err := r.Advisor.Validate(places, now); errors.As(err, &ve) {
			for _, f := range ve.Fields {
				bad.Rows = append(bad.Rows, RowError{Row: r.Row, FieldError: f})
			}
		}
		if first, dup := ids[r.Advisor.AdvisorID]; dup {
			bad.add(r.Row, "advisor_id", "duplicate", fmt.Sprintf("Identifiant déjà présent ligne %d.", first))
		} else {
			ids[r.Advisor.AdvisorID] = r.Row
		}
		key := strings.ToLower(r.Advisor.Email)
		if first, dup := emails[key]; dup && key != "" {
			bad.add(r.Row, "email", "duplicate", fmt.Sprintf("Adresse déjà utilisée ligne %d.", first))
		} else {
			emails[key] = r.Row
		}
	}
	if len(bad.Rows) > 0 {
		return bad
	}
	return nil
}
