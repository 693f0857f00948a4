package audit

import (
	"net/url"
	"strconv"
	"time"
	"unicode"

	"github.com/ccicma/platform/pkg/httpserver"
)

// QueryParams reads the query string of an audit-log endpoint:
// resource_id, advisor_id, since and until (RFC 3339), after (the
// next_after of the previous page) and limit. Each bad parameter is named
// in the returned errors (for a 400 problem). The filter has no chamber
// scope: the caller sets the reader's.
func QueryParams(q url.Values) (Filter, []httpserver.FieldError) {
	var f Filter
	var errs []httpserver.FieldError
	bad := func(field, msg string) {
		errs = append(errs, httpserver.FieldError{Field: field, Code: "invalid", Message: msg})
	}
	if f.ResourceID = q.Get("resource_id"); !printableID(f.ResourceID) {
		bad("resource_id", "Identifiant attendu (au plus 200 caractères, sans espace).")
	}
	if f.ActorID = q.Get("advisor_id"); !printableID(f.ActorID) {
		bad("advisor_id", "Identifiant de conseiller attendu (au plus 200 caractères, sans espace).")
	}
	for _, p := range []struct {
		name string
		to   *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				bad(p.name, "Date et heure RFC 3339 attendues, par exemple 2026-11-26T09:00:00Z.")
			}
			*p.to = t
		}
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			bad("after", "Entier positif attendu (le next_after de la page précédente).")
		}
		f.After = n
	}
	f.Limit = DefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			bad("limit", "Entier entre 1 et "+strconv.Itoa(MaxLimit)+" attendu.")
		}
		f.Limit = n
	}
	return f, errs
}

// printableID accepts an empty value or an id of at most MaxFieldLen
// printable characters without spaces.
func printableID(s string) bool {
	if len(s) > MaxFieldLen {
		return false
	}
	for _, c := range s {
		if unicode.IsSpace(c) || !unicode.IsPrint(c) {
			return false
		}
	}
	return true
}

// EntryJSON is an entry as audit-log endpoints answer it.
type EntryJSON struct {
	ID             int64     `json:"id"`
	At             time.Time `json:"at"`
	AdvisorID      string    `json:"advisor_id"`
	AdvisorChamber string    `json:"advisor_chamber"`
	Action         string    `json:"action"`
	Resource       string    `json:"resource"`
	ResourceID     string    `json:"resource_id"`
	Chambers       []string  `json:"chambers"`
	TraceID        string    `json:"trace_id,omitempty"`
}

// PageJSON is a page of the log, oldest first; NextAfter, when set, asks
// for the next page (?after=).
type PageJSON struct {
	Entries   []EntryJSON `json:"entries"`
	NextAfter int64       `json:"next_after,omitempty"`
}

// NewPage is the answer of a query limited to limit entries.
func NewPage(es []Entry, limit int) PageJSON {
	p := PageJSON{Entries: make([]EntryJSON, len(es))}
	for i, e := range es {
		p.Entries[i] = EntryJSON{ID: e.ID, At: e.At, AdvisorID: e.ActorID, AdvisorChamber: e.ActorChamber, Action: e.Action,
			Resource: e.Resource, ResourceID: e.ResourceID, Chambers: e.Chambers, TraceID: e.TraceID}
	}
	if len(es) > 0 && len(es) == limit {
		p.NextAfter = es[len(es)-1].ID
	}
	return p
}
