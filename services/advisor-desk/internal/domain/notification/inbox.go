package notification

import (
	"errors"
	"slices"
	"strings"
)

// ErrBadFilter means that an inbox filter names an unknown domain.
var ErrBadFilter = errors.New("unknown notification domain")

// Filter selects what an inbox page shows.
type Filter struct {
	// UnreadOnly hides the notifications already read.
	UnreadOnly bool
	// Domain is a Domains() code ("creation"), or empty for all.
	Domain string
}

// Validate checks the domain.
func (f Filter) Validate() error {
	if f.Domain == "" || slices.ContainsFunc(Domains(), func(d Domain) bool { return d.Code == f.Domain }) {
		return nil
	}
	return ErrBadFilter
}

// KindPrefix is the prefix of the kinds the filter keeps ("creation."), or
// empty for all.
func (f Filter) KindPrefix() string {
	if f.Domain == "" {
		return ""
	}
	return f.Domain + "."
}

// InboxPageSize is how many notifications an inbox page shows at most,
// newest first.
const InboxPageSize = 100

// Inbox is one page of an advisor's inbox.
type Inbox struct {
	// Items are the notifications the filter keeps, newest first.
	Items []Notification
	// Unread counts all the advisor's unread notifications, whatever the
	// filter.
	Unread int
	// LastID is the highest id of all the advisor's notifications: the
	// live stream resumes after it.
	LastID int64
}

// DomainOf is the domain of a kind ("creation" for "creation.case.opened").
func DomainOf(kind string) string {
	d, _, _ := strings.Cut(kind, ".")
	return d
}
