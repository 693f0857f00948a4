package notice

import (
	"fmt"
	"strings"
	"time"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// Key names a queued e-mail (pkg/mailer's key): the request it is about
// and, for a follow-up, the step. It holds no personal data. Its text
// form is "receipt:{request id}", "step:{request id}:{status}:{chamber}"
// with ":{stage}" once the creation journey has one (the store builds it
// in SQL with the same layout) or
// "session:{request id}:{session id}:confirm|remind" or
// "intro:{request id}:{match id}" (a takeover introduction) or
// "digest:{request id}:{YYYY-MM-DD}" (a buyer's digest of the day).
type Key struct {
	RequestID string
	// Step is the zero Step for a receipt or a session's e-mail.
	Step Step
	// SessionID names a session's e-mail: its confirmation, or its
	// reminder the day before (Reminder).
	SessionID string
	Reminder  bool
	// MatchID names the e-mail of a takeover introduction.
	MatchID string
	// DigestDay names a buyer's digest of new listings: its day in
	// Europe/Paris, YYYY-MM-DD.
	DigestDay string
}

// Receipt reports whether the key is a receipt's.
func (k Key) Receipt() bool {
	return k.Step.Status == "" && k.SessionID == "" && k.MatchID == "" && k.DigestDay == ""
}

// String is the queue key.
func (k Key) String() string {
	switch {
	case k.DigestDay != "":
		return "digest:" + k.RequestID + ":" + k.DigestDay
	case k.MatchID != "":
		return "intro:" + k.RequestID + ":" + k.MatchID
	case k.SessionID != "" && k.Reminder:
		return "session:" + k.RequestID + ":" + k.SessionID + ":remind"
	case k.SessionID != "":
		return "session:" + k.RequestID + ":" + k.SessionID + ":confirm"
	case k.Receipt():
		return "receipt:" + k.RequestID
	}
	key := "step:" + k.RequestID + ":" + string(k.Step.Status) + ":" + k.Step.Chamber
	if k.Step.Stage != "" {
		key += ":" + k.Step.Stage
	}
	return key
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
	case len(f) == 5 && f[0] == "step" && f[1] != "" && f[2] != "" && f[4] != "":
		return Key{RequestID: f[1], Step: Step{Status: request.Status(f[2]), Chamber: f[3], Stage: f[4]}}, nil
	case len(f) == 4 && f[0] == "session" && f[1] != "" && f[2] != "" && (f[3] == "confirm" || f[3] == "remind"):
		return Key{RequestID: f[1], SessionID: f[2], Reminder: f[3] == "remind"}, nil
	case len(f) == 3 && f[0] == "intro" && f[1] != "" && f[2] != "":
		return Key{RequestID: f[1], MatchID: f[2]}, nil
	case len(f) == 3 && f[0] == "digest" && f[1] != "" && validDay(f[2]):
		return Key{RequestID: f[1], DigestDay: f[2]}, nil
	}
	return Key{}, fmt.Errorf("e-mail key %q: want receipt:{id}, step:{id}:{status}:{chamber}[:{stage}] session:{id}:{session}:confirm|remind intro:{id}:{match} or digest:{id}:{day}", s)
}

// validDay reports whether s is a day, YYYY-MM-DD.
func validDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}
