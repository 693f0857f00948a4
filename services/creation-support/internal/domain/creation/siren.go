package creation

import "github.com/ccicma/platform/pkg/siren"

// ValidSIREN tells whether s is a SIREN: nine digits whose Luhn checksum
// holds, as INSEE assigns them. It catches a mistyped digit or two swapped
// neighbours before the number is recorded as the business's.
func ValidSIREN(s string) bool { return siren.Valid(s) }
