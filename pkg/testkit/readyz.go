package testkit

import (
	"net/http"
	"testing"
)

// Readiness is a service's /readyz answer (pkg/httpserver): its HTTP
// status (Code), its state (ready, degraded, unavailable) and each check.
type Readiness struct {
	Code   int    `json:"-"`
	Status string `json:"status"`
	Checks map[string]struct {
		OK     bool   `json:"ok"`
		Error  string `json:"error"`
		Detail string `json:"detail"`
	} `json:"checks"`
}

// ReadyZ reads the /readyz of the service at base.
func ReadyZ(t testing.TB, base string) Readiness {
	t.Helper()
	a := Call(t, http.MethodGet, base+"/readyz", "", "")
	var r Readiness
	a.Decode(t, &r)
	r.Code = a.Status
	return r
}

// WaitReadyZ waits until the /readyz of the service at base says status,
// and returns that answer.
func WaitReadyZ(t testing.TB, base, status string) Readiness {
	t.Helper()
	var r Readiness
	Eventually(t, Wait, "/readyz "+status, func() (bool, error) {
		r = ReadyZ(t, base)
		return r.Status == status, nil
	})
	return r
}
