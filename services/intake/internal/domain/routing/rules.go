package routing

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/jsonstrict"
	"github.com/ccicma/platform/pkg/refdata"
)

// embeddedTable is the routing table the service ships with; a table the
// configuration names (ROUTING_RULES_FILE, parsed by ParseRules) replaces
// it.
//
//go:embed rules.json
var embeddedTable []byte

// embedded parses the embedded table once; a test proves it is valid.
var embedded = sync.OnceValues(func() (*Rules, error) { return ParseRules(embeddedTable) })

// maxTableSize bounds what ParseRules reads: the real table is a few
// kilobytes, and an override file is written by people.
const maxTableSize = 1 << 20

// Table is the routing table as written in rules.json. Rules are tried in
// order and the first whose conditions all hold decides; the last rule has
// no condition and catches everything else.
type Table struct {
	// Version names this edition of the table; every decision carries it.
	Version string `json:"version"`
	// NAFVersion is the nomenclature the NAF prefixes refer to; it must be
	// the one of the reference data (refdata.NAFVersion).
	NAFVersion string `json:"naf_version"`
	// Description says what the table is and where its rules come from.
	Description string `json:"description,omitempty"`
	// OutOfTerritoryReason is appended to the reason of a request from
	// outside the served départements.
	OutOfTerritoryReason string `json:"out_of_territory_reason"`
	Rules                []Rule `json:"rules"`
}

// Rule is one line of the table.
type Rule struct {
	// ID names the rule in decisions: lower-case letters, digits, dashes.
	ID string `json:"id"`
	// Note gives the rule's legal basis, for whoever maintains the table.
	Note string `json:"note,omitempty"`
	// When holds the conditions, all of which must hold; none at all
	// makes the catch-all rule.
	When Conditions `json:"when,omitzero"`
	// Then is the decision.
	Then Outcome `json:"then"`
}

// Conditions are tests on the Input. An absent (nil) condition always holds.
type Conditions struct {
	// Request lists the kinds of request the rule is for (Request*).
	Request []string `json:"request,omitempty"`
	// Sectors holds for a buyer search whose sectors involve the CMA alone
	// ("artisanal"), the CCI alone ("commercial"), both ("mixed") or
	// neither ("none"), each sub-class routed by the rules without a
	// sectors condition. It needs request ["buyer_search"].
	Sectors string `json:"sectors,omitempty"`
	// FirstSectorLead is the chamber leading for the first sub-class of the
	// search's sectors that names one; it needs a sectors condition.
	FirstSectorLead string `json:"first_sector_lead,omitempty"`
	// NAFMissing: true holds when the request has no known NAF sub-class,
	// false when it has one.
	NAFMissing *bool `json:"naf_missing,omitempty"`
	// NAFArtisanal is the sub-class's status in the list of artisanal
	// activities: "always", "partly" or "none" (not listed). It never holds
	// without a known NAF sub-class.
	NAFArtisanal string `json:"naf_artisanal,omitempty"`
	// NAFPrefixes holds when the canonical sub-class ("47.11F") starts with
	// one of them: a division "47", a class "47.11", "69." for a whole
	// division. It never holds without a known NAF sub-class.
	NAFPrefixes []string `json:"naf_prefixes,omitempty"`
	// HeadcountMin and HeadcountMax bound the headcount, both inclusive.
	HeadcountMin *int `json:"headcount_min,omitempty"`
	HeadcountMax *int `json:"headcount_max,omitempty"`
	// AlreadyRegistered tests Input.AlreadyRegistered.
	AlreadyRegistered *bool `json:"already_registered,omitempty"`
	// TakeoverOfArtisanFonds tests Input.TakeoverOfArtisanFonds.
	TakeoverOfArtisanFonds *bool `json:"takeover_of_artisan_fonds,omitempty"`
}

// Outcome is what a rule decides.
type Outcome struct {
	// Lead is "CCI", "CMA" or empty when neither chamber is competent.
	Lead string `json:"lead,omitempty"`
	// Secondary is the other chamber when both are, else empty.
	Secondary string `json:"secondary,omitempty"`
	// TurnTo says where to turn when neither chamber is competent; it is
	// required then, and only then.
	TurnTo string `json:"turn_to,omitempty"`
	// Reason is the French sentence an advisor reads. Placeholders:
	// {naf}, {naf_label}, {naf_version}, {headcount}, {employees} ("3
	// salariés"), {family}, {turn_to}, {departement}, {sectors} (a buyer
	// search's NAF ids).
	Reason string `json:"reason"`
}

// The values an artisanal condition may take.
const (
	artisanalAlways = string(refdata.ArtisanalAlways)
	artisanalPartly = string(refdata.ArtisanalPartly)
	artisanalNone   = "none"
)

// placeholders are the names a reason template may use.
var placeholders = []string{"naf", "naf_label", "naf_version", "headcount", "employees", "family", "turn_to", "departement", "sectors"}

var (
	ruleIDPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	nafPrefixPattern  = regexp.MustCompile(`^[0-9]{2}(\.([0-9]([0-9][A-Z]?)?)?)?$`)
	errNoCatchAll     = errors.New("the last rule must have no condition (the catch-all)")
	errEmptyTable     = errors.New("no rules")
	errTableTooLarge  = fmt.Errorf("larger than %d bytes", maxTableSize)
	errTrailingData   = errors.New("data after the table")
	errNestedTooDeep  = errors.New("nested too deeply")
	errNotTableObject = errors.New("the table must be a JSON object")
)

// Rules is a validated routing table, ready to decide. It is immutable and
// safe for concurrent use.
type Rules struct {
	table Table
}

// Version is the table's version, carried by every decision.
func (r *Rules) Version() string { return r.table.Version }

// Table returns a copy of the table, e.g. to show it or write it out.
func (r *Rules) Table() Table {
	t := r.table
	t.Rules = slices.Clone(t.Rules)
	for i := range t.Rules {
		t.Rules[i].When.NAFPrefixes = slices.Clone(t.Rules[i].When.NAFPrefixes)
		t.Rules[i].When.Request = slices.Clone(t.Rules[i].When.Request)
	}
	return t
}

// MarshalJSON writes the table in the format ParseRules reads.
func (r *Rules) MarshalJSON() ([]byte, error) { return json.Marshal(r.table) }

// EmbeddedRules returns the table compiled into the service.
func EmbeddedRules() (*Rules, error) { return embedded() }

// ParseRules decodes and validates a table strictly: unknown or repeated
// keys, unknown chambers or placeholders, duplicate ids, contradictory
// conditions and a missing final catch-all are errors that name the rule.
func ParseRules(data []byte) (*Rules, error) {
	if len(data) > maxTableSize {
		return nil, errTableTooLarge
	}
	if err := checkKeys(data); err != nil {
		return nil, err
	}
	var raw struct {
		Version              string            `json:"version"`
		NAFVersion           string            `json:"naf_version"`
		Description          string            `json:"description"`
		OutOfTerritoryReason string            `json:"out_of_territory_reason"`
		Rules                []json.RawMessage `json:"rules"`
	}
	if err := jsonstrict.Decode(data, &raw); err != nil {
		return nil, err
	}
	t := Table{
		Version: raw.Version, NAFVersion: raw.NAFVersion, Description: raw.Description,
		OutOfTerritoryReason: raw.OutOfTerritoryReason, Rules: make([]Rule, len(raw.Rules)),
	}
	for i, rr := range raw.Rules {
		if err := jsonstrict.Decode(rr, &t.Rules[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", ruleName(i, idOf(rr)), err)
		}
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	return &Rules{table: t}, nil
}

// idOf reads a rule's id leniently, to name the rule in a decoding error.
func idOf(rule json.RawMessage) string {
	var r struct {
		ID any `json:"id"`
	}
	_ = json.Unmarshal(rule, &r)
	id, _ := r.ID.(string)
	return id
}

func ruleName(i int, id string) string {
	if id == "" {
		return fmt.Sprintf("rule %d", i+1)
	}
	return fmt.Sprintf("rule %d (%q)", i+1, id)
}

// checkKeys rejects what encoding/json lets through silently: a key given
// twice in an object (the last would win), data after the table, and a
// document that is not an object.
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	first := true
	var walk func(path string, depth int) error
	walk = func(path string, depth int) error {
		if depth > 8 {
			return fmt.Errorf("%s: %w", path, errNestedTooDeep)
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if first && tok != json.Delim('{') {
			return errNotTableObject
		}
		first = false
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := k.(string)
				if seen[key] {
					return fmt.Errorf("%s: key %q given twice", path, key)
				}
				seen[key] = true
				if err := walk(path+"."+key, depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	if err := walk("table", 0); err != nil {
		var syntax *json.SyntaxError
		switch {
		case errors.As(err, &syntax):
			return fmt.Errorf("byte %d: %w", syntax.Offset, err)
		case errors.Is(err, io.EOF):
			return errors.New("empty document")
		}
		return nameRuleIn(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailingData
	}
	return nil
}

// nameRuleIn rewrites "table.rules[3].then: ..." as "rule 4 ("id"): then: ...".
func nameRuleIn(data []byte, err error) error {
	msg := err.Error()
	rest, ok := strings.CutPrefix(msg, "table.rules[")
	if !ok {
		return err
	}
	var i int
	if _, serr := fmt.Sscanf(rest, "%d]", &i); serr != nil {
		return err
	}
	var t struct {
		Rules []json.RawMessage `json:"rules"`
	}
	id := ""
	if json.Unmarshal(data, &t) == nil && i < len(t.Rules) {
		id = idOf(t.Rules[i])
	}
	rest = rest[strings.IndexByte(rest, ']')+1:]
	rest = strings.TrimPrefix(strings.TrimPrefix(rest, "."), ": ")
	return fmt.Errorf("%s: %s", ruleName(i, id), rest)
}

func (t *Table) validate() error {
	var errs []error
	if strings.TrimSpace(t.Version) == "" || t.Version != strings.TrimSpace(t.Version) || len(t.Version) > 64 {
		errs = append(errs, fmt.Errorf("version %q: want a non-empty name without surrounding spaces, at most 64 bytes", t.Version))
	}
	if t.NAFVersion != refdata.NAFVersion {
		errs = append(errs, fmt.Errorf("naf_version %q: the reference data is %s", t.NAFVersion, refdata.NAFVersion))
	}
	if err := checkTemplate(t.OutOfTerritoryReason); err != nil {
		errs = append(errs, fmt.Errorf("out_of_territory_reason: %w", err))
	}
	if len(t.Rules) == 0 {
		errs = append(errs, errEmptyTable)
	}
	seen := map[string]int{}
	for i, r := range t.Rules {
		name := ruleName(i, r.ID)
		if j, dup := seen[r.ID]; dup && r.ID != "" {
			errs = append(errs, fmt.Errorf("%s: id already used by rule %d", name, j+1))
		}
		seen[r.ID] = i
		if err := r.validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
		last := i == len(t.Rules)-1
		switch catchAll := r.When.isZero(); {
		case catchAll && !last:
			errs = append(errs, fmt.Errorf("%s: has no condition, so the rules after it could never fire", name))
		case !catchAll && last:
			errs = append(errs, fmt.Errorf("%s: %w", name, errNoCatchAll))
		}
	}
	return errors.Join(errs...)
}

func (r Rule) validate() error {
	var errs []error
	if !ruleIDPattern.MatchString(r.ID) {
		errs = append(errs, fmt.Errorf("id %q: want lower-case letters and digits separated by dashes", r.ID))
	}
	errs = append(errs, r.When.validate()...)
	errs = append(errs, r.Then.validate()...)
	return errors.Join(errs...)
}

func (c Conditions) isZero() bool {
	return c.NAFMissing == nil && c.NAFArtisanal == "" && c.NAFPrefixes == nil && c.HeadcountMin == nil &&
		c.HeadcountMax == nil && c.AlreadyRegistered == nil && c.TakeoverOfArtisanFonds == nil &&
		c.Request == nil && c.Sectors == "" && c.FirstSectorLead == ""
}

func (c Conditions) validate() []error {
	errs := c.validateRequest()
	switch c.NAFArtisanal {
	case "", artisanalAlways, artisanalPartly, artisanalNone:
	default:
		errs = append(errs, fmt.Errorf("naf_artisanal %q: want always, partly or none", c.NAFArtisanal))
	}
	if c.NAFPrefixes != nil && len(c.NAFPrefixes) == 0 {
		errs = append(errs, errors.New("naf_prefixes is empty: leave it out to match every code"))
	}
	for i, p := range c.NAFPrefixes {
		if !nafPrefixPattern.MatchString(p) {
			errs = append(errs, fmt.Errorf("naf_prefixes %q: want a NAF prefix such as \"47\", \"69.\", \"47.1\", \"47.11\" or \"47.11F\"", p))
		}
		if slices.Contains(c.NAFPrefixes[:i], p) {
			errs = append(errs, fmt.Errorf("naf_prefixes %q given twice", p))
		}
	}
	if c.NAFMissing != nil && *c.NAFMissing && (c.NAFArtisanal != "" || c.NAFPrefixes != nil) {
		errs = append(errs, errors.New("naf_missing: true contradicts naf_artisanal and naf_prefixes, which need a NAF code"))
	}
	if c.HeadcountMin != nil && *c.HeadcountMin < 0 {
		errs = append(errs, fmt.Errorf("headcount_min %d is negative", *c.HeadcountMin))
	}
	if c.HeadcountMax != nil && *c.HeadcountMax < 0 {
		errs = append(errs, fmt.Errorf("headcount_max %d is negative", *c.HeadcountMax))
	}
	if c.HeadcountMin != nil && c.HeadcountMax != nil && *c.HeadcountMin > *c.HeadcountMax {
		errs = append(errs, fmt.Errorf("headcount_min %d is above headcount_max %d", *c.HeadcountMin, *c.HeadcountMax))
	}
	return errs
}

// validateRequest checks the conditions on the kind of request and on a
// search's sectors.
func (c Conditions) validateRequest() []error {
	var errs []error
	if c.Request != nil && len(c.Request) == 0 {
		errs = append(errs, errors.New("request is empty: leave it out to match every kind"))
	}
	for i, k := range c.Request {
		if !slices.Contains(requestKinds, k) {
			errs = append(errs, fmt.Errorf("request %q: want one of %s", k, strings.Join(requestKinds, ", ")))
		}
		if slices.Contains(c.Request[:i], k) {
			errs = append(errs, fmt.Errorf("request %q given twice", k))
		}
	}
	switch c.Sectors {
	case "", sectorsArtisanal, sectorsCommercial, sectorsMixed, sectorsNone:
	default:
		errs = append(errs, fmt.Errorf("sectors %q: want artisanal, commercial, mixed or none", c.Sectors))
	}
	if c.Sectors != "" && !slices.Equal(c.Request, []string{RequestBuyerSearch}) {
		errs = append(errs, fmt.Errorf("sectors needs request [%q]: only buyer searches have sectors", RequestBuyerSearch))
	}
	switch {
	case c.FirstSectorLead != "" && c.Sectors == "":
		errs = append(errs, errors.New("first_sector_lead needs a sectors condition"))
	case c.FirstSectorLead != "" && c.FirstSectorLead != events.ChamberCCI && c.FirstSectorLead != events.ChamberCMA:
		errs = append(errs, fmt.Errorf("first_sector_lead %q: want %s or %s", c.FirstSectorLead, events.ChamberCCI, events.ChamberCMA))
	}
	return errs
}

// requestKinds are the values of the request condition.
var requestKinds = []string{RequestCreation, RequestTakeoverOffer, RequestBuyerSearch, RequestDifficulty}

func (o Outcome) validate() []error {
	var errs []error
	for _, c := range []struct{ key, v string }{{"lead", o.Lead}, {"secondary", o.Secondary}} {
		if c.v != "" && c.v != events.ChamberCCI && c.v != events.ChamberCMA {
			errs = append(errs, fmt.Errorf("%s %q: want %s, %s or nothing", c.key, c.v, events.ChamberCCI, events.ChamberCMA))
		}
	}
	switch {
	case o.Secondary != "" && o.Lead == "":
		errs = append(errs, errors.New("a secondary chamber needs a lead chamber"))
	case o.Secondary != "" && o.Secondary == o.Lead:
		errs = append(errs, fmt.Errorf("secondary %q is also the lead", o.Secondary))
	}
	switch {
	case o.Lead == "" && strings.TrimSpace(o.TurnTo) == "":
		errs = append(errs, errors.New("neither chamber leads: turn_to must say where to turn"))
	case o.Lead != "" && o.TurnTo != "":
		errs = append(errs, errors.New("turn_to is for rules where neither chamber leads"))
	}
	if err := checkTemplate(o.Reason); err != nil {
		errs = append(errs, fmt.Errorf("reason: %w", err))
	} else if o.TurnTo == "" && strings.Contains(o.Reason, "{turn_to}") {
		errs = append(errs, errors.New("reason uses {turn_to} but turn_to is empty"))
	}
	return errs
}

// checkTemplate accepts a non-empty French sentence whose braces only
// enclose known placeholders.
func checkTemplate(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("empty")
	}
	for rest := s; rest != ""; {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			break
		}
		if rest[open] == '}' {
			return errors.New("'}' without '{'")
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return errors.New("'{' without '}'")
		}
		name := rest[open+1 : open+end]
		if !slices.Contains(placeholders, name) {
			return fmt.Errorf("unknown placeholder {%s}; known: {%s}", name, strings.Join(placeholders, "}, {"))
		}
		rest = rest[open+end+1:]
	}
	return nil
}
