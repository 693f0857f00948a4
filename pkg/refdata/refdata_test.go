package refdata

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// load shares one *Data between the tests of this file, as a service would.
var load = sync.OnceValues(Load)

func data(t testing.TB) *Data {
	t.Helper()
	d, err := load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func TestStats(t *testing.T) {
	got := data(t).Stats()
	// The figures of shared/data/README.md; the artisanal counts are those of
	// artisanat-naf.csv (308 "always" and 41 "partly" rows of 349).
	want := Stats{
		NAFDivisions: 88, NAFGroups: 272, NAFClasses: 615, NAFSubclasses: 732,
		Communes: 34969, Postcodes: 6310, Departements: 109, Regions: 26, EPCIs: 1255,
		ArtisanalAlways: 308, ArtisanalPartly: 41,
	}
	if got != want {
		t.Errorf("Stats() =\n%+v, want\n%+v", got, want)
	}
}

func TestNormalizeNAF(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"47.11F", "47.11F", true},
		{"4711F", "47.11F", true},
		{" 47.11f ", "47.11F", true},
		{"\t01.11z\n", "01.11Z", true},
		{"99.99Z", "99.99Z", true}, // well-shaped; existence is NAF's business
		{"", "", false},
		{"47.11", "", false},
		{"4711", "", false},
		{"47.1F", "", false},
		{"47,11F", "", false},
		{"47.11FF", "", false},
		{"47 11F", "", false},
		{"4.711F", "", false},
		{"A7.11F", "", false},
		{"47.111", "", false},
		{"47.11é", "", false},
		{"47.11-", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeNAF(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeNAF(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNAF(t *testing.T) {
	d := data(t)
	hyper := NAFEntry{Code: "47.11F", Label: "Hypermarchés", Division: "47", Group: "47.1", Class: "47.11"}
	tests := []struct {
		code string
		want NAFEntry
		ok   bool
	}{
		{"47.11F", hyper, true},
		{"4711F", hyper, true},
		{" 47.11f ", hyper, true},
		{"10.71C", NAFEntry{"10.71C", "Boulangerie et boulangerie-pâtisserie", "10", "10.7", "10.71"}, true},
		{"01.11Z", NAFEntry{"01.11Z", "Culture de céréales (à l'exception du riz), de légumineuses et de graines oléagineuses", "01", "01.1", "01.11"}, true},
		{"47.11X", NAFEntry{}, false},
		{"99.99Z", NAFEntry{}, false},
		{"", NAFEntry{}, false},
		{"47.11", NAFEntry{}, false},
		{"47", NAFEntry{}, false},
	}
	for _, tt := range tests {
		got, ok := d.NAF(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NAF(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNAFLabel(t *testing.T) {
	d := data(t)
	tests := []struct {
		id, want string
		ok       bool
	}{
		{"47", "Commerce de détail, à l’exception des automobiles et des motocycles", true},
		{"47.1", "Commerce de détail en magasin non spécialisé", true},
		{"471", "Commerce de détail en magasin non spécialisé", true},
		{"47.11", "Commerce de détail en magasin non spécialisé à prédominance alimentaire", true},
		{"4711", "Commerce de détail en magasin non spécialisé à prédominance alimentaire", true},
		{"47.11F", "Hypermarchés", true},
		{"4711f", "Hypermarchés", true},
		{"00", "", false},
		{"47.19X", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := d.NAFLabel(tt.id)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NAFLabel(%q) = %q, %v; want %q, %v", tt.id, got, ok, tt.want, tt.ok)
		}
	}
}

// Every sub-class hangs under a class, group and division that exist.
func TestNAFHierarchy(t *testing.T) {
	d := data(t)
	for _, e := range d.subclasses {
		for _, id := range []string{e.Division, e.Group, e.Class} {
			if _, ok := d.NAFLabel(id); !ok {
				t.Errorf("%s: parent %q has no label", e.Code, id)
			}
		}
	}
}

// TestNAFSection: every division of the data falls in a section, and the
// bounds of the sections are where INSEE puts them.
func TestNAFSection(t *testing.T) {
	d := data(t)
	for _, e := range d.subclasses {
		if _, ok := NAFSection(e.Code); !ok {
			t.Errorf("%s has no section", e.Code)
		}
	}
	for id, want := range map[string]string{"01": "A", "03.22Z": "A", "05": "B", "10.71C": "C", "1071c": "C", "33.20": "C",
		"35": "D", "36": "E", "41.20A": "F", "43": "F", "45": "G", "47.11F": "G", "49": "H", "55": "I", "56.10A": "I",
		"58": "J", "64": "K", "68": "L", "69": "M", "77": "N", "84": "O", "85": "P", "86": "Q", "90": "R", "94": "S",
		"97": "T", "99": "U"} {
		if got, ok := NAFSection(id); !ok || got != want {
			t.Errorf("NAFSection(%q) = %q, %v; want %q", id, got, ok, want)
		}
	}
	for _, id := range []string{"", "4", "00", "G", "x7.11F"} {
		if got, ok := NAFSection(id); ok {
			t.Errorf("NAFSection(%q) = %q, want none", id, got)
		}
	}
}

func TestSearchNAF(t *testing.T) {
	d := data(t)
	tests := []struct {
		query string
		limit int
		want  []string // codes expected among the results
		first string   // expected first result, if any
		max   int      // expected maximum number of results (0: limit)
	}{
		{query: "coiffure", limit: 5, want: []string{"96.02A"}, first: "96.02A"},
		{query: "boulangerie", limit: 10, want: []string{"10.71C", "10.71B"}},
		{query: "pain", limit: 10, want: []string{"10.71A", "47.24Z"}},
		{query: "BOULANGERIE patisserie", limit: 10, want: []string{"10.71C"}},
		{query: "pâtisseries", limit: 10, want: []string{"10.71C", "10.71D"}},
		{query: "hypermarches", limit: 3, want: []string{"47.11F"}, first: "47.11F"},
		{query: "culture de céréales", limit: 3, want: []string{"01.11Z"}, first: "01.11Z"},
		{query: "4711", limit: 10, want: []string{"47.11A", "47.11B", "47.11C", "47.11D", "47.11E", "47.11F"}, max: 6},
		{query: "47.11F", limit: 10, want: []string{"47.11F"}, max: 1},
		{query: "47", limit: 3, want: []string{"47.11A"}, max: 3},
		{query: "zzzz", limit: 10, max: -1},
		{query: "", limit: 10, max: -1},
		{query: "coiffure", limit: 0, max: -1},
	}
	for _, tt := range tests {
		got := d.SearchNAF(tt.query, tt.limit)
		codes := make([]string, len(got))
		for i, e := range got {
			codes[i] = e.Code
		}
		for _, w := range tt.want {
			if !slices.Contains(codes, w) {
				t.Errorf("SearchNAF(%q, %d) = %v, want %s among them", tt.query, tt.limit, codes, w)
			}
		}
		if tt.first != "" && (len(codes) == 0 || codes[0] != tt.first) {
			t.Errorf("SearchNAF(%q, %d) = %v, want %s first", tt.query, tt.limit, codes, tt.first)
		}
		most := tt.max
		if most == 0 {
			most = tt.limit
		}
		if most < 0 {
			most = 0
		}
		if len(codes) > most {
			t.Errorf("SearchNAF(%q, %d) gave %d results, want at most %d", tt.query, tt.limit, len(codes), most)
		}
	}
}

func TestCommune(t *testing.T) {
	d := data(t)
	tests := []struct {
		insee string
		want  Commune
		ok    bool
	}{
		{"91228", Commune{"91228", "Évry-Courcouronnes", "91", "11", []string{"91000", "91080"}, "200059228", 66900}, true},
		{" 91228 ", Commune{"91228", "Évry-Courcouronnes", "91", "11", []string{"91000", "91080"}, "200059228", 66900}, true},
		{"2A004", Commune{"2A004", "Ajaccio", "2A", "94", []string{"20000", "20090", "20167"}, "242010056", 76300}, true},
		{"2a004", Commune{"2A004", "Ajaccio", "2A", "94", []string{"20000", "20090", "20167"}, "242010056", 76300}, true},
		{"97411", Commune{"97411", "Saint-Denis", "974", "04", []string{"97400", "97417", "97490"}, "249740119", 155600}, true},
		{"01001", Commune{"01001", "L'Abergement-Clémenciat", "01", "84", []string{"01400"}, "200069193", 900}, true},
		{"98412", Commune{"98412", "Archipel des Kerguelen", "984", "984", nil, "", 0}, true},
		// An island commune of no intercommunalité.
		{"29155", Commune{"29155", "Ouessant", "29", "53", []string{"29242"}, "", 900}, true},
		{"99999", Commune{}, false},
		{"91", Commune{}, false},
		{"", Commune{}, false},
	}
	for _, tt := range tests {
		got, ok := d.Commune(tt.insee)
		if ok != tt.ok || !equalCommune(got, tt.want) {
			t.Errorf("Commune(%q) = %+v, %v; want %+v, %v", tt.insee, got, ok, tt.want, tt.ok)
		}
	}
}

func equalCommune(a, b Commune) bool {
	return a.Code == b.Code && a.Name == b.Name && a.Departement == b.Departement &&
		a.Region == b.Region && slices.Equal(a.Postcodes, b.Postcodes) && a.EPCI == b.EPCI && a.Population == b.Population
}

// Every commune resolves to a département and a région that exist, and can be
// found again by its code and by each of its postcodes.
func TestCommunesConsistent(t *testing.T) {
	d := data(t)
	for i := range d.communeAt {
		c := d.commune(i)
		if dep, ok := d.Departement(c.Departement); !ok || dep.Region != c.Region {
			t.Errorf("%s: département %q gives %+v, %v", c.Code, c.Departement, dep, ok)
		}
		if _, ok := d.Region(c.Region); !ok {
			t.Errorf("%s: région %q unknown", c.Code, c.Region)
		}
		if _, ok := d.EPCI(c.EPCI); c.EPCI != "" && !ok {
			t.Errorf("%s: EPCI %q unknown", c.Code, c.EPCI)
		}
		if got, ok := d.Commune(c.Code); !ok || got.Code != c.Code {
			t.Errorf("Commune(%q) = %+v, %v", c.Code, got, ok)
		}
		for _, pc := range c.Postcodes {
			if !slices.ContainsFunc(d.CommunesByPostcode(pc), func(x Commune) bool { return x.Code == c.Code }) {
				t.Errorf("%s missing from CommunesByPostcode(%q)", c.Code, pc)
			}
		}
	}
}

func TestCommunesByPostcode(t *testing.T) {
	d := data(t)
	tests := []struct {
		pc      string
		want    []string // INSEE codes expected among the results
		exactly bool
	}{
		{"91000", []string{"91228"}, false},
		{"75001", []string{"75056"}, true},
		{"75116", []string{"75056"}, true},
		{" 13001 ", []string{"13055"}, true},
		{"20167", []string{"2A004"}, false},
		{"00000", nil, true},
		{"7500", nil, true},
		{"750011", nil, true},
		{"7500A", nil, true},
		{"", nil, true},
	}
	for _, tt := range tests {
		got := d.CommunesByPostcode(tt.pc)
		codes := make([]string, len(got))
		for i, c := range got {
			codes[i] = c.Code
			if !slices.Contains(c.Postcodes, strings.TrimSpace(tt.pc)) {
				t.Errorf("CommunesByPostcode(%q): %s does not list the postcode: %v", tt.pc, c.Code, c.Postcodes)
			}
		}
		if !slices.IsSorted(codes) {
			t.Errorf("CommunesByPostcode(%q) = %v, not sorted by code", tt.pc, codes)
		}
		if tt.exactly && !slices.Equal(codes, tt.want) {
			t.Errorf("CommunesByPostcode(%q) = %v, want %v", tt.pc, codes, tt.want)
		}
		for _, w := range tt.want {
			if !slices.Contains(codes, w) {
				t.Errorf("CommunesByPostcode(%q) = %v, want %s among them", tt.pc, codes, w)
			}
		}
	}
	if got := d.CommunesByPostcode("75001"); got[0].Name != "Paris" {
		t.Errorf("CommunesByPostcode(75001)[0].Name = %q, want Paris", got[0].Name)
	}
	if got := d.CommunesByPostcode("91000"); !slices.ContainsFunc(got, func(c Commune) bool { return c.Name == "Évry-Courcouronnes" }) {
		t.Errorf("CommunesByPostcode(91000) lacks Évry-Courcouronnes: %+v", got)
	}
}

func TestDepartementRegion(t *testing.T) {
	d := data(t)
	deps := []struct {
		code string
		want Departement
		ok   bool
	}{
		{"91", Departement{"91", "Essonne", "11"}, true},
		{"1", Departement{"01", "Ain", "84"}, true},
		{"2a", Departement{"2A", "Corse-du-Sud", "94"}, true},
		{"974", Departement{"974", "La Réunion", "04"}, true},
		{"20", Departement{}, false},
		{"", Departement{}, false},
	}
	for _, tt := range deps {
		got, ok := d.Departement(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Departement(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
	regions := []struct {
		code, name string
		ok         bool
	}{
		{"11", "Île-de-France", true},
		{"94", "Corse", true},
		{"04", "La Réunion", true},
		{"99", "", false},
	}
	for _, tt := range regions {
		got, ok := d.Region(tt.code)
		if got.Name != tt.name || ok != tt.ok {
			t.Errorf("Region(%q) = %+v, %v; want %q, %v", tt.code, got, ok, tt.name, tt.ok)
		}
	}
}

func TestEPCI(t *testing.T) {
	d := data(t)
	tests := []struct {
		siren string
		want  EPCI
		ok    bool
	}{
		{"200059228", EPCI{"200059228", "CA Grand Paris Sud Seine Essonne Sénart", "CA"}, true},
		{"200 059 228", EPCI{"200059228", "CA Grand Paris Sud Seine Essonne Sénart", "CA"}, true},
		{"242010056", EPCI{"242010056", "CA du Pays Ajaccien", "CA"}, true},
		{"200000000", EPCI{}, false},
		{"", EPCI{}, false},
	}
	for _, tt := range tests {
		got, ok := d.EPCI(tt.siren)
		if got != tt.want || ok != tt.ok {
			t.Errorf("EPCI(%q) = %+v, %v; want %+v, %v", tt.siren, got, ok, tt.want, tt.ok)
		}
	}
}

func TestArtisanat(t *testing.T) {
	d := data(t)
	tests := []struct {
		naf    string
		kind   ArtisanalKind
		family string
		ok     bool
	}{
		{"10.71C", ArtisanalAlways, FamilyAlimentation, true}, // boulangerie
		{"1071c", ArtisanalAlways, FamilyAlimentation, true},
		{"96.02A", ArtisanalAlways, FamilyServices, true},     // coiffure
		{"43.22A", ArtisanalAlways, FamilyBatiment, true},     // plomberie
		{"01.62Z", ArtisanalPartly, FamilyServices, true},     // maréchalerie only
		{"56.10A", ArtisanalPartly, FamilyAlimentation, true}, // artisan cuisinier, optional
		{"10.71B", "", "", false},                             // terminaux de cuisson: CCI
		{"47.11F", "", "", false},                             // hypermarchés: commerce
		{"99.99Z", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		got, ok := d.Artisanat(tt.naf)
		if ok != tt.ok || got.Kind != tt.kind || got.Family != tt.family {
			t.Errorf("Artisanat(%q) = %+v, %v; want %s/%s, %v", tt.naf, got, ok, tt.kind, tt.family, tt.ok)
		}
		if ok && got.Note == "" {
			t.Errorf("Artisanat(%q) has no note", tt.naf)
		}
	}
	// Every artisanal code is a real sub-class.
	for _, a := range d.artisanat {
		if _, ok := d.NAF(a.Code); !ok {
			t.Errorf("artisanal %s is not a NAF sub-class", a.Code)
		}
	}
}

// The seed corpus is in testdata/fuzz/FuzzNormalizeNAF.
func FuzzNormalizeNAF(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizeNAF(s)
		if !ok {
			if got != "" {
				t.Fatalf("NormalizeNAF(%q) = %q with false", s, got)
			}
			return
		}
		again, ok := NormalizeNAF(got)
		if !ok || again != got {
			t.Fatalf("NormalizeNAF(%q) = %q, which re-normalizes to %q, %v", s, got, again, ok)
		}
		if len(got) != 6 {
			t.Fatalf("NormalizeNAF(%q) = %q, not 6 bytes", s, got)
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCommune(b *testing.B) {
	d := data(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := d.Commune("91228"); !ok {
			b.Fatal("91228 not found")
		}
	}
}

func BenchmarkCommunesByPostcode(b *testing.B) {
	d := data(b)
	b.ReportAllocs()
	for b.Loop() {
		if len(d.CommunesByPostcode("91000")) == 0 {
			b.Fatal("91000 not found")
		}
	}
}

func BenchmarkSearchNAF(b *testing.B) {
	d := data(b)
	b.ReportAllocs()
	for b.Loop() {
		d.SearchNAF("boulangerie pâtisserie", 10)
	}
}

// The membership comes from the npm package's epci.json: every EPCI has
// members, all but the 98 communes outside any EPCI belong to one, and the
// known cases hold.
func TestEPCIMembership(t *testing.T) {
	d := data(t)
	members := map[string]int{}
	without := 0
	for i := range d.communeAt {
		c := d.commune(i)
		if c.EPCI == "" {
			without++
			continue
		}
		members[c.EPCI]++
	}
	if without != 98 {
		t.Errorf("%d communes in no EPCI, want 98", without)
	}
	if len(members) != d.Stats().EPCIs {
		t.Errorf("%d EPCI have members, want all %d", len(members), d.Stats().EPCIs)
	}
	tests := []struct{ insee, epci, name string }{
		{"91228", "200059228", "CA Grand Paris Sud Seine Essonne Sénart"}, // Évry-Courcouronnes
		{"91174", "200059228", "CA Grand Paris Sud Seine Essonne Sénart"}, // Corbeil-Essonnes
		{"75056", "200054781", "Métropole du Grand Paris"},
		{"2A004", "242010056", "CA du Pays Ajaccien"},
	}
	for _, tt := range tests {
		c, ok := d.Commune(tt.insee)
		if !ok || c.EPCI != tt.epci {
			t.Errorf("Commune(%s).EPCI = %q, %v; want %s", tt.insee, c.EPCI, ok, tt.epci)
			continue
		}
		if e, ok := d.EPCI(c.EPCI); !ok || e.Name != tt.name {
			t.Errorf("EPCI(%s) = %+v, %v; want %q", c.EPCI, e, ok, tt.name)
		}
	}
}
