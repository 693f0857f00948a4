// Package casefile holds the rules and the French words of the cases
// advisor-desk shows but does not own: a creation case (creation-support),
// a business for sale, a buyer's search and a match (takeover-matching), a
// prevention case (difficulty-alert) and a request's applicant (intake).
// The cases themselves, as their owning services' advisor APIs send them,
// are the peers adapter's (adapters/peers), which reads them on behalf of
// the signed-in advisor with their own token. No I/O.
package casefile

// Creation case statuses, as creation-support sends them.
const (
	StatusOpened     = "opened"
	StatusInProgress = "in_progress"
	StatusClosed     = "closed"
)

// Waiting tells whether a creation case in this status waits to be taken
// in charge: the only state in which its advisor takes it or hands it
// back.
func Waiting(status string) bool { return status == StatusOpened }
