package web_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parse parses a page.
func parse(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	return doc
}

// all returns the elements under n that match.
func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func tag(a atom.Atom) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.DataAtom == a }
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// byID returns the element with that id, or nil.
func byID(doc *html.Node, id string) *html.Node {
	if found := all(doc, func(n *html.Node) bool { return attr(n, "id") == id }); len(found) > 0 {
		return found[0]
	}
	return nil
}

// text is the text content of n, spaces collapsed.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// control returns the form control with that name.
func control(t *testing.T, doc *html.Node, name string) *html.Node {
	t.Helper()
	found := all(doc, func(n *html.Node) bool {
		return (n.DataAtom == atom.Input || n.DataAtom == atom.Select || n.DataAtom == atom.Textarea) && attr(n, "name") == name
	})
	if len(found) != 1 {
		t.Fatalf("%d controls named %q, want 1", len(found), name)
	}
	return found[0]
}

// value is what a control shows: its value, its text or its selected option.
func value(n *html.Node) string {
	switch n.DataAtom {
	case atom.Textarea:
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(c.Data)
		}
		return b.String()
	case atom.Select:
		for _, o := range all(n, tag(atom.Option)) {
			if hasAttr(o, "selected") {
				return attr(o, "value")
			}
		}
		return ""
	}
	return attr(n, "value")
}

// describedBy is the text of the elements a control's aria-describedby
// names.
func describedBy(doc, n *html.Node) string {
	var parts []string
	for _, id := range strings.Fields(attr(n, "aria-describedby")) {
		parts = append(parts, text(byID(doc, id)))
	}
	return strings.Join(parts, " ")
}

// checkAccessible checks what every page must have: French as its
// language, the stylesheets, unique ids, a label for every control and
// existing targets for aria-describedby and in-page links.
func checkAccessible(t *testing.T, name, body string) {
	t.Helper()
	doc := parse(t, body)
	htmlEl := all(doc, tag(atom.Html))
	if len(htmlEl) != 1 || attr(htmlEl[0], "lang") != "fr" {
		t.Errorf("%s: <html lang=%q>, want lang=\"fr\"", name, attr(htmlEl[0], "lang"))
	}
	if titles := all(doc, tag(atom.Title)); len(titles) != 1 || text(titles[0]) == "" {
		t.Errorf("%s: no <title>", name)
	}
	if h1 := all(doc, tag(atom.H1)); len(h1) != 1 {
		t.Errorf("%s: %d <h1>, want 1", name, len(h1))
	}
	css := all(doc, func(n *html.Node) bool { return n.DataAtom == atom.Link && attr(n, "rel") == "stylesheet" })
	if len(css) != 2 || !strings.HasSuffix(attr(css[0], "href"), "/dsfr/dsfr.min.css") {
		t.Errorf("%s: stylesheets %v, want the DSFR and app.css", name, css)
	}
	ids := map[string]bool{}
	for _, n := range all(doc, func(n *html.Node) bool { return hasAttr(n, "id") }) {
		id := attr(n, "id")
		if ids[id] {
			t.Errorf("%s: id %q used twice", name, id)
		}
		ids[id] = true
	}
	labels := map[string]bool{}
	for _, l := range all(doc, tag(atom.Label)) {
		if text(l) == "" {
			t.Errorf("%s: empty label for %q", name, attr(l, "for"))
		}
		labels[attr(l, "for")] = true
	}
	controls := all(doc, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Input:
			switch attr(n, "type") {
			case "hidden", "submit", "button", "reset", "image":
				return false
			}
			return true
		case atom.Select, atom.Textarea:
			return true
		}
		return false
	})
	for _, c := range controls {
		id := attr(c, "id")
		if !(id != "" && labels[id]) && attr(c, "aria-label") == "" && attr(c, "aria-labelledby") == "" {
			t.Errorf("%s: <%s name=%q id=%q> has no label[for], aria-label or aria-labelledby", name, c.Data, attr(c, "name"), id)
		}
		for _, ref := range strings.Fields(attr(c, "aria-describedby")) {
			if !ids[ref] {
				t.Errorf("%s: %q aria-describedby names missing id %q", name, attr(c, "name"), ref)
			}
		}
	}
	for _, a := range all(doc, tag(atom.A)) {
		if href := attr(a, "href"); strings.HasPrefix(href, "#") && !ids[href[1:]] {
			t.Errorf("%s: link to missing anchor %q", name, href)
		}
	}
	for _, b := range all(doc, tag(atom.Button)) {
		if text(b) == "" && attr(b, "aria-label") == "" {
			t.Errorf("%s: button without a name", name)
		}
	}
}
