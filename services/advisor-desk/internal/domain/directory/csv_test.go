package directory_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

const goodCSV = directory.CSVHeader + `
cma-91-003,CMA,Inès Moreau,ines.moreau@cma-idf.example,91|77,91228 | 77288,200059228,creation|takeover,30,advisor,true,
"cci-91-004",CCI,"Moreau, Jean",jean.moreau@cci-essonne.example,91,,,difficulty,12,advisor|prevention_cell,non,2026-08-31T00:00:00+02:00
`

func TestParseCSV(t *testing.T) {
	t.Parallel()
	rows, err := directory.ParseCSV([]byte("\uFEFF" + goodCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Row != 2 || rows[1].Row != 3 {
		t.Fatalf("rows %+v", rows)
	}
	a, b := rows[0].Advisor, rows[1].Advisor
	if a.AdvisorID != "cma-91-003" || a.FullName != "Inès Moreau" || !slices.Equal(a.Departements, []string{"91", "77"}) ||
		!slices.Equal(a.Communes, []string{"91228", "77288"}) || !slices.Equal(a.EPCIs, []string{"200059228"}) ||
		!slices.Equal(a.Specialities, []string{"creation", "takeover"}) || a.Capacity != 30 || !a.Active || a.AbsentUntil != nil {
		t.Errorf("row 2 = %+v", a)
	}
	want := time.Date(2026, 8, 30, 22, 0, 0, 0, time.UTC)
	if b.FullName != "Moreau, Jean" || b.Active || b.AbsentUntil == nil || !b.AbsentUntil.Equal(want) ||
		!slices.Equal(b.Roles, []string{"advisor", "prevention_cell"}) || len(b.Communes) != 0 {
		t.Errorf("row 3 = %+v", b)
	}
	if err := directory.CheckImport(rows, places(t), now); err != nil {
		t.Errorf("CheckImport of the good file: %v", err)
	}

	// Columns in another order, the optional ones left out.
	rows, err = directory.ParseCSV([]byte("email,advisor_id,chamber,full_name,departements,specialities,capacity,roles,active\n" +
		"a@cma.example,cma-91-010,CMA,A B,91,creation,1,advisor,1\n"))
	if err != nil || len(rows) != 1 || rows[0].Advisor.Email != "a@cma.example" || !rows[0].Advisor.Active {
		t.Errorf("reordered columns: %+v, %v", rows, err)
	}
}

// rowErrors returns "row:field:code" of an import error.
func rowErrors(t *testing.T, err error) []string {
	t.Helper()
	var ie *directory.ImportError
	if !errors.As(err, &ie) || !errors.Is(err, directory.ErrInvalid) {
		t.Fatalf("error %v, want an ImportError wrapping ErrInvalid", err)
	}
	var out []string
	for _, r := range ie.Rows {
		out = append(out, fmt.Sprintf("%d:%s:%s", r.Row, r.Field, r.Code))
		if r.Message == "" {
			t.Errorf("row %d %s: no message", r.Row, r.Field)
		}
	}
	return out
}

func TestParseCSVRefuses(t *testing.T) {
	t.Parallel()
	line := "cma-91-003,CMA,Inès Moreau,ines@cma.example,91,,,creation,30,advisor,true,"
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"empty file", "", []string{"1:header:missing"}},
		{"header only", directory.CSVHeader + "\n", []string{"0:file:empty"}},
		{"unknown and missing columns", "advisor_id,chamber,name\n", []string{"1:name:unknown", "1:full_name:missing", "1:email:missing",
			"1:departements:missing", "1:specialities:missing", "1:capacity:missing", "1:roles:missing", "1:active:missing"}},
		{"column twice", directory.CSVHeader + ",email\n" + line + ",x@y.fr\n", []string{"1:email:duplicate"}},
		{"cells that cannot be read", directory.CSVHeader + "\n" + line + "\n" +
			"cma-91-004,CMA,X Y,x@cma.example,91,,,creation,trente,advisor,peut-être,demain\n",
			[]string{"3:capacity:invalid", "3:active:invalid", "3:absent_until:invalid"}},
		{"wrong number of cells", directory.CSVHeader + "\n" + line + ",extra\n" + line + "\n", []string{"2:row:columns"}},
		{"bare quote", directory.CSVHeader + "\n" + line + "\ncma\"x,CMA\n", []string{"3:row:syntax"}},
		{"not UTF-8", directory.CSVHeader + "\n" + strings.Replace(line, "Inès", "In\xe8s", 1) + "\n", []string{"0:file:encoding"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := directory.ParseCSV([]byte(tt.file))
			// Unreadable cells come with the rows, so that Validate can
			// report the rest; structural errors without.
			if wantRows := tt.name == "cells that cannot be read"; (rows != nil) != wantRows {
				t.Errorf("rows %+v returned with the error", rows)
			}
			if got := rowErrors(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("errors %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("too many rows", func(t *testing.T) {
		t.Parallel()
		var b strings.Builder
		b.WriteString(directory.CSVHeader + "\n")
		for range directory.MaxImportRows + 1 {
			b.WriteString(line + "\n")
		}
		got := rowErrors(t, func() error { _, err := directory.ParseCSV([]byte(b.String())); return err }())
		if !slices.Equal(got, []string{fmt.Sprintf("%d:file:length", directory.MaxImportRows+2)}) {
			t.Errorf("errors %v", got)
		}
	})
}

func TestCheckImportNamesEveryBadRow(t *testing.T) {
	t.Parallel()
	file := directory.CSVHeader + `
cma-91-003,CMA,Inès Moreau,ines@cma.example,91,,,creation,30,advisor,true,
cma-91-004,CMX,Paul Roy,paul@cma.example,91,,,creation,30,advisor,true,
cma-91-003,CMA,Inès Moreau,ines2@cma.example,91,,,creation,30,advisor,true,
cma-91-005,CMA,Zoé Blanc,INES@cma.example,96,75056,,creation,900,chef,true,
`
	rows, err := directory.ParseCSV([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	got := rowErrors(t, directory.CheckImport(rows, places(t), now))
	want := []string{"3:chamber:invalid", "4:advisor_id:duplicate", "5:departements:unknown", "5:communes:outside",
		"5:capacity:range", "5:roles:unknown", "5:email:duplicate"}
	if !slices.Equal(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
}

func TestReadImportReportsUnreadableAndInvalidRowsTogether(t *testing.T) {
	t.Parallel()
	file := directory.CSVHeader + `
cma-91-003,CMA,Inès Moreau,ines@cma.example,91,,,creation,30,advisor,true,
cma-91-004,CMX,Paul Roy,paul@cma.example,91,,,creation,30,advisor,true,
cma-91-005,CMA,Zoé Blanc,zoe@cma.example,91,,,creation,trente,advisor,true,
`
	rows, err := directory.ReadImport([]byte(file), places(t), now)
	if rows != nil {
		t.Errorf("rows returned with an error: %+v", rows)
	}
	if got := rowErrors(t, err); !slices.Equal(got, []string{"3:chamber:invalid", "4:capacity:invalid"}) {
		t.Errorf("errors %v", got)
	}
	rows, err = directory.ReadImport([]byte(goodCSV), places(t), now)
	if err != nil || len(rows) != 2 {
		t.Errorf("good file: %d rows, %v", len(rows), err)
	}
}
