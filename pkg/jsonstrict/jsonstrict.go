// Package jsonstrict decodes the platform's data files (routing and
// matching rules, scoring rules, partner clients) strictly: a typo in a
// file an operator wrote must stop a service at start, not be ignored.
package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// ErrTrailingData is the error of a document followed by anything but
// white space.
var ErrTrailingData = errors.New("data after the JSON value")

// Decode reads exactly one JSON value from data into v: an unknown
// member is an error, and so is anything after the value.
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailingData
	}
	return nil
}
