package events_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/ccicma/platform/pkg/events"
)

var update = flag.Bool("update", false, "rewrite the generated files in schemas/")

var (
	genOnce sync.Once
	genOut  generated
	genErr  error
)

// generatedFiles runs the generator once per test binary.
func generatedFiles(t *testing.T) generated {
	t.Helper()
	genOnce.Do(func() { genOut, genErr = generate() })
	if genErr != nil {
		t.Fatalf("generate: %v", genErr)
	}
	return genOut
}

// TestGeneratedFilesUpToDate: the committed schemas/ are exactly what the
// generator produces from the Go types; -update rewrites them.
func TestGeneratedFilesUpToDate(t *testing.T) {
	files := generatedFiles(t)
	committed := map[string]bool{}
	entries, err := os.ReadDir(schemaDir)
	if err != nil && !(*update && os.IsNotExist(err)) {
		t.Fatalf("read %s: %v", schemaDir, err)
	}
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".json") || e.Name() == asyncAPIFile) {
			committed[e.Name()] = true
		}
	}
	if *update {
		if err := os.MkdirAll(schemaDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(schemaDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for name := range committed {
			if _, ok := files[name]; !ok {
				if err := os.Remove(filepath.Join(schemaDir, name)); err != nil {
					t.Fatal(err)
				}
			}
		}
		return
	}
	for _, name := range sortedKeys(files) {
		got, err := os.ReadFile(filepath.Join(schemaDir, name))
		if err != nil {
			t.Errorf("%s/%s is missing; run `%s`", schemaDir, name, regenerateCmd)
			continue
		}
		if !bytes.Equal(got, files[name]) {
			t.Errorf("%s/%s is stale (%s); run `%s`", schemaDir, name, firstDiff(got, files[name]), regenerateCmd)
		}
	}
	for name := range committed {
		if _, ok := files[name]; !ok {
			t.Errorf("%s/%s is no longer generated (type removed from events.Registry?); run `%s`", schemaDir, name, regenerateCmd)
		}
	}
}

func firstDiff(committed, generated []byte) string {
	a, b := strings.Split(string(committed), "\n"), strings.Split(string(generated), "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var la, lb string
		if i < len(a) {
			la = a[i]
		}
		if i < len(b) {
			lb = b[i]
		}
		if la != lb {
			return fmt.Sprintf("line %d: committed %q, generated %q", i+1, la, lb)
		}
	}
	return "same lines"
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TestRegistryComplete: every exported type of package events that
// implements Payload (by value or pointer, directly or by embedding) is in
// events.Registry, once, and nothing else is.
func TestRegistryComplete(t *testing.T) {
	fset := token.NewFileSet()
	var files []*ast.File
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", p, err)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check(eventsPkgPath, fset, files, nil)
	if err != nil {
		t.Fatalf("type-check package events: %v", err)
	}
	iface, ok := pkg.Scope().Lookup("Payload").Type().Underlying().(*types.Interface)
	if !ok {
		t.Fatal("events.Payload is not an interface")
	}
	var implementers []string
	for _, name := range pkg.Scope().Names() {
		tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok || !tn.Exported() || types.IsInterface(tn.Type()) {
			continue
		}
		if types.Implements(tn.Type(), iface) || types.Implements(types.NewPointer(tn.Type()), iface) {
			implementers = append(implementers, name)
		}
	}
	if !slices.Contains(implementers, "CreationSubmitted") {
		t.Fatalf("the scan found %v, not even CreationSubmitted: the scan is broken", implementers)
	}

	registered := map[string]bool{}
	typeOwner := map[string]string{}
	for _, p := range events.Registry() {
		rt := payloadType(p)
		if rt.PkgPath() != eventsPkgPath {
			t.Errorf("Registry holds %s, which is not a type of package events", rt)
			continue
		}
		if registered[rt.Name()] {
			t.Errorf("Registry holds %s twice", rt.Name())
		}
		registered[rt.Name()] = true
		typ := p.EventName().Type()
		if other, dup := typeOwner[typ]; dup {
			t.Errorf("%s and %s both claim ce-type %s", other, rt.Name(), typ)
		}
		typeOwner[typ] = rt.Name()
	}
	for _, name := range implementers {
		if !registered[name] {
			t.Errorf("events.%s implements Payload but is missing from events.Registry (registry.go)", name)
		}
		delete(registered, name)
	}
	for name := range registered {
		t.Errorf("events.Registry holds %s, which the scan did not find implementing Payload", name)
	}
}

// schemaSet compiles the generated payload schemas and the AsyncAPI
// document's header schemas with a real JSON Schema validator. Formats
// (uuid, date-time) are asserted, not just annotations.
type schemaSet struct {
	payload map[string]*jsonschema.Schema // by ce-type
	headers map[string]*jsonschema.Schema // by AsyncAPI message id
	doc     map[string]any                // the AsyncAPI document as JSON values
}

var (
	schemasOnce sync.Once
	schemasVal  *schemaSet
	schemasErr  error
)

func compiledSchemas(t *testing.T) *schemaSet {
	t.Helper()
	files := generatedFiles(t)
	schemasOnce.Do(func() { schemasVal, schemasErr = compileSchemas(files) })
	if schemasErr != nil {
		t.Fatal(schemasErr)
	}
	return schemasVal
}

func compileSchemas(files generated) (*schemaSet, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	set := &schemaSet{payload: map[string]*jsonschema.Schema{}, headers: map[string]*jsonschema.Schema{}}
	for _, p := range events.Registry() {
		typ := p.EventName().Type()
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(files[typ+".json"]))
		if err != nil {
			return nil, fmt.Errorf("%s.json: %w", typ, err)
		}
		if err := c.AddResource(schemaBaseURI+typ+".json", doc); err != nil {
			return nil, fmt.Errorf("%s.json: %w", typ, err)
		}
	}
	var y any
	if err := yaml.Unmarshal(files[asyncAPIFile], &y); err != nil {
		return nil, fmt.Errorf("%s is not YAML: %w", asyncAPIFile, err)
	}
	j, err := json.Marshal(y)
	if err != nil {
		return nil, fmt.Errorf("%s as JSON: %w", asyncAPIFile, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return nil, err
	}
	set.doc = doc.(map[string]any)
	const docURL = "file:///asyncapi.json"
	if err := c.AddResource(docURL, doc); err != nil {
		return nil, err
	}
	for _, p := range events.Registry() {
		typ := p.EventName().Type()
		s, err := c.Compile(schemaBaseURI + typ + ".json")
		if err != nil {
			return nil, fmt.Errorf("compile %s.json: %w", typ, err)
		}
		set.payload[typ] = s
	}
	msgs, _ := lookup(set.doc, "components", "messages").(map[string]any)
	for id := range msgs {
		s, err := c.Compile(docURL + "#/components/messages/" + id + "/headers")
		if err != nil {
			return nil, fmt.Errorf("compile headers of message %s: %w", id, err)
		}
		set.headers[id] = s
	}
	return set, nil
}

// lookup follows keys through nested JSON objects; nil when absent.
func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func toJSONValue(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	return v
}

func headerValues(h map[string][]string) map[string]any {
	out := map[string]any{}
	for k, v := range h {
		out[k] = v[0]
	}
	return out
}

// TestExamplesRoundTripAndValidate: each example is a valid payload
// (Validate), travels through events.New, the NATS headers and FromMessage
// and Decode unchanged, and its body and headers validate against the
// published schemas. Together a type's examples set every property.
func TestExamplesRoundTripAndValidate(t *testing.T) {
	set := compiledSchemas(t)
	byType := examplesByType()
	for _, p := range registered() {
		typ := p.EventName().Type()
		exs := byType[typ]
		if len(exs) == 0 {
			t.Errorf("%s has no example in schemaexamples_test.go", typ)
			continue
		}
		id, ok := publisher(p)
		if !ok {
			t.Errorf("%s: no service owns producer %q or writes it as its emitter", typ, p.EventName().Producer)
			continue
		}
		covered := map[string]bool{}
		for _, ex := range exs {
			t.Run(typ+"/"+ex.name, func(t *testing.T) {
				// Validate has a pointer receiver: call it on a copy.
				pv := reflect.New(payloadType(ex.payload))
				pv.Elem().Set(reflect.Indirect(reflect.ValueOf(ex.payload)))
				if v, ok := pv.Interface().(interface{ Validate() error }); ok {
					if err := v.Validate(); err != nil {
						t.Fatalf("example is not a valid payload: %v", err)
					}
				}
				ev, err := ex.event(id.Service)
				if err != nil {
					t.Fatal(err)
				}
				if err := set.payload[typ].Validate(toJSONValue(t, ev.Data)); err != nil {
					t.Errorf("payload %s does not validate: %v", ev.Data, err)
				}
				if err := set.headers[typ].Validate(headerValues(ev.Headers())); err != nil {
					t.Errorf("headers %v do not validate: %v", ev.Headers(), err)
				}
				h := ev.Headers()
				h["traceparent"] = []string{traceparentExample}
				if err := set.headers[typ].Validate(headerValues(h)); err != nil {
					t.Errorf("headers with trace context do not validate: %v", err)
				}
				if want := strings.Replace(channelAddress(p.EventName()), "{"+departementParamID+"}", ex.territory, 1); ev.Topic != want {
					t.Errorf("subject %q, want %q", ev.Topic, want)
				}

				got, err := events.FromMessage(ev.Topic, ev.Headers(), ev.Data)
				if err != nil {
					t.Fatalf("FromMessage: %v", err)
				}
				decoded, err := ex.decode(got)
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if !reflect.DeepEqual(decoded, ex.payload) {
					t.Errorf("round trip changed the payload:\n got %#v\nwant %#v", decoded, ex.payload)
				}

				var obj map[string]any
				if err := json.Unmarshal(ev.Data, &obj); err != nil {
					t.Fatal(err)
				}
				for _, path := range leafPaths(obj, "") {
					covered[path] = true
				}
			})
		}
		schema := schemaJSON(t, typ)
		for _, path := range propertyPaths(schema, schema, "") {
			if !covered[path] {
				t.Errorf("%s: no example sets %s; add one so that the field is exercised", typ, path)
			}
		}
	}
}

// leafPaths lists the property paths set in a JSON object ("routing.rule_id").
func leafPaths(obj map[string]any, prefix string) []string {
	var out []string
	for k, v := range obj {
		if v == nil {
			continue
		}
		out = append(out, prefix+k)
		if m, ok := v.(map[string]any); ok {
			out = append(out, leafPaths(m, prefix+k+".")...)
		}
	}
	return out
}

// propertyPaths lists the property paths of a generated schema, following
// $refs into $defs.
func propertyPaths(root, s map[string]any, prefix string) []string {
	var out []string
	ps, _ := s["properties"].(map[string]any)
	for name, p := range ps {
		out = append(out, prefix+name)
		if sub := resolveLocal(root, p.(map[string]any)); sub != nil {
			out = append(out, propertyPaths(root, sub, prefix+name+".")...)
		}
	}
	return out
}

// resolveLocal returns the object schema a property refers to through
// "#/$defs/...", or nil.
func resolveLocal(root, p map[string]any) map[string]any {
	ref, _ := p["$ref"].(string)
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		return nil
	}
	def, _ := lookup(root, "$defs", name).(map[string]any)
	return def
}

func schemaJSON(t *testing.T, typ string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(generatedFiles(t)[typ+".json"], &m); err != nil {
		t.Fatalf("%s.json: %v", typ, err)
	}
	return m
}

// goField describes a payload field as encoding/json writes it.
type goField struct {
	required bool // no omitempty: always written
	nullable bool // a slice or map written as null when nil
}

// goFields maps each JSON property path of a payload type to its Go field,
// from the struct tags alone, independently of the generator.
func goFields(t reflect.Type, prefix string, out map[string]goField) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, omit := jsonName(f)
		if name == "" {
			continue
		}
		ft := f.Type
		gf := goField{required: !omit, nullable: !omit && (ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map)}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
			goFields(ft, prefix+name+".", out)
		}
		out[prefix+name] = gf
	}
}

// TestSchemasRejectInvalidPayloads: taking each example apart, a missing
// field fails validation exactly when its Go field has no omitempty, a value
// of the wrong JSON type always fails, and an unknown field passes (readers
// are tolerant within a version).
func TestSchemasRejectInvalidPayloads(t *testing.T) {
	set := compiledSchemas(t)
	for _, ex := range payloadExamples() {
		typ := ex.payload.EventName().Type()
		fields := map[string]goField{}
		goFields(payloadType(ex.payload), "", fields)
		body, err := json.Marshal(ex.payload)
		if err != nil {
			t.Fatal(err)
		}
		schema := set.payload[typ]
		validate := func(mutate func(map[string]any)) error {
			var obj map[string]any
			if err := json.Unmarshal(body, &obj); err != nil {
				t.Fatal(err)
			}
			mutate(obj)
			b, err := json.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			return schema.Validate(toJSONValue(t, b))
		}
		t.Run(typ+"/"+ex.name, func(t *testing.T) {
			if err := validate(func(map[string]any) {}); err != nil {
				t.Fatalf("example does not validate: %v", err)
			}
			if err := validate(func(o map[string]any) { o["added_in_a_later_release"] = "x" }); err != nil {
				t.Errorf("an unknown property is rejected, but readers must tolerate additions: %v", err)
			}
			for _, path := range sortedKeys(fields) {
				f := fields[path]
				parent, key := splitPath(path)
				present := func(o map[string]any) (map[string]any, bool) {
					m, ok := lookupPath(o, parent)
					if !ok {
						return nil, false
					}
					_, ok = m[key]
					return m, ok
				}
				var probe map[string]any
				_ = json.Unmarshal(body, &probe)
				if _, ok := present(probe); !ok {
					continue // not set in this example
				}
				err := validate(func(o map[string]any) {
					m, _ := present(o)
					delete(m, key)
				})
				switch {
				case f.required && err == nil:
					t.Errorf("without %s (no omitempty) the payload still validates", path)
				case !f.required && err != nil:
					t.Errorf("without %s (omitempty) the payload is rejected: %v", path, err)
				}
				m, _ := lookupPath(probe, parent)
				if err := validate(func(o map[string]any) {
					m2, _ := present(o)
					m2[key] = wrongKind(m[key])
				}); err == nil {
					t.Errorf("%s = %#v (wrong type) validates", path, wrongKind(m[key]))
				}
				err = validate(func(o map[string]any) {
					m2, _ := present(o)
					m2[key] = nil
				})
				switch {
				case f.nullable && err != nil:
					t.Errorf("%s = null (a nil Go slice or map) is rejected: %v", path, err)
				case !f.nullable && err == nil:
					t.Errorf("%s = null validates", path)
				}
			}
		})
	}
	t.Run("bad formats", func(t *testing.T) {
		const typ = "intake.creation.submitted.v1"
		var obj map[string]any
		b, _ := json.Marshal(examplesByType()[typ][0].payload)
		_ = json.Unmarshal(b, &obj)
		obj["submitted_at"] = "yesterday"
		b, _ = json.Marshal(obj)
		if err := set.payload[typ].Validate(toJSONValue(t, b)); err == nil {
			t.Error(`submitted_at = "yesterday" validates: date-time is not asserted`)
		}
	})
}

func splitPath(path string) (parent []string, key string) {
	parts := strings.Split(path, ".")
	return parts[:len(parts)-1], parts[len(parts)-1]
}

func lookupPath(o map[string]any, keys []string) (map[string]any, bool) {
	for _, k := range keys {
		m, ok := o[k].(map[string]any)
		if !ok {
			return nil, false
		}
		o = m
	}
	return o, true
}

// wrongKind returns a JSON value of another type than v.
func wrongKind(v any) any {
	switch v.(type) {
	case string:
		return 42
	case float64, json.Number:
		return "42"
	case bool:
		return "true"
	case []any:
		return "a,b"
	case map[string]any:
		return []any{"x"}
	default:
		return map[string]any{}
	}
}

// TestSchemasNameTypesAndDocumentEveryField: each schema's $id and title
// name its ce-type, and the type and every property, nested ones included,
// carry the doc comment of its Go declaration.
func TestSchemasNameTypesAndDocumentEveryField(t *testing.T) {
	for _, p := range registered() {
		typ := p.EventName().Type()
		s := schemaJSON(t, typ)
		if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema %v, want draft 2020-12", typ, s["$schema"])
		}
		if id, _ := s["$id"].(string); id != schemaBaseURI+typ+".json" {
			t.Errorf("%s: $id %q does not name the ce-type", typ, id)
		}
		if s["title"] != typ {
			t.Errorf("%s: title %v, want the ce-type", typ, s["title"])
		}
		if d, _ := s["description"].(string); !strings.Contains(d, typ) {
			t.Errorf("%s: description %q is not the type's doc comment (which names the ce-type)", typ, d)
		}
		check := func(where string, obj map[string]any) {
			if d, _ := obj["description"].(string); strings.TrimSpace(d) == "" {
				t.Errorf("%s: %s has no description: document it in the producer's file", typ, where)
			}
			ps, _ := obj["properties"].(map[string]any)
			for name, prop := range ps {
				if d, _ := prop.(map[string]any)["description"].(string); strings.TrimSpace(d) == "" {
					t.Errorf("%s: property %s of %s has no description: give the Go field a doc comment", typ, name, where)
				}
			}
		}
		check("the payload", s)
		defs, _ := s["$defs"].(map[string]any)
		for name, def := range defs {
			check("$defs/"+name, def.(map[string]any))
		}
		if len(propertyPaths(s, s, "")) == 0 {
			t.Errorf("%s: no properties", typ)
		}
	}
}

// TestFieldDocFallbacksStillNeeded keeps fieldDocFallback honest: each entry
// names a real field that still lacks its own doc comment.
func TestFieldDocFallbacksStillNeeded(t *testing.T) {
	comments, err := goComments()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]reflect.Type{}
	for _, p := range events.Registry() {
		byName[payloadType(p).Name()] = payloadType(p)
	}
	for key := range fieldDocFallback {
		typeName, field, _ := strings.Cut(key, ".")
		rt, ok := byName[typeName]
		if !ok {
			t.Errorf("fieldDocFallback %s: %s is not a registered payload type", key, typeName)
			continue
		}
		if _, ok := rt.FieldByName(field); !ok {
			t.Errorf("fieldDocFallback %s: %s has no field %s", key, typeName, field)
			continue
		}
		if c := comments[eventsPkgPath+"."+key]; c != "" {
			t.Errorf("fieldDocFallback %s: the field is now documented (%q); delete the fallback", key, c)
		}
	}
}

// TestAsyncAPIDocument: asyncapi.yaml is YAML, AsyncAPI 3.0, and describes
// every registered type: a channel with the territory parameter, a message
// with the CloudEvents headers and its payload schema file, the service
// that sends it; plus the dead-letter channels. Every local $ref resolves,
// every channel parameter is declared, and every example validates.
func TestAsyncAPIDocument(t *testing.T) {
	set := compiledSchemas(t)
	raw := generatedFiles(t)[asyncAPIFile]
	var node yaml.Node
	if err := yaml.Unmarshal(raw, &node); err != nil {
		t.Fatalf("%s is not valid YAML: %v", asyncAPIFile, err)
	}
	doc := set.doc
	if doc["asyncapi"] != "3.0.0" {
		t.Fatalf("asyncapi: %v, want 3.0.0", doc["asyncapi"])
	}
	for _, k := range []string{"title", "version"} {
		if s, _ := lookup(doc, "info", k).(string); s == "" {
			t.Errorf("info.%s is required", k)
		}
	}

	// Every local $ref resolves.
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				checkRef(t, doc, path, ref)
			}
			for k, c := range v {
				walk(path+"/"+k, c)
			}
		case []any:
			for i, c := range v {
				walk(fmt.Sprintf("%s/%d", path, i), c)
			}
		}
	}
	walk("", doc)

	// Every parameter of an address is declared, and only those.
	param := regexp.MustCompile(`\{([^}]+)\}`)
	channels, _ := doc["channels"].(map[string]any)
	for id, c := range channels {
		addr, _ := lookup(c, "address").(string)
		var inAddr []string
		for _, m := range param.FindAllStringSubmatch(addr, -1) {
			inAddr = append(inAddr, m[1])
		}
		declared, _ := lookup(c, "parameters").(map[string]any)
		if got := sortedKeys(declared); !slices.Equal(got, sorted(inAddr)) {
			t.Errorf("channel %s: address %q has parameters %v, declared %v", id, addr, inAddr, got)
		}
	}

	for _, p := range registered() {
		n := p.EventName()
		typ := n.Type()
		id, ok := publisher(p)
		if !ok {
			t.Errorf("%s: no owning or writing service", typ)
			continue
		}
		if !bytes.Contains(raw, []byte(typ)) {
			t.Errorf("%s does not appear in %s", typ, asyncAPIFile)
		}
		ch := channelID(n)
		if addr := lookup(doc, "channels", ch, "address"); addr != n.Producer+"."+n.Aggregate+"."+n.Verb+".{departement}" {
			t.Errorf("%s: channel address %v", typ, addr)
		}
		if ref := lookup(doc, "channels", ch, "messages", typ, "$ref"); ref != "#/components/messages/"+typ {
			t.Errorf("%s: channel %s does not carry the message (%v)", typ, ch, ref)
		}
		msg := lookup(doc, "components", "messages", typ)
		if msg == nil {
			t.Errorf("%s: no message in components", typ)
			continue
		}
		if f := lookup(msg, "payload", "schemaFormat"); f != payloadSchemaFormat {
			t.Errorf("%s: payload schemaFormat %v", typ, f)
		}
		file, _ := lookup(msg, "payload", "schema", "$ref").(string)
		if file != "./"+typ+".json" {
			t.Errorf("%s: payload refers to %q", typ, file)
		} else if _, err := fs.Stat(os.DirFS(schemaDir), strings.TrimPrefix(file, "./")); err != nil && !*update {
			t.Errorf("%s: payload schema file: %v", typ, err)
		}
		if ref := lookup(msg, "headers", "allOf"); ref == nil {
			t.Errorf("%s: headers do not use the CloudEvents headers schema", typ)
		}
		// The sending operation is the owning service's.
		op := lookup(doc, "operations", id.Service+".publishes."+ch)
		if lookup(op, "action") != "send" || lookup(op, "channel", "$ref") != "#/channels/"+ch {
			t.Errorf("%s: no send operation of %s on channel %s", typ, id.Service, ch)
		}
		found := false
		for _, m := range asSlice(lookup(op, "messages")) {
			found = found || lookup(m, "$ref") == "#/channels/"+ch+"/messages/"+typ
		}
		if !found {
			t.Errorf("%s: operation of %s does not list the message", typ, id.Service)
		}
		// Its examples validate.
		exs := asSlice(lookup(msg, "examples"))
		if len(exs) == 0 {
			t.Errorf("%s: message has no example", typ)
		}
		for _, ex := range exs {
			if err := set.headers[typ].Validate(lookup(ex, "headers")); err != nil {
				t.Errorf("%s: example %v headers: %v", typ, lookup(ex, "name"), err)
			}
			if err := set.payload[typ].Validate(lookup(ex, "payload")); err != nil {
				t.Errorf("%s: example %v payload: %v", typ, lookup(ex, "name"), err)
			}
		}
	}

	// A header set with the wrong ce-type, or none, is rejected.
	ex := payloadExamples()[0]
	ev, err := ex.event("intake")
	if err != nil {
		t.Fatal(err)
	}
	h := headerValues(ev.Headers())
	h[events.HeaderType] = "intake.creation.submitted.v2"
	if err := set.headers["intake.creation.submitted.v1"].Validate(h); err == nil {
		t.Error("headers with another ce-type validate")
	}
	h = headerValues(ev.Headers())
	delete(h, events.HeaderID)
	if err := set.headers["intake.creation.submitted.v1"].Validate(h); err == nil {
		t.Error("headers without ce-id validate")
	}
	h = headerValues(ev.Headers())
	h[events.HeaderID] = "0195a1b2-3c4d-4e5f-8a6b-7c8d9e0f1a2b" // UUIDv4
	if err := set.headers["intake.creation.submitted.v1"].Validate(h); err == nil {
		t.Error("headers with a non-v7 ce-id validate")
	}

	// Dead letters: the stream's two kinds of subjects, and every consuming
	// service sends its own.
	if a := lookup(doc, "channels", deadLetterChannelID, "address"); a != events.DeadLetterPrefix+".{consumer}.{subject}" {
		t.Errorf("dead-letter channel address %v", a)
	}
	if a := lookup(doc, "channels", maxDeliverChannelID, "address"); a != events.MaxDeliveriesAdv+".{stream}.{consumer}" {
		t.Errorf("max-deliveries channel address %v", a)
	}
	for _, s := range consumers() {
		if lookup(doc, "operations", s+".deadletters", "action") != "send" {
			t.Errorf("no dead-letter operation for consumer %s", s)
		}
	}
	if !strings.Contains(string(raw), events.DeadLetterStream) {
		t.Errorf("%s does not name the %s stream", asyncAPIFile, events.DeadLetterStream)
	}
}

func checkRef(t *testing.T, doc map[string]any, at, ref string) {
	t.Helper()
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		if !strings.HasPrefix(ref, "./") {
			t.Errorf("%s: $ref %q is neither local nor a sibling file", at, ref)
		}
		return
	}
	var v any = doc
	for _, tok := range strings.Split(ptr, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: $ref %q does not resolve", at, ref)
			return
		}
		if v, ok = m[tok]; !ok {
			t.Errorf("%s: $ref %q does not resolve", at, ref)
			return
		}
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}
