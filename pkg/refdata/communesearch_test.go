package refdata

import (
	"cmp"
	"slices"
	"strings"
	"testing"
)

func TestSearchCommunes(t *testing.T) {
	d := data(t)
	tests := []struct {
		name, query string
		limit       int
		first       []string // INSEE codes the results start with, in order
		all         bool     // the results are exactly first
		none        bool
	}{
		{"exact name, any case and accents", "evry-courcouronnes", 5, []string{"91228"}, true, false},
		{"accents typed", "Évry Courcouronnes", 5, []string{"91228"}, true, false},
		{"names starting with the word first", "courcour", 5, []string{"17128", "91228"}, false, false},
		{"prefix of two words", "evr cour", 5, []string{"91228"}, true, false},
		{"exact match before larger prefixes", "paris", 3, []string{"75056"}, false, false},
		{"larger towns first among equals", "saint-denis", 2, []string{"97411", "93066"}, true, false},
		{"département narrows", "saint denis 93", 5, []string{"93066", "93039"}, true, false},
		{"st reads saint", "st denis 974", 5, []string{"97411"}, true, false},
		{"postcode narrows", "evry 91000", 5, []string{"91228"}, true, false},
		{"apostrophe", "l'abergement-clemenciat", 5, []string{"01001"}, true, false},
		{"postcode: its communes, larger first", "91000", 5, []string{"91228"}, false, false},
		{"INSEE code", "2A004", 5, []string{"2A004"}, true, false},
		{"INSEE code not a postcode", "91228", 5, []string{"91228"}, true, false},
		{"Corsica lower case", "ajaccio", 1, []string{"2A004"}, true, false},
		{"word order free", "courcouronnes evry", 5, []string{"91228"}, true, false},
		{"unknown", "zzzzville", 5, nil, false, true},
		{"middle of a word does not match", "ouronnes", 5, nil, false, true},
		{"empty", "  ", 5, nil, false, true},
		{"zero limit", "paris", 0, nil, false, true},
		{"too long", strings.Repeat("a", MaxCommuneQuery+1), 5, nil, false, true},
		{"unknown postcode", "00000", 5, nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.SearchCommunes(tt.query, tt.limit)
			codes := make([]string, len(got))
			for i, c := range got {
				codes[i] = c.Code
			}
			switch {
			case tt.none && len(got) != 0:
				t.Errorf("SearchCommunes(%q) = %v, want none", tt.query, codes)
			case tt.all && !slices.Equal(codes, tt.first):
				t.Errorf("SearchCommunes(%q) = %v, want exactly %v", tt.query, codes, tt.first)
			case len(codes) < len(tt.first) || !slices.Equal(codes[:len(tt.first)], tt.first):
				t.Errorf("SearchCommunes(%q) = %v, want it to start with %v", tt.query, codes, tt.first)
			}
			if len(got) > tt.limit {
				t.Errorf("SearchCommunes(%q, %d) gave %d results", tt.query, tt.limit, len(got))
			}
		})
	}
}

// A common prefix returns the limit, exact names first and then by
// decreasing population.
func TestSearchCommunesRanking(t *testing.T) {
	d := data(t)
	got := d.SearchCommunes("saint", 20)
	if len(got) != 20 {
		t.Fatalf("SearchCommunes(saint, 20) gave %d results", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Population < got[i].Population {
			t.Errorf("%s (%d) before %s (%d): not by population", got[i-1].Name, got[i-1].Population, got[i].Name, got[i].Population)
		}
	}
	if got[0].Code != "42218" {
		t.Errorf("SearchCommunes(saint)[0] = %s %s, want Saint-Étienne, the largest", got[0].Code, got[0].Name)
	}
}

// NamedExactly settles on a commune only when the query names one and
// only one of the candidates, however it was typed.
func TestNamedExactly(t *testing.T) {
	d := data(t)
	tests := []struct {
		name, query string
		among       string // the query the candidates come from (empty: query)
		want        string // the INSEE code named, empty when none
	}{
		{"st reads saint, département narrows", "st denis 93", "", "93066"},
		{"saint and département", "saint denis 93", "", "93066"},
		{"ste reads sainte", "ste genevieve des bois 91", "", "91549"},
		{"postcode narrows", "ste genevieve des bois 91700", "", "91549"},
		{"accents and apostrophe loose", "l'hay les roses", "", "94038"},
		{"accents and capitals typed", "ÉVRY-COURCOURONNES", "", "91228"},
		{"exact beside longer names", "paris", "", "75056"},
		{"shared name", "Saint-Denis", "", ""},
		{"shared name, st", "ste genevieve des bois", "", ""},
		{"département picks among the candidates", "saint denis 93", "saint-denis", "93066"},
		{"département excludes every candidate", "saint denis 91", "saint-denis", ""},
		{"prefix only", "courcour", "", ""},
		{"codes only", "93", "saint-denis", ""},
		{"too long", strings.Repeat("a", MaxCommuneQuery+1), "paris", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			among := cmp.Or(tt.among, tt.query)
			got, ok := d.NamedExactly(tt.query, d.SearchCommunes(among, 10))
			if ok != (tt.want != "") || got.Code != tt.want {
				t.Errorf("NamedExactly(%q) among %q = %s %q, %v; want %q", tt.query, among, got.Code, got.Name, ok, tt.want)
			}
		})
	}
}

func BenchmarkSearchCommunes(b *testing.B) {
	d := data(b)
	d.SearchCommunes("paris", 1) // builds the index
	for b.Loop() {
		d.SearchCommunes("saint denis", 10)
	}
}
