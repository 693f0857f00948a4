package openapicheck

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Decodes checks a Go type that a client decodes (encoding/json) from the
// JSON answer of op ("GET /api/v1/cases/{id}") with status against the
// document's schema of that answer. Every field the type decodes must be
// a property of the schema with a compatible type (string, integer,
// number, boolean, array, object; time.Time a date-time string), nested
// objects and array items alike; a schema with alternatives (oneOf,
// anyOf) must have the property in one of them. Every property the schema
// requires must be decoded, unless ignored names it as a dotted path
// ("routing", "hand_backs.comment"): what the client deliberately leaves
// out, each entry of which must be a property of the schema. So a field
// renamed on either side fails.
func (c *Checker) Decodes(t testing.TB, op string, status int, typ reflect.Type, ignored ...string) {
	t.Helper()
	resp := c.resolve(obj(obj(c.operation(op)["responses"])[strconv.Itoa(status)]))
	var schema map[string]any
	for mt, content := range obj(resp["content"]) {
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			schema = obj(obj(content)["schema"])
		}
	}
	if schema == nil {
		t.Errorf("%s answers %d with no JSON schema in the document", op, status)
		return
	}
	c.DecodesSchema(t, fmt.Sprintf("%s %d", op, status), schema, typ, ignored...)
}

// DecodesSchema is Decodes for a schema given directly (such as
// {"$ref": "#/components/schemas/Problem"}); name prefixes the errors.
func (c *Checker) DecodesSchema(t testing.TB, name string, schema map[string]any, typ reflect.Type, ignored ...string) {
	t.Helper()
	w := &walker{c: c, name: name, ignored: map[string]bool{}, found: map[string]bool{}}
	for _, i := range ignored {
		w.ignored[i] = true
	}
	w.check("", schema, typ)
	for _, i := range ignored {
		if !w.found[i] {
			t.Errorf("%s: %s is ignored, but the schema has no such property", name, i)
		}
	}
	for _, e := range w.errs {
		t.Errorf("%s: %s", name, e)
	}
}

// walker compares a schema with a Go type, collecting the differences.
type walker struct {
	c       *Checker
	name    string
	ignored map[string]bool
	found   map[string]bool // ignored paths met in the schema
	errs    []string
}

var timeType = reflect.TypeFor[time.Time]()

func (w *walker) fail(path, format string, args ...any) {
	if path == "" {
		path = "(the answer)"
	}
	w.errs = append(w.errs, path+": "+fmt.Sprintf(format, args...))
}

func (w *walker) check(path string, schema map[string]any, typ reflect.Type) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	alts := w.c.alternatives(schema)
	switch {
	case typ == timeType:
		if !slices.ContainsFunc(alts, func(s map[string]any) bool { return hasType(s, "string") && s["format"] == "date-time" }) {
			w.fail(path, "decoded as a time, but the schema is not a date-time string")
		}
	case typ.Kind() == reflect.Interface:
	case typ.Kind() == reflect.Struct:
		w.object(path, alts, typ)
	case typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array:
		var items []map[string]any
		for _, s := range alts {
			if hasType(s, "array") {
				items = append(items, obj(s["items"]))
			}
		}
		if len(items) == 0 {
			w.fail(path, "decoded as a list, but the schema is not an array")
			return
		}
		w.check(path, map[string]any{"anyOf": anyList(items)}, typ.Elem())
	case typ.Kind() == reflect.Map:
		if !slices.ContainsFunc(alts, func(s map[string]any) bool { return hasType(s, "object") }) {
			w.fail(path, "decoded as a map, but the schema is not an object")
		}
	default:
		want := map[reflect.Kind][]string{reflect.String: {"string"}, reflect.Bool: {"boolean"}, reflect.Float32: {"number", "integer"},
			reflect.Float64: {"number", "integer"}}[typ.Kind()]
		if typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64 {
			want = []string{"integer"}
		}
		if !slices.ContainsFunc(alts, func(s map[string]any) bool {
			return slices.ContainsFunc(want, func(t string) bool { return hasType(s, t) })
		}) {
			w.fail(path, "decoded as %s, but the schema says %v", typ.Kind(), typesOf(alts))
		}
	}
}

// object compares a struct with the object schemas among alts.
func (w *walker) object(path string, alts []map[string]any, typ reflect.Type) {
	var objects []map[string]any
	for _, s := range alts {
		if hasType(s, "object") {
			objects = append(objects, s)
		}
	}
	if len(objects) == 0 {
		w.fail(path, "decoded as an object, but the schema is not one")
		return
	}
	fields := jsonFields(typ)
	for _, s := range objects {
		for name := range obj(s["properties"]) {
			if w.ignored[join(path, name)] {
				w.found[join(path, name)] = true
			}
		}
	}
	for _, f := range fields {
		var prop map[string]any
		for _, s := range objects {
			if p, ok := obj(s["properties"])[f.name]; ok {
				prop = obj(p)
				break
			}
		}
		if prop == nil {
			w.fail(join(path, f.name), "decoded (Go field %s.%s), but the schema has no such property", typ.Name(), f.goName)
			continue
		}
		w.check(join(path, f.name), prop, f.typ)
	}
	for _, s := range objects {
		for _, r := range list(s["required"]) {
			name, _ := r.(string)
			if !slices.ContainsFunc(fields, func(f field) bool { return f.name == name }) && !w.ignored[join(path, name)] {
				w.fail(join(path, name), "required by the schema, but not decoded by %s", typ.Name())
			}
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// field is a JSON member a struct decodes.
type field struct {
	name, goName string
	typ          reflect.Type
}

// jsonFields lists the members encoding/json decodes into typ: exported
// fields by their tag's name, embedded structs' fields promoted, "-"
// skipped.
func jsonFields(typ reflect.Type) []field {
	var out []field
	for f := range typ.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case tag == "-":
			continue
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			for _, inner := range jsonFields(f.Type) {
				if !slices.ContainsFunc(out, func(o field) bool { return o.name == inner.name }) {
					out = append(out, inner)
				}
			}
			continue
		case !f.IsExported():
			continue
		case name == "":
			name = f.Name
		}
		// An outer field hides a promoted one of the same name.
		out = slices.DeleteFunc(out, func(o field) bool { return o.name == name })
		out = append(out, field{name: name, goName: f.Name, typ: f.Type})
	}
	return out
}

// alternatives resolves schema's references and returns the schemas a
// value may match: the branches of oneOf or anyOf (recursively), each
// with the properties of allOf merged in.
func (c *Checker) alternatives(schema map[string]any) []map[string]any {
	s := c.merged(schema)
	var branches []any
	branches = append(branches, list(s["oneOf"])...)
	branches = append(branches, list(s["anyOf"])...)
	if len(branches) == 0 {
		return []map[string]any{s}
	}
	var out []map[string]any
	for _, b := range branches {
		// A branch inherits the keywords beside oneOf (such as type).
		inner := map[string]any{}
		for k, v := range s {
			if k != "oneOf" && k != "anyOf" {
				inner[k] = v
			}
		}
		inner["allOf"] = []any{b}
		out = append(out, c.alternatives(inner)...)
	}
	return out
}

// merged resolves $ref and folds allOf into one schema.
func (c *Checker) merged(schema map[string]any) map[string]any {
	s := c.resolve(schema)
	all := list(s["allOf"])
	if len(all) == 0 {
		return s
	}
	out := map[string]any{}
	props := map[string]any{}
	var required []any
	add := func(p map[string]any) {
		for k, v := range p {
			switch k {
			case "allOf":
			case "properties":
				for name, prop := range obj(v) {
					props[name] = prop
				}
			case "required":
				required = append(required, list(v)...)
			default:
				out[k] = v
			}
		}
	}
	add(s)
	for _, part := range all {
		add(c.merged(obj(part)))
	}
	if len(props) > 0 {
		out["properties"] = props
	}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// resolve follows local references (#/components/...).
func (c *Checker) resolve(schema map[string]any) map[string]any {
	for range 32 {
		ref, ok := schema["$ref"].(string)
		if !ok {
			return schema
		}
		var cur any = c.raw
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = obj(cur)[strings.NewReplacer("~1", "/", "~0", "~").Replace(part)]
		}
		schema = obj(cur)
	}
	return schema
}

// typesOf lists the JSON types the schemas allow.
func typesOf(schemas []map[string]any) []string {
	var out []string
	for _, s := range schemas {
		out = append(out, types(s)...)
	}
	return out
}

// hasType tells whether the schema allows the JSON type t. A schema
// without "type" allows what its const or enum values are, or what its
// keywords describe (properties: object; items: array).
func hasType(s map[string]any, t string) bool { return slices.Contains(types(s), t) }

func types(s map[string]any) []string {
	switch v := s["type"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	var values []any
	if v, ok := s["const"]; ok {
		values = append(values, v)
	}
	values = append(values, list(s["enum"])...)
	var out []string
	for _, v := range values {
		switch v.(type) {
		case string:
			out = append(out, "string")
		case bool:
			out = append(out, "boolean")
		case float64:
			out = append(out, "number")
		}
	}
	if s["properties"] != nil {
		out = append(out, "object")
	}
	if s["items"] != nil {
		out = append(out, "array")
	}
	return out
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func anyList(ms []map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}
