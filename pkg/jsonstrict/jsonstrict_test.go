package jsonstrict_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/jsonstrict"
)

func TestDecode(t *testing.T) {
	type doc struct {
		Version string `json:"version"`
	}
	for _, tc := range []struct {
		in      string
		want    string
		wantErr string
	}{
		{`{"version": "2026.1"}`, "2026.1", ""},
		{"{\"version\": \"2026.1\"}\n\n", "2026.1", ""},
		{`{"version": "2026.1", "versoin": "x"}`, "", "unknown field"},
		{`{"version": "2026.1"} {"version": "2"}`, "", "data after"},
		{`{"version": "2026.1"} x`, "", "data after"},
		{`{"version": 1}`, "", "cannot unmarshal"},
		{``, "", "EOF"},
	} {
		var d doc
		err := jsonstrict.Decode([]byte(tc.in), &d)
		switch {
		case tc.wantErr == "" && (err != nil || d.Version != tc.want):
			t.Errorf("%q: %+v, %v; want %q", tc.in, d, err, tc.want)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.wantErr)
		}
	}
	if err := jsonstrict.Decode([]byte(`{} 1`), &struct{}{}); !errors.Is(err, jsonstrict.ErrTrailingData) {
		t.Errorf("trailing data: %v, want ErrTrailingData", err)
	}
}
