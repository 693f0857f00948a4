package notice

import (
	"fmt"
	"strings"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Key names a queued e-mail (pkg/mailer's key): the request it is about
// and, for a follow-up, the step. It holds no personal data. Its text
// form is "receipt:{request id}" or "step:{request id}:{status}:{chamber}"
// (the store builds the latter in SQL with the same layout).
type Key struct {
	RequestID string
	// Step is the zero Step for a receipt.
	Step Step
}

// Receipt reports whether the key is a receipt's.
func (k Key) Receipt() bool { return k.Step.Status == "" }

// String is the queue key.
func (k Key) String() string {
	if k.Receipt() {
		return "receipt:" + k.RequestID
	}
	return "step:" + k.RequestID + ":" + string(k.Step.Status) + ":" + k.Step.Chamber
}

// ReceiptKey is the key of a request's receipt.
func ReceiptKey(requestID string) string { return Key{RequestID: requestID}.String() }

// ParseKey reads a queue key.
func ParseKey(s string) (Key, error) {
	f := strings.Split(s, ":")
	switch {
	case len(f) == 2 && f[0] == "receipt" && f[1] != "":
		return Key{RequestID: f[1]}, nil
	case len(f) == 4 && f[0] == "step" && f[1] != "" && f[2] != "":
		return Key{RequestID: f[1], Step: Step{Status: request.Status(f[2]), Chamber: f[3]}}, nil
	}
	return Key{}, fmt.Errorf("e-mail key %q: want receipt:{id} or step:{id}:{status}:{chamber}", s)
}
