package mailer

import (
	"errors"
	"math"
	"time"
)

// RetryPolicy says when a failed e-mail is tried again: exponential
// backoff from Base, capped at Max, with jitter so that replicas and
// e-mails do not retry in step; after MaxAttempts it is given up.
type RetryPolicy struct {
	Base        time.Duration
	Max         time.Duration
	MaxAttempts int
}

// After returns the outcome of failed attempt number attempt (1 for the
// first) that ended with err. A final refusal (Final) is not retried.
// jitter in [0, 1) lengthens the delay by up to half.
func (p RetryPolicy) After(attempt int, now time.Time, err error, jitter float64) Outcome {
	reason := err.Error()
	if Final(err) || attempt >= p.MaxAttempts {
		return Outcome{Status: StatusFailed, Error: reason}
	}
	return Outcome{Status: StatusPending, NextAttempt: now.Add(p.Delay(attempt, jitter)), Error: reason}
}

// Delay is the pause after failed attempt number attempt.
func (p RetryPolicy) Delay(attempt int, jitter float64) time.Duration {
	d := float64(p.Base) * math.Pow(2, float64(max(attempt-1, 0)))
	d = min(d, float64(p.Max))
	return time.Duration(d * (1 + jitter/2))
}

// ErrRejected marks a delivery the server refused for good (a 5xx
// answer, or an address it cannot take): the same e-mail cannot succeed.
var ErrRejected = errors.New("rejected by the SMTP server")

// Final tells a refusal for good from a passing failure: a 5xx answer is
// final; a 4xx answer, a refused connection or a timeout is worth
// retrying.
func Final(err error) bool { return errors.Is(err, ErrRejected) }
