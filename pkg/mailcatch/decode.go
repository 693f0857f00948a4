package mailcatch

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
)

func quotedPrintable(raw []byte) io.Reader { return quotedprintable.NewReader(bytes.NewReader(raw)) }

func base64Decode(raw []byte) ([]byte, error) {
	clean := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, raw)
	return base64.StdEncoding.DecodeString(string(clean))
}
