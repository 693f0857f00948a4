package request_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// The questionnaire's shape: 8 to 10 questions in French, unique ids,
// weights adding up to 100, each a multiple of its highest answer so that
// every answer scores whole points.
func TestQuestionnaire(t *testing.T) {
	t.Parallel()
	qs := request.Questionnaire()
	if n := len(qs); n < 8 || n > 10 {
		t.Errorf("%d questions, want 8 to 10", n)
	}
	ids := map[string]bool{}
	total := 0
	for _, q := range qs {
		if q.ID == "" || ids[q.ID] {
			t.Errorf("question id %q empty or repeated", q.ID)
		}
		ids[q.ID] = true
		if !strings.HasSuffix(q.Text, " ?") {
			t.Errorf("%s: %q is not a question in French typography", q.ID, q.Text)
		}
		if q.Max() != 1 && q.Max() != 3 || q.Options[0] == "" {
			t.Errorf("%s: options %v, want yes/no or a four-step scale", q.ID, q.Options)
		}
		if q.Weight <= 0 || q.Weight%q.Max() != 0 {
			t.Errorf("%s: weight %d is not a positive multiple of %d", q.ID, q.Weight, q.Max())
		}
		total += q.Weight
	}
	if total != 100 {
		t.Errorf("weights add up to %d, want 100", total)
	}
	// Calling it again gives a fresh copy: callers cannot change the scoring.
	request.Questionnaire()[0].Weight = 0
	if request.Questionnaire()[0].Weight == 0 {
		t.Error("Questionnaire() returns shared state")
	}
}

func TestScore(t *testing.T) {
	t.Parallel()
	all := func(pick func(request.Question) int) map[string]int {
		m := map[string]int{}
		for _, q := range request.Questionnaire() {
			m[q.ID] = pick(q)
		}
		return m
	}
	tests := []struct {
		name    string
		answers map[string]int
		want    int
	}{
		{"every answer no", noSign(), 0},
		{"every answer the strongest", all(request.Question.Max), 100},
		{"14", answered(score14), 14},
		{"15", answered(score15), 15},
		{"50", answered(score50), 50},
		{"51", answered(score51), 51},
		{"one step of a scale", answered(map[string]int{"cash_shortfall": 1}), 5},
		{"two steps of a scale", answered(map[string]int{"revenue_drop": 2}), 8},
		{"the middle of every scale, no to the rest", all(func(q request.Question) int { return q.Max() / 2 }), 5 + 4 + 3 + 3},
	}
	for _, tt := range tests {
		if got := request.Score(tt.answers); got != tt.want {
			t.Errorf("%s: Score = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestThresholdsLevel(t *testing.T) {
	t.Parallel()
	def := request.DefaultThresholds()
	if def != (request.Thresholds{Vigilance: 15, Alert: 50}) {
		t.Fatalf("default thresholds %+v, want 15 and 50", def)
	}
	tests := []struct {
		th    request.Thresholds
		score int
		want  request.Level
	}{
		{def, 0, request.LevelNone},
		{def, 14, request.LevelNone},
		{def, 15, request.LevelVigilance},
		{def, 50, request.LevelVigilance},
		{def, 51, request.LevelCallBack},
		{def, 100, request.LevelCallBack},
		{request.Thresholds{Vigilance: 0, Alert: 100}, 0, request.LevelVigilance},
		{request.Thresholds{Vigilance: 0, Alert: 100}, 100, request.LevelVigilance},
		{request.Thresholds{Vigilance: 30, Alert: 30}, 29, request.LevelNone},
		{request.Thresholds{Vigilance: 30, Alert: 30}, 30, request.LevelVigilance},
		{request.Thresholds{Vigilance: 30, Alert: 30}, 31, request.LevelCallBack},
	}
	for _, tt := range tests {
		if got := tt.th.Level(tt.score); got != tt.want {
			t.Errorf("%+v.Level(%d) = %s, want %s", tt.th, tt.score, got, tt.want)
		}
	}
}

func TestThresholdsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		th request.Thresholds
		ok bool
	}{
		{request.DefaultThresholds(), true},
		{request.Thresholds{Vigilance: 0, Alert: 0}, true},
		{request.Thresholds{Vigilance: 100, Alert: 100}, true},
		{request.Thresholds{Vigilance: -1, Alert: 50}, false},
		{request.Thresholds{Vigilance: 51, Alert: 50}, false},
		{request.Thresholds{Vigilance: 15, Alert: 101}, false},
	}
	for _, tt := range tests {
		err := tt.th.Validate()
		if (err == nil) != tt.ok || err != nil && !errors.Is(err, request.ErrThresholds) {
			t.Errorf("%+v.Validate() = %v, want ok %v", tt.th, err, tt.ok)
		}
	}
}
