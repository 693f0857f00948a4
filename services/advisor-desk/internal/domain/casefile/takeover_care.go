package casefile

import "slices"

// TakeoverHandBackReasons are the reasons takeover-matching accepts from
// an advisor handing an offer or a search back: the creation case's,
// except the other chamber (a takeover file stays with its chamber).
func TakeoverHandBackReasons() []HandBackReason {
	return slices.DeleteFunc(HandBackReasons(), func(r HandBackReason) bool { return r.Code == "wrong_chamber" })
}

// ValidTakeoverHandBackReason tells whether code is one of
// TakeoverHandBackReasons.
func ValidTakeoverHandBackReason(code string) bool {
	return slices.ContainsFunc(TakeoverHandBackReasons(), func(r HandBackReason) bool { return r.Code == code })
}
