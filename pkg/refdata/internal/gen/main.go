// Command gen turns the reference data of ../shared/data into the compact, sorted
// files that package refdata embeds.
//
// It is run by `go generate` in pkg/refdata:
//
//	go run ./internal/gen -src ../../../shared/data -out data
//
// The outputs are committed, so that building the platform never needs the
// shared directory. They are sorted and, for the gzipped file, written without a
// timestamp, so that regenerating from unchanged sources gives unchanged files.
package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	src := fs.String("src", "../../../shared/data", "directory holding the source reference data")
	out := fs.String("out", "data", "directory to write the embedded files to")
	members := fs.String("members", "internal/gen/source/epci-membres.tsv", "EPCI membership extract (see -decoupage)")
	decoupage := fs.String("decoupage", "", "if set, the data directory of the unpacked npm package @etalab/decoupage-administratif@6.0.0: -members is rewritten from its epci.json first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *decoupage != "" {
		if err := extractMembers(*decoupage, *src, *members); err != nil {
			return fmt.Errorf("members: %w", err)
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	steps := []struct {
		name string
		fn   func(src, out string) error
	}{
		{"naf", genNAF},
		{"communes", func(src, out string) error { return genCommunes(src, *members, out) }},
		{"departements", genDepartements},
		{"regions", genRegions},
		{"epci", genEPCI},
		{"artisanat", genArtisanat},
		{"readme", genReadme},
	}
	for _, s := range steps {
		if err := s.fn(*src, *out); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// table accumulates TSV rows and refuses fields that would break the format,
// rather than silently escaping them (the reader does no unescaping).
type table struct {
	header string
	rows   [][]string
}

func (t *table) add(fields ...string) error {
	for _, f := range fields {
		if strings.ContainsAny(f, "\t\n\r") {
			return fmt.Errorf("field %q holds a tab or newline", f)
		}
	}
	t.rows = append(t.rows, fields)
	return nil
}

// bytes returns the header comment and the rows sorted by their first field.
func (t *table) bytes() []byte {
	slices.SortFunc(t.rows, func(a, b []string) int { return cmp.Compare(a[0], b[0]) })
	var b bytes.Buffer
	b.WriteString("# " + t.header + "\n")
	for _, r := range t.rows {
		b.WriteString(strings.Join(r, "\t"))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func unique(t *table) error {
	for i := 1; i < len(t.rows); i++ {
		if t.rows[i][0] == t.rows[i-1][0] {
			return fmt.Errorf("duplicate key %q", t.rows[i][0])
		}
	}
	return nil
}

func write(out, name string, t *table, want int) error {
	b := t.bytes()
	if err := unique(t); err != nil {
		return err
	}
	if want > 0 && len(t.rows) != want {
		return fmt.Errorf("%d rows, want %d", len(t.rows), want)
	}
	return os.WriteFile(filepath.Join(out, name), b, 0o644)
}

var nafID = regexp.MustCompile(`^[0-9]{2}(\.[0-9]([0-9][A-Z]?)?)?$`)

func genNAF(src, out string) error {
	var in []struct{ ID, Label string }
	if err := readJSON(filepath.Join(src, "naf-rev2.json"), &in); err != nil {
		return err
	}
	t := &table{header: "id\tlabel (NAF rév. 2: division 47, group 47.1, class 47.11, sub-class 47.11F)"}
	subclasses := 0
	for _, e := range in {
		if !nafID.MatchString(e.ID) {
			return fmt.Errorf("unexpected id %q", e.ID)
		}
		if len(e.ID) == 6 {
			subclasses++
		}
		if err := t.add(e.ID, strings.TrimSpace(e.Label)); err != nil {
			return err
		}
	}
	if subclasses != 732 {
		return fmt.Errorf("%d sub-classes, want 732", subclasses)
	}
	return write(out, "naf.tsv", t, 0)
}

// departementOf mirrors refdata: the département of a commune is the start of its
// INSEE code, three characters overseas (97x, 98x). The generator checks that
// the rule holds for every commune, which is what lets the embedded table leave
// the département and région columns out (a fifth of its size, and of the time
// it takes to decompress).
func departementOf(insee string) string {
	if strings.HasPrefix(insee, "97") || strings.HasPrefix(insee, "98") {
		return insee[:3]
	}
	return insee[:2]
}

func genCommunes(src, membersPath, out string) error {
	var in []struct {
		Code, Nom, Departement, Region string
		CodesPostaux                   []string
		Population                     int
	}
	if err := readJSON(filepath.Join(src, "communes.json"), &in); err != nil {
		return err
	}
	epciOf, err := readMembers(membersPath)
	if err != nil {
		return err
	}
	var deps []struct{ Code, Region string }
	if err := readJSON(filepath.Join(src, "departements.json"), &deps); err != nil {
		return err
	}
	regionOf := make(map[string]string, len(deps))
	for _, d := range deps {
		regionOf[d.Code] = d.Region
	}
	t := &table{header: "insee\tname\tpostcodes (comma-separated)\tEPCI SIREN (empty: none)\tpopulation in hundreds, rounded; département = insee[:2], insee[:3] for 97x/98x; région from departements.tsv"}
	known := make(map[string]bool, len(in))
	for _, c := range in {
		if len(c.Code) != 5 {
			return fmt.Errorf("commune code %q", c.Code)
		}
		if dep := departementOf(c.Code); dep != c.Departement {
			return fmt.Errorf("commune %s: département %q, the code says %q", c.Code, c.Departement, dep)
		}
		if r, ok := regionOf[c.Departement]; !ok || r != c.Region {
			return fmt.Errorf("commune %s: région %q, its département's is %q", c.Code, c.Region, r)
		}
		// Five communes of the TAAF have no postcode; they stay, with an empty list.
		pcs := slices.Clone(c.CodesPostaux)
		slices.Sort(pcs)
		for _, pc := range pcs {
			if len(pc) != 5 || strings.Trim(pc, "0123456789") != "" {
				return fmt.Errorf("commune %s: postcode %q", c.Code, pc)
			}
		}
		// The population only ranks name search results, so hundreds are
		// enough and cost a third of the digits in the compressed table.
		pop := strconv.Itoa((c.Population + 50) / 100)
		if err := t.add(c.Code, c.Nom, strings.Join(pcs, ","), epciOf[c.Code], pop); err != nil {
			return err
		}
		known[c.Code] = true
	}
	for code := range epciOf {
		if !known[code] {
			return fmt.Errorf("EPCI member %s is not a current commune", code)
		}
	}
	// Gzipped because the plain table is about 850 kB, most of the embedded size;
	// the other tables stay plain so that their diffs can be reviewed.
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(t.bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := unique(t); err != nil {
		return err
	}
	if len(t.rows) != 34969 {
		return fmt.Errorf("%d communes, want 34969", len(t.rows))
	}
	return os.WriteFile(filepath.Join(out, "communes.tsv.gz"), b.Bytes(), 0o644)
}

func genDepartements(src, out string) error {
	var in []struct{ Code, Nom, Region string }
	if err := readJSON(filepath.Join(src, "departements.json"), &in); err != nil {
		return err
	}
	t := &table{header: "code\tname\tregion"}
	for _, d := range in {
		if err := t.add(d.Code, d.Nom, d.Region); err != nil {
			return err
		}
	}
	return write(out, "departements.tsv", t, 0)
}

func genRegions(src, out string) error {
	var in []struct{ Code, Nom string }
	if err := readJSON(filepath.Join(src, "regions.json"), &in); err != nil {
		return err
	}
	t := &table{header: "code\tname"}
	for _, r := range in {
		if err := t.add(r.Code, r.Nom); err != nil {
			return err
		}
	}
	return write(out, "regions.tsv", t, 0)
}

func genEPCI(src, out string) error {
	var in []struct{ Code, Nom, Type string }
	if err := readJSON(filepath.Join(src, "epci.json"), &in); err != nil {
		return err
	}
	t := &table{header: "siren\ttype\tname"}
	for _, e := range in {
		if err := t.add(e.Code, e.Type, e.Nom); err != nil {
			return err
		}
	}
	return write(out, "epci.tsv", t, 0)
}

var nafSubclass = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}[A-Z]$`)

func genArtisanat(src, out string) error {
	b, err := os.ReadFile(filepath.Join(src, "artisanat-naf.csv"))
	if err != nil {
		return err
	}
	r := csv.NewReader(bytes.NewReader(b))
	head, err := r.Read()
	if err != nil {
		return err
	}
	want := []string{"naf_code", "naf_label", "artisanal", "family", "note", "source"}
	if !slices.Equal(head, want) {
		return fmt.Errorf("header %q, want %q", head, want)
	}
	// The label is dropped (naf.tsv has it) and so is the source, a long citation
	// shared by most rows; data/README.md lists each distinct one once.
	t := &table{header: "naf\tkind (always|partly)\tfamily\tnote"}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		code, kind, family, note := rec[0], rec[2], rec[3], strings.TrimSpace(rec[4])
		if !nafSubclass.MatchString(code) {
			return fmt.Errorf("naf code %q", code)
		}
		if kind != "always" && kind != "partly" {
			return fmt.Errorf("%s: artisanal %q", code, kind)
		}
		switch family {
		case "alimentation", "batiment", "fabrication", "services":
		default:
			return fmt.Errorf("%s: family %q", code, family)
		}
		if err := t.add(code, kind, family, note); err != nil {
			return err
		}
	}
	return write(out, "artisanat.tsv", t, 0)
}

// genReadme copies the source table of shared/data/README.md so that the
// provenance and licences travel with the embedded extracts.
func genReadme(src, out string) error {
	b, err := os.ReadFile(filepath.Join(src, "README.md"))
	if err != nil {
		return err
	}
	var s strings.Builder
	s.WriteString(`# Embedded reference data

Generated by ` + "`go generate ./pkg/refdata`" + ` (which runs
` + "`go run ./internal/gen -src ../../../shared/data -out data`" + ` in pkg/refdata) from the
shared reference data that sits next to the repository root. Do not edit these files by hand:
change the sources or the generator and regenerate. The files are sorted and reproducible.

| file | content | from |
| --- | --- | --- |
| naf.tsv | id, label for every NAF rév. 2 level (division, group, class, sub-class) | naf-rev2.json |
| communes.tsv.gz | INSEE code, name, postcodes (comma-joined), EPCI SIREN (empty for the 98 communes in none), population in hundreds (rounded, only to rank name searches); the département is read from the code and the région from departements.tsv (the generator checks both against the source) | communes.json; EPCI from internal/gen/source/epci-membres.tsv |
| departements.tsv | code, name, région | departements.json |
| regions.tsv | code, name | regions.json |
| epci.tsv | SIREN, type, name | epci.json |
| artisanat.tsv | NAF sub-class, always or partly, family, note (label and source dropped: naf.tsv has the label, the sources are listed below) | artisanat-naf.csv |

The shared communes.json has no EPCI field, despite its description below. The membership
comes from data/epci.json (each EPCI's ` + "`membres`" + `) of the npm package
@etalab/decoupage-administratif 6.0.0 (licence MIT, the release the shared extracts come from),
kept as internal/gen/source/epci-membres.tsv (one line per EPCI: SIREN, member INSEE codes). To
refresh it: ` + "`npm pack @etalab/decoupage-administratif@6.0.0`" + `, untar, and run the generator with
` + "`-decoupage <package>/data`" + `.

artisanat-rules.md is not embedded: it holds rules, which belong to the services that apply
them, not lookups.

Every file starts with one ` + "`#`" + ` line naming its columns; fields are tab-separated.

Sources cited by the rows of artisanat-naf.csv (its source column, deduplicated):

`)
	sources, err := artisanatSources(src)
	if err != nil {
		return err
	}
	for _, src := range sources {
		s.WriteString("- " + src + "\n")
	}
	s.WriteString("\n## Sources (copied from shared/data/README.md)\n\n")
	text := string(b)
	// Drop the source README's own title; keep the rest verbatim.
	if i := strings.Index(text, "\n"); strings.HasPrefix(text, "# ") && i >= 0 {
		text = strings.TrimLeft(text[i+1:], "\n")
	}
	s.WriteString(text)
	return os.WriteFile(filepath.Join(out, "README.md"), []byte(s.String()), 0o644)
}

// artisanatSources returns the distinct values of the CSV's source column, in
// order of first appearance.
func artisanatSources(src string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(src, "artisanat-naf.csv"))
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range recs[1:] {
		if s := strings.TrimSpace(r[5]); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}
