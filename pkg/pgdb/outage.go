package pgdb

import (
	"errors"
	"net"
	"slices"

	"github.com/jackc/pgx/v5/pgconn"
)

// outageStates are the SQLSTATEs that say the server cannot do the work
// now, whatever the work: connection failures (class 08), resources
// exhausted (class 53: too many connections, disk full, out of memory),
// shutdowns (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
// connect now), and conflicts between transactions (40001 serialization
// failure, 40P01 deadlock), which a retry of the same work resolves.
var (
	outageClasses = []string{"08", "53"}
	outageCodes   = []string{"57P01", "57P02", "57P03", "40001", "40P01"}
)

// IsOutage reports whether err means that Postgres did not answer or could
// not do the work now, as opposed to the work being wrong: a failed
// connection (refused, closed, or a login refused, e.g. a role made NOLOGIN
// during maintenance), a broken or timed-out connection, or one of
// outageStates. Consumers pause and retry on such errors instead of
// spending an event's deliveries (natsbus.ConsumerSpec.Outage).
//
// A false positive would pause a consumer forever on a poison event, so
// errors that could come from the event (constraint violations, bad input,
// a statement timeout) are not outages.
func IsOutage(err error) bool {
	if err == nil {
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || errors.Is(err, pgconn.ErrConnClosed) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return len(pgErr.Code) == 5 && (slices.Contains(outageClasses, pgErr.Code[:2]) || slices.Contains(outageCodes, pgErr.Code))
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}
