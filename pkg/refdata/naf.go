package refdata

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NAFVersion names the activity nomenclature of this data. Events and records
// that carry a NAF code carry this too, because NAF 2025 replaces rév. 2 on
// 1 January 2027 and both will have to live side by side.
const NAFVersion = "NAFRev2"

// NAFEntry is a NAF sub-class with the ids of the levels above it; their labels
// come from (*Data).NAFLabel.
type NAFEntry struct {
	Code     string // sub-class, canonical form "47.11F"
	Label    string // French label
	Division string // "47"
	Group    string // "47.1"
	Class    string // "47.11"
}

// NormalizeNAF returns the canonical spelling ("47.11F") of a NAF sub-class code
// written "47.11F", "4711F" or in lower case, with surrounding spaces. It checks
// the shape only: whether the code exists is (*Data).NAF's business.
func NormalizeNAF(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var digits [4]byte
	var letter byte
	switch {
	case len(s) == 6 && s[2] == '.':
		digits = [4]byte{s[0], s[1], s[3], s[4]}
		letter = s[5]
	case len(s) == 5:
		digits = [4]byte{s[0], s[1], s[2], s[3]}
		letter = s[4]
	default:
		return "", false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	switch {
	case 'A' <= letter && letter <= 'Z':
	case 'a' <= letter && letter <= 'z':
		letter -= 'a' - 'A'
	default:
		return "", false
	}
	return string([]byte{digits[0], digits[1], '.', digits[2], digits[3], letter}), true
}

// NAF returns the sub-class for a code in any spelling NormalizeNAF accepts.
func (d *Data) NAF(code string) (NAFEntry, bool) {
	c, ok := NormalizeNAF(code)
	if !ok {
		return NAFEntry{}, false
	}
	return find(d.subclasses, c, func(e NAFEntry) string { return e.Code })
}

// NAFLabel returns the label of a NAF id at any level: division "47", group
// "47.1", class "47.11" or sub-class "47.11F"; the dot may be left out.
func (d *Data) NAFLabel(id string) (string, bool) {
	l, ok := d.nafLabels[nafID(id)]
	return l, ok
}

// nafID puts an id of any level into its canonical form, as far as it can.
func nafID(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	if len(id) > 2 && id[2] != '.' {
		id = id[:2] + "." + id[2:]
	}
	return id
}

// SearchNAF returns up to limit sub-classes matching query, best first, for
// activity pickers in forms. A query that looks like a code ("47", "47.1",
// "4711", "47.11F") lists the sub-classes under it. Otherwise every word of the
// query must start a word of the label, ignoring case, accents, a plural "s" and
// small words such as "de" or "la"; whole-word matches rank first.
func (d *Data) SearchNAF(query string, limit int) []NAFEntry {
	query = strings.TrimSpace(query)
	if query == "" || limit <= 0 {
		return nil
	}
	if prefix, ok := nafPrefix(query); ok {
		var out []NAFEntry
		i, _ := slices.BinarySearchFunc(d.subclasses, prefix, func(e NAFEntry, p string) int { return cmp.Compare(e.Code, p) })
		for ; i < len(d.subclasses) && len(out) < limit && strings.HasPrefix(d.subclasses[i].Code, prefix); i++ {
			out = append(out, d.subclasses[i])
		}
		return out
	}
	words := strings.Fields(fold(query))
	if kept := slices.DeleteFunc(slices.Clone(words), isStopword); len(kept) > 0 {
		words = kept
	}
	if len(words) == 0 {
		return nil
	}
	// fold pads labels with spaces, so " w " is a whole word and " w" a prefix.
	whole := make([]string, len(words))
	prefix := make([]string, len(words))
	for i, w := range words {
		prefix[i] = " " + w
		whole[i] = prefix[i] + " "
	}
	type hit struct{ i, score int }
	var hits []hit
	for i, label := range d.nafFolded {
		score := 0
		for j := range words {
			switch {
			case strings.Contains(label, whole[j]):
				score += 2
			case strings.Contains(label, prefix[j]):
				score++
			default:
				score = -1
			}
			if score < 0 {
				break
			}
		}
		if score > 0 {
			hits = append(hits, hit{i, score})
		}
	}
	// Stable sort on score keeps code order among equals.
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(b.score, a.score) })
	out := make([]NAFEntry, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, d.subclasses[h.i])
	}
	return out
}

// nafPrefix reads a query made of digits (dots and spaces allowed) and at most a
// final letter as a code prefix in canonical form: "4711" -> "47.11".
func nafPrefix(q string) (string, bool) {
	r := strings.NewReplacer(".", "", " ", "").Replace(q)
	if r == "" || len(r) > 5 {
		return "", false
	}
	for i := range len(r) {
		c := r[i]
		isDigit := '0' <= c && c <= '9'
		isLetter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if i < 4 && !isDigit || i == 4 && !isLetter {
			return "", false
		}
	}
	r = strings.ToUpper(r)
	if len(r) > 2 {
		r = r[:2] + "." + r[2:]
	}
	return r, true
}

// fold lower-cases s, strips French diacritics, turns everything but letters
// and digits into single spaces, and drops a final "s" from words longer than
// three letters, so that "Pâtisseries" and "patisserie" meet. The result starts
// and ends with a space so that word matches are plain substring tests.
func fold(s string) string {
	b := make([]byte, 1, len(s)+2)
	b[0] = ' '
	endWord := func() {
		n := len(b)
		if b[n-1] == ' ' {
			return
		}
		start := bytes.LastIndexByte(b, ' ') + 1
		if n-start > 3 && b[n-1] == 's' {
			b = b[:n-1]
		}
		b = append(b, ' ')
	}
	for _, r := range s {
		r = unicode.ToLower(r)
		if f := foldRune(r); f != "" {
			b = append(b, f...)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b = utf8.AppendRune(b, r)
			continue
		}
		endWord()
	}
	endWord()
	return string(b)
}

// foldRune maps the accented letters of French (and a few neighbours) to ASCII.
func foldRune(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å':
		return "a"
	case 'ç':
		return "c"
	case 'è', 'é', 'ê', 'ë':
		return "e"
	case 'ì', 'í', 'î', 'ï':
		return "i"
	case 'ñ':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö':
		return "o"
	case 'ù', 'ú', 'û', 'ü':
		return "u"
	case 'ý', 'ÿ':
		return "y"
	case 'œ':
		return "oe"
	case 'æ':
		return "ae"
	}
	return ""
}

// isStopword reports the small French words that would match almost every label.
func isStopword(w string) bool {
	switch w {
	case "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par", "pour", "sur", "un", "une":
		return true
	}
	return false
}

func (d *Data) loadNAF() error {
	d.nafLabels = make(map[string]string, 1800)
	d.subclasses = make([]NAFEntry, 0, 732)
	err := rows(nafTSV, 2, func(f []string) error {
		id, label := f[0], f[1]
		switch len(id) {
		case 2:
			d.nafCounts[0]++
		case 4:
			d.nafCounts[1]++
		case 5:
			d.nafCounts[2]++
		case 6:
			if c, ok := NormalizeNAF(id); !ok || c != id {
				return fmt.Errorf("sub-class id %q", id)
			}
			d.nafCounts[3]++
			d.subclasses = append(d.subclasses, NAFEntry{
				Code: id, Label: label, Division: id[:2], Group: id[:4], Class: id[:5],
			})
		default:
			return fmt.Errorf("id %q", id)
		}
		d.nafLabels[id] = label
		return nil
	})
	if err != nil {
		return err
	}
	if err := sorted(d.subclasses, func(e NAFEntry) string { return e.Code }); err != nil {
		return err
	}
	d.nafFolded = make([]string, len(d.subclasses))
	for i, e := range d.subclasses {
		d.nafFolded[i] = fold(e.Label)
	}
	return nil
}

// nafSections are the 21 sections of NAF rév. 2 (INSEE), each with the
// last division it holds: a section runs from the division after the
// previous section's last to its own. The data files list divisions and
// below only; the sections are a fixed part of the nomenclature.
var nafSections = []struct {
	section      string
	lastDivision int
}{
	{"A", 3}, {"B", 9}, {"C", 33}, {"D", 35}, {"E", 39}, {"F", 43}, {"G", 47}, {"H", 53}, {"I", 56}, {"J", 63},
	{"K", 66}, {"L", 68}, {"M", 75}, {"N", 82}, {"O", 84}, {"P", 85}, {"Q", 88}, {"R", 93}, {"S", 96}, {"T", 98}, {"U", 99},
}

// NAFSection returns the section letter ("G") of a NAF id at any level
// below it ("47", "47.1", "47.11", "47.11F", with or without the dot),
// read from its division; false when the id does not start with a
// division number of the nomenclature. It checks the division only.
func NAFSection(id string) (string, bool) {
	id = strings.TrimSpace(id)
	if len(id) < 2 || id[0] < '0' || id[0] > '9' || id[1] < '0' || id[1] > '9' {
		return "", false
	}
	div := int(id[0]-'0')*10 + int(id[1]-'0')
	if div == 0 {
		return "", false
	}
	for _, s := range nafSections {
		if div <= s.lastDivision {
			return s.section, true
		}
	}
	return "", false
}
