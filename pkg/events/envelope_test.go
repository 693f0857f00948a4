package events_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"
)

func validSubmission() *events.CreationSubmitted {
	return &events.CreationSubmitted{
		RequestID:   "0190d3a4-0000-7000-8000-000000000001",
		NAFCode:     "47.11F",
		CommuneCode: "91228",
		Departement: "91",
		Routing:     events.Routing{LeadChamber: events.ChamberCCI, RuleID: "commerce", Reason: "Activité commerciale"},
		SubmittedAt: time.Date(2025, 3, 4, 10, 11, 12, 0, time.UTC),
	}
}

func newEvent(t *testing.T, territory string, p events.Payload) events.Event {
	t.Helper()
	now := time.Date(2025, 3, 4, 11, 12, 13, 123456789, time.FixedZone("CET", 3600))
	ev, err := events.New("intake", "req-1", territory, p, now)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return ev
}

func TestEnvelopeRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		territory string
		topic     string
	}{
		{"département", "91", "intake.creation.submitted.91"},
		{"no territory", "", "intake.creation.submitted._"},
		{"explicit no territory", events.NoTerritory, "intake.creation.submitted._"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := newEvent(t, tc.territory, validSubmission())

			if ev.Type != "intake.creation.submitted.v1" {
				t.Errorf("Type = %q, want intake.creation.submitted.v1", ev.Type)
			}
			if ev.Topic != tc.topic {
				t.Errorf("Topic = %q, want %q", ev.Topic, tc.topic)
			}
			if ev.Source != "/intake" {
				t.Errorf("Source = %q, want /intake", ev.Source)
			}
			if ev.Time.Location() != time.UTC {
				t.Errorf("Time %v is not UTC", ev.Time)
			}
			id, err := uuid.Parse(ev.ID)
			if err != nil {
				t.Fatalf("ce-id %q is not a UUID: %v", ev.ID, err)
			}
			if id.Version() != 7 {
				t.Errorf("ce-id %q is UUID version %d, want 7", ev.ID, id.Version())
			}

			h := ev.Headers()
			wantHeaders := map[string]string{
				events.HeaderID:          ev.ID,
				events.HeaderMsgID:       ev.ID,
				events.HeaderSource:      "/intake",
				events.HeaderType:        "intake.creation.submitted.v1",
				events.HeaderSpecVersion: "1.0",
				events.HeaderSubject:     "req-1",
				events.HeaderContentType: "application/json",
				events.HeaderTime:        "2025-03-04T10:12:13.123456789Z",
			}
			for k, want := range wantHeaders {
				if got := h[k]; len(got) != 1 || got[0] != want {
					t.Errorf("header %s = %q, want [%q]", k, got, want)
				}
			}

			back, err := events.FromMessage(ev.Topic, h, ev.Data)
			if err != nil {
				t.Fatalf("FromMessage: %v", err)
			}
			if back.ID != ev.ID || back.Source != ev.Source || back.Type != ev.Type ||
				back.Subject != ev.Subject || back.Topic != ev.Topic || !back.Time.Equal(ev.Time) ||
				string(back.Data) != string(ev.Data) {
				t.Errorf("round trip changed the event:\n got %+v\nwant %+v", back, ev)
			}
			wantTerritory := tc.territory
			if wantTerritory == "" {
				wantTerritory = events.NoTerritory
			}
			if got := back.Territory(); got != wantTerritory {
				t.Errorf("Territory() = %q, want %q", got, wantTerritory)
			}

			p, err := events.Decode[events.CreationSubmitted](back)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if want := validSubmission(); p.RequestID != want.RequestID || p.Routing != want.Routing ||
				!p.SubmittedAt.Equal(want.SubmittedAt) {
				t.Errorf("decoded payload %+v, want %+v", p, want)
			}
		})
	}
}

func TestEventIDsAreTimeOrdered(t *testing.T) {
	t.Parallel()
	var prev string
	for i := range 50 {
		ev := newEvent(t, "91", validSubmission())
		if i > 0 && ev.ID <= prev {
			t.Fatalf("id %s not after %s: UUIDv7 ids must sort by creation", ev.ID, prev)
		}
		prev = ev.ID
	}
}

func TestNameSubjectsAndFilters(t *testing.T) {
	t.Parallel()
	n := events.CreationSubmitted{}.EventName()
	if got := n.Filter(); got != "intake.creation.submitted.>" {
		t.Errorf("Filter() = %q", got)
	}
	for producer, stream := range map[string]string{"intake": "INTAKE", "creation": "CREATION", "advisor": "ADVISOR"} {
		s, ok := events.StreamFor(producer)
		if !ok || s.Name != stream || s.Subjects()[0] != producer+".>" {
			t.Errorf("StreamFor(%q) = %+v, %v", producer, s, ok)
		}
	}
	if _, ok := events.StreamFor("nobody"); ok {
		t.Error("StreamFor(nobody) found a stream")
	}
}

func TestFromMessageRejectsMalformedEnvelopes(t *testing.T) {
	t.Parallel()
	base := newEvent(t, "91", validSubmission())
	tests := []struct {
		name   string
		mutate func(h map[string][]string)
		want   string // part of the error message
	}{
		{"missing id", func(h map[string][]string) { delete(h, events.HeaderID) }, "ce-id"},
		{"missing source", func(h map[string][]string) { delete(h, events.HeaderSource) }, "ce-source"},
		{"missing type", func(h map[string][]string) { delete(h, events.HeaderType) }, "ce-type"},
		{"missing time", func(h map[string][]string) { delete(h, events.HeaderTime) }, "ce-time"},
		{"empty id", func(h map[string][]string) { h[events.HeaderID] = []string{""} }, "ce-id"},
		{"no headers at all", func(h map[string][]string) { clear(h) }, "missing header"},
		{"non-UUID id", func(h map[string][]string) { h[events.HeaderID] = []string{"order-42"} }, "not a UUID"},
		{"bad time", func(h map[string][]string) { h[events.HeaderTime] = []string{"yesterday"} }, "ce-time"},
		{"time without zone", func(h map[string][]string) { h[events.HeaderTime] = []string{"2025-03-04T10:12:13"} }, "ce-time"},
		{"other specversion", func(h map[string][]string) { h[events.HeaderSpecVersion] = []string{"0.3"} }, "specversion"},
		{"xml content", func(h map[string][]string) { h[events.HeaderContentType] = []string{"application/xml"} }, "content-type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := base.Headers()
			tc.mutate(h)
			_, err := events.FromMessage(base.Topic, h, base.Data)
			if !errors.Is(err, events.ErrMalformed) {
				t.Fatalf("FromMessage error = %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestFromMessageAcceptsOptionalAttributesAbsent(t *testing.T) {
	t.Parallel()
	ev := newEvent(t, "91", validSubmission())
	h := ev.Headers()
	delete(h, events.HeaderSpecVersion)
	delete(h, events.HeaderContentType)
	h[events.HeaderContentType] = []string{"application/json; charset=utf-8"}
	if _, err := events.FromMessage(ev.Topic, h, ev.Data); err != nil {
		t.Fatalf("FromMessage: %v", err)
	}
}

func TestDecodeRejectsWrongTypeAndInvalidPayloads(t *testing.T) {
	t.Parallel()
	good := newEvent(t, "91", validSubmission())
	withData := func(mutate func(*events.CreationSubmitted)) events.Event {
		p := validSubmission()
		mutate(p)
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		ev := good
		ev.Data = data
		return ev
	}
	tests := []struct {
		name string
		ev   events.Event
		want string
	}{
		{"other type", func() events.Event { e := good; e.Type = "creation.case.opened.v1"; return e }(), "type"},
		{"other version", func() events.Event { e := good; e.Type = "intake.creation.submitted.v2"; return e }(), "want \"intake.creation.submitted.v1\""},
		{"not JSON", func() events.Event { e := good; e.Data = []byte("<xml/>"); return e }(), "payload"},
		{"wrong JSON type", func() events.Event { e := good; e.Data = []byte(`{"planned_headcount":"three"}`); return e }(), "payload"},
		{"missing request id", withData(func(p *events.CreationSubmitted) { p.RequestID = "" }), "request_id"},
		{"missing commune", withData(func(p *events.CreationSubmitted) { p.CommuneCode = "" }), "commune_code"},
		{"missing rule", withData(func(p *events.CreationSubmitted) { p.Routing.RuleID = "" }), "rule_id"},
		{"bad chamber", withData(func(p *events.CreationSubmitted) { p.Routing.LeadChamber = "CCAS" }), "lead_chamber"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := events.Decode[events.CreationSubmitted](tc.ev)
			if !errors.Is(err, events.ErrMalformed) {
				t.Fatalf("Decode error = %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestDecodeToleratesUnknownFields(t *testing.T) {
	t.Parallel()
	ev := newEvent(t, "91", validSubmission())
	var m map[string]any
	if err := json.Unmarshal(ev.Data, &m); err != nil {
		t.Fatal(err)
	}
	m["added_later"] = "ignored by v1 readers"
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	ev.Data = data
	p, err := events.Decode[events.CreationSubmitted](ev)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if p.RequestID != validSubmission().RequestID {
		t.Errorf("RequestID = %q", p.RequestID)
	}
}
