// Package events is the platform's event contract: the CloudEvents 1.0 envelope
// carried in binary mode over NATS headers, the subject scheme, and the
// versioned payload types each producer emits (one file per producer).
//
// Payloads carry ids, codes and bands, never personal data, so that a
// right-to-erasure request never has to rewrite a stream.
package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// CloudEvents binary-mode header names (the "ce-" prefix of the NATS binding).
const (
	HeaderID          = "ce-id"
	HeaderSource      = "ce-source"
	HeaderType        = "ce-type"
	HeaderSpecVersion = "ce-specversion"
	HeaderTime        = "ce-time"
	HeaderSubject     = "ce-subject"
	HeaderDataSchema  = "ce-dataschema"
	HeaderContentType = "content-type"
	// HeaderMsgID is JetStream's de-duplication header; it always equals ce-id.
	HeaderMsgID = "Nats-Msg-Id"

	specVersion = "1.0"
	contentJSON = "application/json"
)

// ErrMalformed marks an envelope or payload that can never be processed;
// consumers dead-letter it instead of retrying.
var ErrMalformed = errors.New("malformed event")

// Event is one CloudEvent: the envelope attributes plus the JSON payload.
// Topic is the NATS subject it travels on; Type is the versioned event type.
type Event struct {
	ID      string    // ce-id, a UUIDv7 (time-ordered)
	Source  string    // ce-source, the producing service, e.g. "/intake"
	Type    string    // ce-type, e.g. "intake.creation.submitted.v1"
	Subject string    // ce-subject, the aggregate id
	Time    time.Time // ce-time
	Topic   string    // NATS subject, e.g. "intake.creation.submitted.91"
	Data    json.RawMessage
}

// Payload is implemented by every versioned payload type: it names the event
// (without territory and version) and its schema version.
type Payload interface {
	EventName() Name
}

// Name identifies an event kind independently of territory and version:
// producer, aggregate and the past-tense verb.
type Name struct {
	Producer, Aggregate, Verb string
	Version                   int
}

// Type is the CloudEvents type: the subject without its territory token,
// plus the version suffix.
func (n Name) Type() string {
	return fmt.Sprintf("%s.%s.%s.v%d", n.Producer, n.Aggregate, n.Verb, n.Version)
}

// Subject is the NATS subject for one territory (a département code, or
// NoTerritory when none applies).
func (n Name) Subject(territory string) string {
	if territory == "" {
		territory = NoTerritory
	}
	return fmt.Sprintf("%s.%s.%s.%s", n.Producer, n.Aggregate, n.Verb, territory)
}

// Filter is the subject filter that matches this event in every territory.
func (n Name) Filter() string {
	return fmt.Sprintf("%s.%s.%s.>", n.Producer, n.Aggregate, n.Verb)
}

// NoTerritory is the territory token of events that belong to no département.
const NoTerritory = "_"

// New builds an event for a payload: a fresh UUIDv7 id, the current time, the
// type and subject derived from the payload's name.
func New(source, aggregateID, territory string, p Payload, now time.Time) (Event, error) {
	data, err := json.Marshal(p)
	if err != nil {
		return Event{}, fmt.Errorf("encode %s payload: %w", p.EventName().Type(), err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Event{}, fmt.Errorf("event id: %w", err)
	}
	n := p.EventName()
	return Event{
		ID:      id.String(),
		Source:  "/" + strings.TrimPrefix(source, "/"),
		Type:    n.Type(),
		Subject: aggregateID,
		Time:    now.UTC(),
		Topic:   n.Subject(territory),
		Data:    data,
	}, nil
}

// Headers renders the envelope as binary-mode CloudEvents headers.
func (e Event) Headers() map[string][]string {
	return map[string][]string{
		HeaderID:          {e.ID},
		HeaderSource:      {e.Source},
		HeaderType:        {e.Type},
		HeaderSpecVersion: {specVersion},
		HeaderTime:        {e.Time.UTC().Format(time.RFC3339Nano)},
		HeaderSubject:     {e.Subject},
		HeaderContentType: {contentJSON},
		HeaderMsgID:       {e.ID},
	}
}

// FromMessage rebuilds an event from a NATS subject, headers and body. Any
// missing or invalid attribute is reported as ErrMalformed.
func FromMessage(topic string, h map[string][]string, body []byte) (Event, error) {
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	e := Event{
		ID: get(HeaderID), Source: get(HeaderSource), Type: get(HeaderType),
		Subject: get(HeaderSubject), Topic: topic, Data: body,
	}
	var missing []string
	for k, v := range map[string]string{HeaderID: e.ID, HeaderSource: e.Source, HeaderType: e.Type, HeaderTime: get(HeaderTime)} {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return Event{}, fmt.Errorf("%w: missing header(s) %s", ErrMalformed, strings.Join(missing, ", "))
	}
	if sv := get(HeaderSpecVersion); sv != "" && sv != specVersion {
		return Event{}, fmt.Errorf("%w: unsupported specversion %q", ErrMalformed, sv)
	}
	if ct := get(HeaderContentType); ct != "" && !strings.HasPrefix(ct, contentJSON) {
		return Event{}, fmt.Errorf("%w: unsupported content-type %q", ErrMalformed, ct)
	}
	if _, err := uuid.Parse(e.ID); err != nil {
		return Event{}, fmt.Errorf("%w: ce-id %q is not a UUID", ErrMalformed, e.ID)
	}
	t, err := time.Parse(time.RFC3339Nano, get(HeaderTime))
	if err != nil {
		return Event{}, fmt.Errorf("%w: ce-time: %w", ErrMalformed, err)
	}
	e.Time = t
	return e, nil
}

// Territory is the last token of the event's subject.
func (e Event) Territory() string {
	if i := strings.LastIndexByte(e.Topic, '.'); i >= 0 {
		return e.Topic[i+1:]
	}
	return ""
}

// Decode unmarshals the payload into p after checking that the
// event's type is p's type. Errors wrap ErrMalformed.
func Decode[P Payload](e Event) (P, error) {
	var p P
	if want := p.EventName().Type(); e.Type != want {
		return p, fmt.Errorf("%w: type %q, want %q", ErrMalformed, e.Type, want)
	}
	// Tolerant reader: unknown fields are additions within the same version.
	if err := json.Unmarshal(e.Data, &p); err != nil {
		return p, fmt.Errorf("%w: %s payload: %w", ErrMalformed, e.Type, err)
	}
	if v, ok := any(&p).(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return p, fmt.Errorf("%w: %s payload: %w", ErrMalformed, e.Type, err)
		}
	}
	return p, nil
}
