// Package refdata holds the public reference data every service looks things up
// in: the NAF rév. 2 nomenclature, French communes with their postcodes,
// départements, régions, EPCI, and the list of artisanal activities.
//
// The data is embedded (see data/README.md for sources and how to regenerate it),
// so a service needs no file or network access to use it. It is lookups only: the
// rules that use it (which chamber handles a business, for instance) belong to the
// services.
//
// There is no package state: a service calls Load once at startup and passes the
// *Data to whoever needs it. A *Data is read-only after Load and safe for
// concurrent use; the values it returns are copies the caller may keep or modify.
package refdata

//go:generate go run ./internal/gen -src ../../../shared/data -out data

import (
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	_ "embed"
)

// The files are embedded as strings rather than an embed.FS so that every parsed
// field can be a substring of the embedded text: no copy, no allocation per field.
var (
	//go:embed data/naf.tsv
	nafTSV string
	//go:embed data/communes.tsv.gz
	communesGz string
	//go:embed data/departements.tsv
	departementsTSV string
	//go:embed data/regions.tsv
	regionsTSV string
	//go:embed data/epci.tsv
	epciTSV string
	//go:embed data/artisanat.tsv
	artisanatTSV string
)

// Data is the loaded reference data. Build it with Load.
type Data struct {
	nafLabels  map[string]string // every level: "47", "47.1", "47.11", "47.11F"
	subclasses []NAFEntry        // sorted by Code
	nafFolded  []string          // folded label of subclasses[i], for SearchNAF
	nafCounts  [4]int            // divisions, groups, classes, sub-classes

	// The communes stay as the decompressed text: communeAt holds the offset of
	// each line, in code order, and a Commune is built from its line on lookup.
	// Building 35,000 structs up front would cost more than all the lookups a
	// service makes in its life, and Load is on every service's startup path.
	communesText string
	communeAt    []int32
	// Communes by postcode, in compressed-sparse-row form indexed by the postcode
	// read as a number: the communes of postcode p are the communeAt indexes
	// pcIndex[pcStart[p]:pcStart[p+1]]. Postcodes are five digits, so an array
	// beats a map both to build and to query.
	pcStart   []int32
	pcIndex   []int32
	postcodes int // distinct postcodes
	names     communeNames

	departements []Departement // sorted by Code
	regions      []Region      // sorted by Code
	epcis        []EPCI        // sorted by Code
	artisanat    []ArtisanalActivity
	artisanal    [2]int // always, partly
}

// Commune is a current French commune.
type Commune struct {
	Code        string // INSEE code, e.g. "91228" (Corsica: "2A004")
	Name        string
	Departement string   // code, e.g. "91", "2A", "974"
	Region      string   // code, e.g. "11"
	Postcodes   []string // sorted; empty for the uninhabited TAAF districts
	// EPCI is the SIREN of the commune's intercommunalité; empty for the
	// 98 communes in none (islands such as Ouessant, overseas collectivities).
	EPCI string
	// Population is the municipal population rounded to the hundred; it
	// ranks search results and is no statistic.
	Population int
}

// Departement is a département or an overseas collectivity with its own code.
type Departement struct {
	Code   string // e.g. "91", "2A", "974"
	Name   string
	Region string // code of its région (for collectivities, its own code)
}

// Region is a French région.
type Region struct {
	Code string // e.g. "11"
	Name string
}

// EPCI is an intercommunalité (établissement public de coopération
// intercommunale). Its members are the communes whose Commune.EPCI is its
// Code.
type EPCI struct {
	Code string // SIREN, 9 digits
	Name string
	Type string // CC, CA, CU, METRO, MET69
}

// Stats counts what was loaded; tests and documentation quote these figures.
type Stats struct {
	NAFDivisions, NAFGroups, NAFClasses, NAFSubclasses int
	Communes, Postcodes, Departements, Regions, EPCIs  int
	ArtisanalAlways, ArtisanalPartly                   int
}

// Load parses the embedded reference data. Call it once at startup and keep the
// result: it takes about 10 ms and 2.5 MB, nearly all of it decompressing the
// communes (see BenchmarkLoad).
func Load() (*Data, error) {
	d := &Data{}
	// The communes take most of the time and share nothing with the other
	// tables, so they load on their own goroutine while the rest is parsed.
	communesErr := make(chan error, 1)
	go func() { communesErr <- d.loadCommunes() }()
	steps := []struct {
		name string
		fn   func() error
	}{
		{"naf.tsv", d.loadNAF},
		{"departements.tsv", d.loadDepartements},
		{"regions.tsv", d.loadRegions},
		{"epci.tsv", d.loadEPCI},
		{"artisanat.tsv", d.loadArtisanat},
	}
	var errs []error
	for _, s := range steps {
		if err := s.fn(); err != nil {
			errs = append(errs, fmt.Errorf("refdata: load %s: %w", s.name, err))
			break
		}
	}
	if err := <-communesErr; err != nil {
		errs = append(errs, fmt.Errorf("refdata: load communes.tsv.gz: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return d, nil
}

// Stats returns the number of entries of each kind.
func (d *Data) Stats() Stats {
	return Stats{
		NAFDivisions:    d.nafCounts[0],
		NAFGroups:       d.nafCounts[1],
		NAFClasses:      d.nafCounts[2],
		NAFSubclasses:   d.nafCounts[3],
		Communes:        len(d.communeAt),
		Postcodes:       d.postcodes,
		Departements:    len(d.departements),
		Regions:         len(d.regions),
		EPCIs:           len(d.epcis),
		ArtisanalAlways: d.artisanal[0],
		ArtisanalPartly: d.artisanal[1],
	}
}

// Commune returns the commune with the given INSEE code.
func (d *Data) Commune(insee string) (Commune, bool) {
	insee = strings.ToUpper(strings.TrimSpace(insee))
	i, ok := slices.BinarySearchFunc(d.communeAt, insee, func(at int32, key string) int {
		return cmp.Compare(d.communesText[at:at+5], key)
	})
	if !ok {
		return Commune{}, false
	}
	return d.commune(i), true
}

// CommunesByPostcode returns the communes served by a postcode, sorted by INSEE
// code; nil when the postcode is unknown or not five digits.
func (d *Data) CommunesByPostcode(pc string) []Commune {
	p, ok := postcodeNumber(strings.TrimSpace(pc))
	if !ok {
		return nil
	}
	idx := d.pcIndex[d.pcStart[p]:d.pcStart[p+1]]
	if len(idx) == 0 {
		return nil
	}
	out := make([]Commune, len(idx))
	for i, j := range idx {
		out[i] = d.commune(int(j))
	}
	return out
}

// commune builds the i-th commune from its line, which Load checked.
func (d *Data) commune(i int) Commune {
	l := communeFields(d.communeLine(i))
	c := Commune{Code: l.code, Name: l.name, Departement: departementOf(l.code), EPCI: l.epci, Population: l.population()}
	if dep, ok := d.Departement(c.Departement); ok {
		c.Region = dep.Region
	}
	if l.postcodes != "" {
		c.Postcodes = strings.Split(l.postcodes, ",")
	}
	return c
}

func (d *Data) communeLine(i int) string {
	line := d.communesText[d.communeAt[i]:]
	return line[:strings.IndexByte(line, '\n')]
}

// communeLine is a line of the communes table, split.
type communeLine struct {
	code, name, postcodes, epci, hundreds string
	extra                                 bool // more fields than five
}

// communeFields splits a line
// "insee<TAB>name<TAB>postcodes<TAB>epci<TAB>population in hundreds".
func communeFields(line string) communeLine {
	var l communeLine
	l.code, line, _ = strings.Cut(line, "\t")
	l.name, line, _ = strings.Cut(line, "\t")
	l.postcodes, line, _ = strings.Cut(line, "\t")
	l.epci, line, _ = strings.Cut(line, "\t")
	l.hundreds, _, l.extra = strings.Cut(line, "\t")
	return l
}

// population reads the hundreds column, which Load checked.
func (l communeLine) population() int {
	n := 0
	for i := range len(l.hundreds) {
		n = n*10 + int(l.hundreds[i]-'0')
	}
	return n * 100
}

// valid checks a line's shape: the lookups then read it without checks.
func (l communeLine) valid() bool {
	if len(l.code) != 5 || l.name == "" || l.extra || (l.epci != "" && len(l.epci) != 9) ||
		l.hundreds == "" || len(l.hundreds) > 6 || strings.Trim(l.hundreds, "0123456789") != "" {
		return false
	}
	return strings.Trim(l.epci, "0123456789") == ""
}

// departementOf reads the département from an INSEE code: its first two
// characters, three overseas (97x, 98x). The generator checked the rule against
// the source for every commune.
func departementOf(insee string) string {
	if strings.HasPrefix(insee, "97") || strings.HasPrefix(insee, "98") {
		return insee[:3]
	}
	return insee[:2]
}

// Departement returns a département by code; "1" is read as "01" and "2a" as "2A".
func (d *Data) Departement(code string) (Departement, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) == 1 {
		code = "0" + code
	}
	return find(d.departements, code, func(x Departement) string { return x.Code })
}

// Region returns a région by code.
func (d *Data) Region(code string) (Region, bool) {
	return find(d.regions, strings.TrimSpace(code), func(x Region) string { return x.Code })
}

// EPCI returns an intercommunalité by SIREN; spaces in the SIREN are ignored.
func (d *Data) EPCI(siren string) (EPCI, bool) {
	return find(d.epcis, strings.ReplaceAll(siren, " ", ""), func(x EPCI) string { return x.Code })
}

// find looks key up in s, sorted by key; Load checked the order.
func find[T any](s []T, key string, keyOf func(T) string) (T, bool) {
	i, ok := slices.BinarySearchFunc(s, key, func(x T, k string) int { return cmp.Compare(keyOf(x), k) })
	if !ok {
		var zero T
		return zero, false
	}
	return s[i], true
}

func postcodeNumber(s string) (int32, bool) {
	if len(s) != 5 {
		return 0, false
	}
	var n int32
	for i := range len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int32(c-'0')
	}
	return n, true
}

// rows calls fn with the tab-separated fields of each line of text, skipping the
// '#' header and blank lines. Every line must have exactly n fields.
func rows(text string, n int, fn func(f []string) error) error {
	f := make([]string, n)
	line := 0
	for text != "" {
		var l string
		l, text, _ = strings.Cut(text, "\n")
		line++
		if l == "" || l[0] == '#' {
			continue
		}
		for i := range n - 1 {
			var ok bool
			f[i], l, ok = strings.Cut(l, "\t")
			if !ok {
				return fmt.Errorf("line %d: %d fields, want %d", line, i+1, n)
			}
		}
		if strings.IndexByte(l, '\t') >= 0 {
			return fmt.Errorf("line %d: more than %d fields", line, n)
		}
		f[n-1] = l
		if err := fn(f); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	return nil
}

// sorted reports an error unless s is strictly increasing by key, which the
// binary searches rely on and the generator guarantees.
func sorted[T any](s []T, keyOf func(T) string) error {
	for i := 1; i < len(s); i++ {
		if keyOf(s[i-1]) >= keyOf(s[i]) {
			return fmt.Errorf("%q then %q: not sorted or duplicated", keyOf(s[i-1]), keyOf(s[i]))
		}
	}
	return nil
}

func (d *Data) loadCommunes() error {
	text, err := gunzip(communesGz)
	if err != nil {
		return err
	}
	if text != "" && text[len(text)-1] != '\n' {
		return fmt.Errorf("no final newline")
	}
	d.communesText = text
	lines := strings.Count(text, "\n")
	d.communeAt = make([]int32, 0, lines)
	// (postcode, commune index) pairs, for the counting sort below; a commune has
	// about one postcode on average.
	type pair struct{ pc, i int32 }
	pairs := make([]pair, 0, lines+lines/8)
	// Counting sort into compressed-sparse-row form: count[p+2] counts postcode p
	// so that, after prefix sums and the placement loop, count[p] is where p's run
	// starts, which is exactly pcStart.
	count := make([]int32, 100_002)
	var next int32 // the index the next commune gets in communeAt
	for off, line := 0, 1; off < len(text); line++ {
		start := off
		l := text[off : off+strings.IndexByte(text[off:], '\n')]
		off += len(l) + 1
		if l == "" || l[0] == '#' {
			continue
		}
		cl := communeFields(l)
		if !cl.valid() {
			return fmt.Errorf("line %d: want insee<TAB>name<TAB>postcodes<TAB>epci<TAB>population in hundreds", line)
		}
		code, pcs := cl.code, cl.postcodes
		if n := len(d.communeAt); n > 0 && text[d.communeAt[n-1]:d.communeAt[n-1]+5] >= code {
			return fmt.Errorf("line %d: %s not sorted or duplicated", line, code)
		}
		i := next
		next++
		d.communeAt = append(d.communeAt, int32(start))
		for pcs != "" {
			var pc string
			pc, pcs, _ = strings.Cut(pcs, ",")
			p, ok := postcodeNumber(pc)
			if !ok {
				return fmt.Errorf("line %d: postcode %q", line, pc)
			}
			if count[p+2] == 0 {
				d.postcodes++
			}
			count[p+2]++
			pairs = append(pairs, pair{p, i})
		}
	}
	for p := 2; p < len(count); p++ {
		count[p] += count[p-1]
	}
	d.pcIndex = make([]int32, len(pairs))
	for _, x := range pairs {
		d.pcIndex[count[x.pc+1]] = x.i
		count[x.pc+1]++
	}
	d.pcStart = count[:100_001]
	return nil
}

// gunzip decompresses into a buffer sized from the gzip trailer, so that the
// megabyte of text is written once and handed over as a string without a copy.
func gunzip(gz string) (string, error) {
	zr, err := gzip.NewReader(strings.NewReader(gz))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if len(gz) >= 4 {
		if size := binary.LittleEndian.Uint32([]byte(gz[len(gz)-4:])); size < 64<<20 {
			b.Grow(int(size))
		}
	}
	//nolint:gosec // G110: what is decompressed is the reference data embedded in the binary, not input
	if _, err := io.Copy(&b, zr); err != nil {
		return "", err
	}
	if err := zr.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (d *Data) loadDepartements() error {
	err := rows(departementsTSV, 3, func(f []string) error {
		d.departements = append(d.departements, Departement{Code: f[0], Name: f[1], Region: f[2]})
		return nil
	})
	if err != nil {
		return err
	}
	return sorted(d.departements, func(x Departement) string { return x.Code })
}

func (d *Data) loadRegions() error {
	err := rows(regionsTSV, 2, func(f []string) error {
		d.regions = append(d.regions, Region{Code: f[0], Name: f[1]})
		return nil
	})
	if err != nil {
		return err
	}
	return sorted(d.regions, func(x Region) string { return x.Code })
}

func (d *Data) loadEPCI() error {
	d.epcis = make([]EPCI, 0, strings.Count(epciTSV, "\n"))
	err := rows(epciTSV, 3, func(f []string) error {
		d.epcis = append(d.epcis, EPCI{Code: f[0], Type: f[1], Name: f[2]})
		return nil
	})
	if err != nil {
		return err
	}
	return sorted(d.epcis, func(x EPCI) string { return x.Code })
}
