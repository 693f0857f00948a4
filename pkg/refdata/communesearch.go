package refdata

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// MaxCommuneQuery bounds the query SearchCommunes reads; longer ones find
// nothing (the longest commune name has 45 characters).
const MaxCommuneQuery = 100

// communeNames is the search index of commune names, built on the first
// search rather than in Load: most services never search by name.
type communeNames struct {
	once   sync.Once
	folded []string // fold(name) of the i-th commune
}

func (d *Data) foldedNames() []string {
	d.names.once.Do(func() {
		d.names.folded = make([]string, len(d.communeAt))
		for i := range d.communeAt {
			d.names.folded[i] = fold(communeFields(d.communeLine(i)).name)
		}
	})
	return d.names.folded
}

// SearchCommunes returns up to limit communes for what an applicant typed
// in a commune picker, best first:
//
//   - a postcode ("91000") gives its communes, then an INSEE code ("91228",
//     "2A004") its commune;
//   - otherwise every word must start a word of the name, ignoring case,
//     accents, hyphens and apostrophes ("st" and "ste" read "saint",
//     "sainte"); a département number ("saint denis 93") or a postcode
//     among the words narrows the search.
//
// The exact name ranks first, then names starting with the query, then the
// larger towns.
func (d *Data) SearchCommunes(query string, limit int) []Commune {
	query = strings.TrimSpace(query)
	if query == "" || limit <= 0 || len(query) > MaxCommuneQuery {
		return nil
	}
	if _, ok := postcodeNumber(query); ok {
		cs := d.CommunesByPostcode(query)
		if len(cs) == 0 {
			if c, ok := d.Commune(query); ok {
				cs = []Commune{c}
			}
		}
		byPopulation(cs)
		return cs[:min(limit, len(cs))]
	}
	if c, ok := d.Commune(query); ok && len(query) == 5 {
		return []Commune{c}
	}
	q := d.parseCommuneQuery(query)
	if len(q.words) == 0 {
		return nil
	}
	return d.rankCommunes(q, limit)
}

// NamedExactly returns the one commune among cs that query names exactly,
// read as SearchCommunes reads it: ignoring case, accents, hyphens and
// apostrophes, "st" and "ste" for "saint" and "sainte", and a département
// number or postcode among the words narrowing rather than naming
// ("st denis 93" names Saint-Denis, 93066). It reports false when none or
// several do ("paris" is Paris, not Paris-l'Hôpital; "saint-denis" alone
// is two communes), so a form asks which one is meant.
func (d *Data) NamedExactly(query string, cs []Commune) (Commune, bool) {
	query = strings.TrimSpace(query)
	if len(query) > MaxCommuneQuery {
		return Commune{}, false
	}
	q := d.parseCommuneQuery(query)
	if len(q.words) == 0 {
		return Commune{}, false
	}
	var found []Commune
	for _, c := range cs {
		if fold(c.Name) == q.exact && q.narrows(c) {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return Commune{}, false
	}
	return found[0], true
}

// communeQuery is a name query split into name words and filters.
type communeQuery struct {
	words       []string
	exact       string // the folded name that matches exactly
	departement string
	postcode    string
}

func (d *Data) parseCommuneQuery(query string) communeQuery {
	var q communeQuery
	for _, w := range strings.Fields(fold(query)) {
		if _, ok := postcodeNumber(w); ok {
			q.postcode = w
			continue
		}
		if len(w) <= 3 && strings.Trim(w, "0123456789ab") == "" {
			if dep, ok := d.Departement(w); ok {
				q.departement = dep.Code
				continue
			}
		}
		switch w {
		case "st":
			w = "saint"
		case "ste":
			w = "sainte"
		}
		q.words = append(q.words, w)
	}
	q.exact = " " + strings.Join(q.words, " ") + " "
	return q
}

// narrows tells whether c passes the query's département and postcode
// filters, if any.
func (q communeQuery) narrows(c Commune) bool {
	return (q.departement == "" || c.Departement == q.departement) &&
		(q.postcode == "" || slices.Contains(c.Postcodes, q.postcode))
}

func (d *Data) rankCommunes(q communeQuery, limit int) []Commune {
	type hit struct {
		i, tier, population int
	}
	prefixes := make([]string, len(q.words))
	for i, w := range q.words {
		prefixes[i] = " " + w
	}
	var hits []hit
	for i, name := range d.foldedNames() {
		if !matchWords(name, prefixes) {
			continue
		}
		c := d.commune(i)
		if !q.narrows(c) {
			continue
		}
		tier := 2
		switch {
		case name == q.exact:
			tier = 0
		case strings.HasPrefix(name, prefixes[0]):
			tier = 1
		}
		hits = append(hits, hit{i, tier, c.Population})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(b.population, a.population), cmp.Compare(a.i, b.i))
	})
	out := make([]Commune, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, d.commune(h.i))
	}
	return out
}

// matchWords: every word, prefixed with a space, starts a word of the
// folded name (fold pads it with spaces).
func matchWords(name string, prefixes []string) bool {
	for _, p := range prefixes {
		if !strings.Contains(name, p) {
			return false
		}
	}
	return true
}

// byPopulation sorts communes larger first, then by code.
func byPopulation(cs []Commune) {
	slices.SortStableFunc(cs, func(a, b Commune) int { return cmp.Compare(b.Population, a.Population) })
}
