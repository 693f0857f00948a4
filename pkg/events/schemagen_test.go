package events_test

// The generator of the published event contract: one JSON Schema (draft
// 2020-12) per registered payload type and an AsyncAPI 3.0 document, written
// to schemas/. It lives in test code so that services importing package
// events never link the schema libraries; TestGeneratedFilesUpToDate compares
// its output with the committed files and rewrites them with -update.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/doc"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
	"gopkg.in/yaml.v3"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
)

const (
	eventsPkgPath = "github.com/ccicma/platform/pkg/events"
	schemaDir     = "schemas"
	asyncAPIFile  = "asyncapi.yaml"
	// schemaBaseURI + ce-type + ".json" is each payload schema's $id; it
	// mirrors where the file lives in the repository.
	schemaBaseURI = "https://github.com/ccicma/platform/pkg/events/schemas/"
	// payloadSchemaFormat is the AsyncAPI schemaFormat of the payload schemas.
	payloadSchemaFormat = "application/schema+json;version=draft-2020-12"
	regenerateCmd       = "go test ./pkg/events -run TestGeneratedFilesUpToDate -update"
	headersSchemaID     = "CloudEventsHeaders"
	deadLetterChannelID = "deadletter"
	maxDeliverChannelID = "deadletter.advisory.max_deliveries"
	departementParamID  = "departement"
)

// fieldDocFallback describes payload fields whose declaration has no doc
// comment of its own (a comment on the line before another field does not
// cover it), keyed "Type.Field". It only ever shrinks:
// TestFieldDocFallbacksStillNeeded fails once a field gets its own comment,
// so the comment in the producer's file stays the one source of the text.
var fieldDocFallback = map[string]string{}

// goComments returns the doc comments of package events, keyed
// "<import path>.Type" and "<import path>.Type.Field", whitespace normalised.
// The test binary runs in the package directory, so "." is its source.
func goComments() (map[string]string, error) {
	r := &jsonschema.Reflector{}
	if err := r.AddGoComments(eventsPkgPath, ".", jsonschema.WithFullComment()); err != nil {
		return nil, fmt.Errorf("read doc comments: %w", err)
	}
	for k, v := range r.CommentMap {
		r.CommentMap[k] = normalizeDoc(v)
	}
	return r.CommentMap, nil
}

// normalizeDoc joins the wrapped lines of each paragraph of a doc comment.
func normalizeDoc(s string) string {
	paras := strings.Split(strings.TrimSpace(s), "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}

// generated is the whole output of the generator: file name (relative to
// schemas/) to content.
type generated map[string][]byte

func generate() (generated, error) {
	comments, err := goComments()
	if err != nil {
		return nil, err
	}
	merged := make(map[string]string, len(comments)+len(fieldDocFallback))
	for k, v := range comments {
		merged[k] = v
	}
	for k, v := range fieldDocFallback {
		if _, ok := merged[eventsPkgPath+"."+k]; !ok {
			merged[eventsPkgPath+"."+k] = v
		}
	}
	out := generated{}
	for _, p := range registered() {
		s := payloadSchema(merged, p)
		b, err := marshalJSON(s)
		if err != nil {
			return nil, fmt.Errorf("%s schema: %w", p.EventName().Type(), err)
		}
		out[p.EventName().Type()+".json"] = b
	}
	doc, err := asyncAPI(merged)
	if err != nil {
		return nil, err
	}
	b, err := marshalYAML(doc)
	if err != nil {
		return nil, fmt.Errorf("asyncapi: %w", err)
	}
	out[asyncAPIFile] = b
	return out, nil
}

// registered is events.Registry() in ce-type order, so output is stable.
func registered() []events.Payload {
	ps := events.Registry()
	slices.SortFunc(ps, func(a, b events.Payload) int {
		return strings.Compare(a.EventName().Type(), b.EventName().Type())
	})
	return ps
}

func payloadType(p events.Payload) reflect.Type {
	t := reflect.TypeOf(p)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// payloadSchema reflects a payload type: properties named by the json tags,
// required = the fields without omitempty, descriptions = the doc comments.
// Additional properties stay allowed: readers are tolerant, a version may
// gain fields.
func payloadSchema(comments map[string]string, p events.Payload) *jsonschema.Schema {
	r := &jsonschema.Reflector{
		ExpandedStruct:            true,
		AllowAdditionalProperties: true,
		CommentMap:                comments,
	}
	t := payloadType(p)
	s := r.ReflectFromType(t)
	typ := p.EventName().Type()
	s.ID = jsonschema.ID(schemaBaseURI + typ + ".json")
	s.Title = typ
	s.Comments = fmt.Sprintf("Generated from the Go type events.%s by `%s`; do not edit.", t.Name(), regenerateCmd)
	allowNullCollections(s, s, t)
	return s
}

// allowNullCollections lets a slice or map field without omitempty be null:
// that is how encoding/json writes a nil one, and Go readers take it as
// empty. It walks nested structs through $defs.
func allowNullCollections(root, s *jsonschema.Schema, t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, omitempty := jsonName(f)
		if name == "" {
			continue
		}
		prop, ok := s.Properties.Get(name)
		if !ok {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case (ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map) && !omitempty && prop.Type != "":
			prop.Extras = map[string]any{"type": []string{prop.Type, "null"}}
			prop.Type = ""
		case ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]():
			if def, ok := root.Definitions[ft.Name()]; ok {
				allowNullCollections(root, def, ft)
			}
		}
	}
}

// jsonName returns a field's JSON property name ("" when not encoded) and
// whether it is omitted when empty.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag, ok := f.Tag.Lookup("json")
	if !ok {
		return f.Name, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "-" && opts == "" {
		return "", false
	}
	if name == "" {
		name = f.Name
	}
	omit := false
	for o := range strings.SplitSeq(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			omit = true
		}
	}
	return name, omit
}

func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// marshalYAML renders v through its JSON form, so that struct field order and
// the schemas' property order carry over to the YAML document.
func marshalYAML(v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(j, &n); err != nil {
		return nil, err
	}
	var plain func(*yaml.Node)
	plain = func(n *yaml.Node) {
		n.Style = 0 // block style, quotes only where YAML needs them
		for _, c := range n.Content {
			plain(c)
		}
	}
	plain(&n)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// AsyncAPI 3.0 document model: only the fields this document uses.
type (
	apiDoc struct {
		AsyncAPI           string                  `json:"asyncapi"`
		Info               apiInfo                 `json:"info"`
		DefaultContentType string                  `json:"defaultContentType"`
		Servers            map[string]apiServer    `json:"servers"`
		Channels           map[string]apiChannel   `json:"channels"`
		Operations         map[string]apiOperation `json:"operations"`
		Components         apiComponents           `json:"components"`
	}
	apiInfo struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description"`
	}
	apiServer struct {
		Host        string `json:"host"`
		Protocol    string `json:"protocol"`
		Description string `json:"description"`
	}
	apiRef struct {
		Ref string `json:"$ref"`
	}
	apiTag struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
	}
	apiChannel struct {
		Address     string            `json:"address"`
		Title       string            `json:"title"`
		Description string            `json:"description"`
		Parameters  map[string]apiRef `json:"parameters,omitempty"`
		Messages    map[string]apiRef `json:"messages"`
	}
	apiOperation struct {
		Action      string   `json:"action"`
		Channel     apiRef   `json:"channel"`
		Title       string   `json:"title"`
		Description string   `json:"description"`
		Messages    []apiRef `json:"messages"`
		Tags        []apiTag `json:"tags"`
	}
	apiComponents struct {
		Schemas    map[string]*jsonschema.Schema `json:"schemas"`
		Messages   map[string]apiMessage         `json:"messages"`
		Parameters map[string]apiParameter       `json:"parameters"`
	}
	apiMessage struct {
		Name        string              `json:"name"`
		Title       string              `json:"title"`
		Summary     string              `json:"summary"`
		Description string              `json:"description"`
		ContentType string              `json:"contentType,omitempty"`
		Headers     *jsonschema.Schema  `json:"headers"`
		Payload     any                 `json:"payload"`
		Tags        []apiTag            `json:"tags,omitempty"`
		Examples    []apiMessageExample `json:"examples,omitempty"`
	}
	apiMultiFormatSchema struct {
		SchemaFormat string `json:"schemaFormat"`
		Schema       apiRef `json:"schema"`
	}
	apiMessageExample struct {
		Name    string            `json:"name"`
		Summary string            `json:"summary"`
		Headers map[string]string `json:"headers"`
		Payload json.RawMessage   `json:"payload"`
	}
	apiParameter struct {
		Description string   `json:"description"`
		Enum        []string `json:"enum,omitempty"`
		Examples    []string `json:"examples,omitempty"`
	}
)

// channelID is an event's channel: its subject without territory and the
// version, which all versions of the event share.
func channelID(n events.Name) string {
	return n.Producer + "." + n.Aggregate + "." + n.Verb
}

// channelAddress is the subject pattern of an event, the territory token a
// parameter.
func channelAddress(n events.Name) string {
	return n.Subject("{" + departementParamID + "}")
}

// owner returns the service that owns (alone may publish into) a producer's
// stream, per natsbus.Platform.
func owner(producer string) (natsbus.Identity, bool) {
	for _, id := range natsbus.Platform() {
		if id.Owns.Producer == producer {
			return id, true
		}
	}
	return natsbus.Identity{}, false
}

// publisher returns the service that emits a payload: the owner of its
// producer's stream, or, for a confidential stream several services write
// into, the one the payload names (events.Emitter), which must write into
// that stream.
func publisher(p events.Payload) (natsbus.Identity, bool) {
	n := p.EventName()
	e, ok := p.(events.Emitter)
	if !ok {
		return owner(n.Producer)
	}
	for _, id := range natsbus.Platform() {
		if id.Service == e.EmittedBy() && slices.ContainsFunc(id.Writes, func(s events.Stream) bool { return s.Producer == n.Producer }) {
			return id, true
		}
	}
	return natsbus.Identity{}, false
}

// readers returns the services that consume a stream.
func readers(s events.Stream) []string {
	var out []string
	for _, id := range natsbus.Platform() {
		if slices.Contains(id.Consumes, s) {
			out = append(out, id.Service)
		}
	}
	return out
}

// consumers returns the services that consume some stream, sorted.
func consumers() []string {
	var out []string
	for _, id := range natsbus.Platform() {
		if len(id.Consumes) > 0 {
			out = append(out, id.Service)
		}
	}
	sort.Strings(out)
	return out
}

func streams() []events.Stream {
	return []events.Stream{events.StreamIntake, events.StreamCreation, events.StreamTakeover, events.StreamDifficulty, events.StreamAdvisor}
}

func synopsis(text string) string { return new(doc.Package).Synopsis(text) }

func asyncAPI(comments map[string]string) (apiDoc, error) {
	d := apiDoc{
		AsyncAPI:           "3.0.0",
		Info:               apiInfo{Title: "CCI-CMA platform events", Version: "1.0.0", Description: docDescription()},
		DefaultContentType: "application/json",
		Servers: map[string]apiServer{
			"nats": {
				Host:     "localhost:4222",
				Protocol: "nats",
				Description: "NATS with JetStream: devstack's embedded server by default (NATS_URL overrides it); " +
					"nats:4222 in docker-compose and Kubernetes. Each service connects as its own user and may publish only " +
					"its own producer's subjects and its own dead letters (intake and creation-support also the confidential `prevention.>`, " +
					"which difficulty-alert alone may read).",
			},
		},
		Channels:   map[string]apiChannel{},
		Operations: map[string]apiOperation{},
		Components: apiComponents{
			Schemas:  map[string]*jsonschema.Schema{headersSchemaID: cloudEventsHeaders()},
			Messages: map[string]apiMessage{},
			Parameters: map[string]apiParameter{
				departementParamID: {
					Description: "Territory token: the département code of the event (INSEE code, e.g. `91`, `2A`, `971`), " +
						"or `_` when no département applies. Consumers filter `<channel>.>` to receive every territory; " +
						"a national deployment can shard streams, consumers and permissions on it.",
					Examples: []string{"91", "2A", "971", events.NoTerritory},
				},
			},
		},
	}
	examples := examplesByType()
	for _, p := range registered() {
		n := p.EventName()
		typ := n.Type()
		t := payloadType(p)
		id, ok := publisher(p)
		if !ok {
			return apiDoc{}, fmt.Errorf("%s: no service in natsbus.Platform owns producer %q or writes it as its emitter", typ, n.Producer)
		}
		stream, ok := events.StreamFor(n.Producer)
		if !ok {
			return apiDoc{}, fmt.Errorf("%s: no stream for producer %q", typ, n.Producer)
		}
		text := comments[eventsPkgPath+"."+t.Name()]
		msg := apiMessage{
			Name:        t.Name(),
			Title:       typ,
			Summary:     synopsis(text),
			Description: text,
			ContentType: "application/json",
			Headers: &jsonschema.Schema{AllOf: []*jsonschema.Schema{
				{Ref: "#/components/schemas/" + headersSchemaID},
				withProps(&jsonschema.Schema{Type: "object"},
					events.HeaderType, &jsonschema.Schema{Const: typ},
					events.HeaderSource, &jsonschema.Schema{Const: "/" + id.Service},
				),
			}},
			Payload: apiMultiFormatSchema{SchemaFormat: payloadSchemaFormat, Schema: apiRef{Ref: "./" + typ + ".json"}},
			Tags:    []apiTag{{Name: id.Service}},
		}
		for _, ex := range examples[typ] {
			me, err := ex.asyncAPIExample(id.Service)
			if err != nil {
				return apiDoc{}, err
			}
			msg.Examples = append(msg.Examples, me)
		}
		d.Components.Messages[typ] = msg

		ch := channelID(n)
		c, ok := d.Channels[ch]
		if !ok {
			desc := fmt.Sprintf("Stream %s (subjects `%s`), written by %s only. Subscribe to `%s` for every territory.",
				stream.Name, strings.Join(stream.Subjects(), "`, `"), id.Service, n.Filter())
			if slices.Contains(events.ConfidentialStreams(), stream) {
				desc = fmt.Sprintf("Confidential stream %s (subjects `%s`): this channel written by %s, the stream read by %s only "+
					"(NATS permissions give no other service a consumer nor a message read on it).",
					stream.Name, strings.Join(stream.Subjects(), "`, `"), id.Service, strings.Join(readers(stream), ", "))
			}
			c = apiChannel{
				Address:     channelAddress(n),
				Title:       ch,
				Description: desc,
				Parameters:  map[string]apiRef{departementParamID: {Ref: "#/components/parameters/" + departementParamID}},
				Messages:    map[string]apiRef{},
			}
		}
		c.Messages[typ] = apiRef{Ref: "#/components/messages/" + typ}
		d.Channels[ch] = c

		opID := id.Service + ".publishes." + ch
		op, ok := d.Operations[opID]
		if !ok {
			op = apiOperation{
				Action:  "send",
				Channel: apiRef{Ref: "#/channels/" + ch},
				Title:   id.Service + " publishes " + ch,
				Description: id.Service + " writes the event in its transactional outbox together with the state change; " +
					"the relay publishes it with `Nats-Msg-Id` = `ce-id` and retries until JetStream acknowledges it, " +
					"so the stream's duplicate window drops repeats.",
				Tags: []apiTag{{Name: id.Service}},
			}
		}
		op.Messages = append(op.Messages, apiRef{Ref: "#/channels/" + ch + "/messages/" + typ})
		d.Operations[opID] = op
	}
	addDeadLetters(&d)
	return d, nil
}

func docDescription() string {
	var ss []string
	for _, s := range streams() {
		ss = append(ss, fmt.Sprintf("`%s` (`%s`)", s.Name, strings.Join(s.Subjects(), "`, `")))
	}
	return strings.Join([]string{
		"The events of the CCI-CMA platform on NATS JetStream.",
		"Subjects are `<producer>.<aggregate>.<event>.<département>`, `_` when no département applies. " +
			"The CloudEvents type (`ce-type`) is the subject without its last token plus a version suffix `.vN`; " +
			"a breaking change gets a new version, while a version may gain fields, which readers ignore.",
		"Envelope: CloudEvents 1.0 in binary mode: the attributes in `ce-*` headers, the JSON payload as the body, " +
			"`Nats-Msg-Id` = `ce-id` for JetStream de-duplication, W3C `traceparent`/`tracestate`. " +
			"Payloads carry ids, codes and bands, never personal data.",
		"Streams, one per producer, file storage, limits retention: " + strings.Join(ss, ", ") +
			"; the confidential `" + events.StreamPrevention.Name + "` (`" + strings.Join(events.StreamPrevention.Subjects(), "`, `") +
			"`: the SIREN of businesses in difficulty, written by intake and creation-support, read by difficulty-alert only, kept 30 days)" +
			"; plus `" + events.DeadLetterStream + "` (`" + events.DeadLetterPrefix + ".>`, `" + events.MaxDeliveriesAdv + ".>`)" +
			" and `" + events.RedriveStream + "` (`" + events.RedrivePrefix + ".<consumer>.<subject>`: events ops send back to one consumer, " +
			"dead letters redriven and streams replayed by platformctl, with their own headers; each service reads its own subjects).",
		"Generated from package " + eventsPkgPath + " by `" + regenerateCmd + "`; do not edit.",
	}, "\n\n")
}

// withProps sets s's properties, in order, from name, schema pairs.
func withProps(s *jsonschema.Schema, kv ...any) *jsonschema.Schema {
	s.Properties = jsonschema.NewProperties()
	for i := 0; i+1 < len(kv); i += 2 {
		s.Properties.Set(kv[i].(string), kv[i+1].(*jsonschema.Schema))
	}
	return s
}

func str(description string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Description: description}
}

const (
	uuidV7Pattern      = `^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`
	traceparentPattern = `^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$`
)

// cloudEventsHeaders is the schema of the binary-mode headers every event
// carries (events.Event.Headers plus the trace context the publisher adds).
func cloudEventsHeaders() *jsonschema.Schema {
	id := str("Event id, a UUIDv7 (time-ordered), unique per event.")
	id.Format, id.Pattern = "uuid", uuidV7Pattern
	source := str("The producing service, `/` + its name, e.g. `/intake`.")
	source.Pattern = "^/[a-z][a-z0-9-]*$"
	typ := str("Event type: the subject without its territory token, plus the version suffix, e.g. `intake.creation.submitted.v1` or `intake.takeover.offer_submitted.v1`.")
	typ.Pattern = `^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*\.v[1-9][0-9]*$`
	specVersion := str("CloudEvents specification version.")
	specVersion.Const = "1.0"
	at := str("When the state change happened (RFC 3339, UTC, nanoseconds).")
	at.Format = "date-time"
	subject := str("The aggregate id: the request, case or advisor the event is about.")
	contentType := str("Media type of the body.")
	contentType.Const = "application/json"
	msgID := str("JetStream de-duplication id; equals `ce-id`, so a retried publish within the stream's duplicate window is dropped.")
	msgID.Pattern = uuidV7Pattern
	traceparent := str("W3C trace context of the operation that produced the event; absent when none was active.")
	traceparent.Pattern = traceparentPattern
	return &jsonschema.Schema{
		Title:       "CloudEvents binary-mode headers",
		Description: "CloudEvents 1.0 attributes as NATS headers (binary mode), plus de-duplication and trace context. Headers are case-sensitive.",
		Type:        "object",
		Properties: withProps(&jsonschema.Schema{},
			events.HeaderID, id,
			events.HeaderSource, source,
			events.HeaderType, typ,
			events.HeaderSpecVersion, specVersion,
			events.HeaderTime, at,
			events.HeaderSubject, subject,
			events.HeaderContentType, contentType,
			events.HeaderMsgID, msgID,
			"traceparent", traceparent,
			"tracestate", str("W3C trace state, vendor-specific, when the trace context carries one."),
		).Properties,
		Required: []string{
			events.HeaderID, events.HeaderSource, events.HeaderType, events.HeaderSpecVersion,
			events.HeaderTime, events.HeaderSubject, events.HeaderContentType, events.HeaderMsgID,
		},
	}
}

// addDeadLetters describes the DEADLETTER stream: copies of the events a
// consumer gave up on (natsbus), and the server's max-delivery advisories.
func addDeadLetters(d *apiDoc) {
	services := consumers()
	var streamNames []string
	for _, s := range append(streams(), events.ConfidentialStreams()...) {
		streamNames = append(streamNames, s.Name)
	}
	d.Components.Parameters["consumer"] = apiParameter{
		Description: "The consuming service, which is also its durable consumer's name.",
		Enum:        services,
	}
	d.Components.Parameters["subject"] = apiParameter{
		Description: "The subject the event was consumed from, several tokens, e.g. `intake.creation.submitted.91`.",
		Examples:    []string{"intake.creation.submitted.91"},
	}
	d.Components.Parameters["stream"] = apiParameter{
		Description: "The stream the consumer reads.",
		Enum:        streamNames,
	}

	dlHeaders := &jsonschema.Schema{
		Type: "object",
		Description: "The original message's headers (`ce-*`, `traceparent`, ...) copied as received, which may be missing " +
			"or invalid when that is why the event was dead-lettered, plus where it came from and why it was given up.",
		Properties: withProps(&jsonschema.Schema{},
			events.HeaderDeadReason, str("Why the consumer gave up: the handler's error, prefixed `max deliveries reached: ` when retries ran out (at most 2000 bytes)."),
			events.HeaderDeadSubject, str("The subject the event was consumed from."),
			events.HeaderDeadStream, str("The stream the event was consumed from: "+events.RedriveStream+" for an event redriven or replayed."),
			events.HeaderDeadSeq, &jsonschema.Schema{Type: "string", Pattern: "^[0-9]+$", Description: "The event's sequence in that stream."},
			events.HeaderDeadDeliver, &jsonschema.Schema{Type: "string", Pattern: "^[0-9]+$", Description: "How many times it was delivered."},
			events.HeaderDeadConsume, str("The consuming service."),
			events.HeaderMsgID, str("`<consumer>-<stream>-<stream sequence>`, so that dead-lettering the same delivery twice stores it once."),
		).Properties,
		Required: []string{
			events.HeaderDeadReason, events.HeaderDeadSubject, events.HeaderDeadStream,
			events.HeaderDeadSeq, events.HeaderDeadDeliver, events.HeaderDeadConsume, events.HeaderMsgID,
		},
	}
	const dlMsg = "deadletter.event"
	d.Components.Messages[dlMsg] = apiMessage{
		Name:    "DeadLetter",
		Title:   dlMsg,
		Summary: "An event a consumer gave up on, with the reason.",
		Description: "A handler's permanent error (undecodable or invalid event) or its last transient error once " +
			"MaxDeliver is reached: the consumer copies the message here, waits for the PubAck, then terminates the delivery. " +
			"Nothing is dropped silently.",
		Headers: dlHeaders,
		Payload: &jsonschema.Schema{Description: "The original body, byte for byte: normally the event's JSON payload, but possibly undecodable."},
	}
	d.Channels[deadLetterChannelID] = apiChannel{
		Address:     events.DeadLetterPrefix + ".{consumer}.{subject}",
		Title:       deadLetterChannelID,
		Description: "Stream " + events.DeadLetterStream + ". Each consumer may publish only under its own `" + events.DeadLetterPrefix + ".<consumer>.>`.",
		Parameters: map[string]apiRef{
			"consumer": {Ref: "#/components/parameters/consumer"},
			"subject":  {Ref: "#/components/parameters/subject"},
		},
		Messages: map[string]apiRef{dlMsg: {Ref: "#/components/messages/" + dlMsg}},
	}
	for _, s := range services {
		d.Operations[s+".deadletters"] = apiOperation{
			Action:      "send",
			Channel:     apiRef{Ref: "#/channels/" + deadLetterChannelID},
			Title:       s + " dead-letters the events it gives up on",
			Description: "Published on `" + events.DeadLetterPrefix + "." + s + ".<subject>`.",
			Messages:    []apiRef{{Ref: "#/channels/" + deadLetterChannelID + "/messages/" + dlMsg}},
			Tags:        []apiTag{{Name: s}},
		}
	}

	const advMsg = "nats.advisory.max_deliver"
	seq := &jsonschema.Schema{Type: "integer", Minimum: "1", Description: "Stream sequence of the message."}
	deliveries := &jsonschema.Schema{Type: "integer", Minimum: "1", Description: "How many times it was delivered."}
	at := str("When the server gave up.")
	at.Format = "date-time"
	d.Components.Messages[advMsg] = apiMessage{
		Name:  "ConsumerDeliveryExceededAdvisory",
		Title: advMsg,
		Summary: "The NATS server's advisory that a message reached its consumer's MaxDeliver (nats-server " +
			"JSConsumerDeliveryExceededAdvisory).",
		Description: "Captured by " + events.DeadLetterStream + " so that a message whose consumer crashed before dead-lettering it is not lost from sight.",
		Headers:     &jsonschema.Schema{Type: "object", Description: "None that the platform relies on."},
		Payload: &jsonschema.Schema{
			Type: "object",
			Properties: withProps(&jsonschema.Schema{},
				"type", &jsonschema.Schema{Type: "string", Const: "io.nats.jetstream.advisory.v1.max_deliver", Description: "Advisory type."},
				"id", str("Advisory id."),
				"timestamp", at,
				"stream", str("The stream of the message."),
				"consumer", str("The durable consumer, i.e. the service."),
				"stream_seq", seq,
				"deliveries", deliveries,
				"domain", str("JetStream domain, when one is set."),
			).Properties,
			Required: []string{"type", "id", "timestamp", "stream", "consumer", "stream_seq", "deliveries"},
		},
	}
	d.Channels[maxDeliverChannelID] = apiChannel{
		Address:     events.MaxDeliveriesAdv + ".{stream}.{consumer}",
		Title:       maxDeliverChannelID,
		Description: "Stream " + events.DeadLetterStream + ".",
		Parameters: map[string]apiRef{
			"stream":   {Ref: "#/components/parameters/stream"},
			"consumer": {Ref: "#/components/parameters/consumer"},
		},
		Messages: map[string]apiRef{advMsg: {Ref: "#/components/messages/" + advMsg}},
	}
	d.Operations["nats-server.advises.max_deliveries"] = apiOperation{
		Action:      "send",
		Channel:     apiRef{Ref: "#/channels/" + maxDeliverChannelID},
		Title:       "nats-server reports a message that reached MaxDeliver",
		Description: "Sent by the NATS server itself, not by a platform service.",
		Messages:    []apiRef{{Ref: "#/channels/" + maxDeliverChannelID + "/messages/" + advMsg}},
		Tags:        []apiTag{{Name: "nats-server"}},
	}
}
