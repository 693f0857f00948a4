package creation

// ValidSIREN tells whether s is a SIREN: nine digits whose Luhn checksum
// holds, as INSEE assigns them. It catches a mistyped digit or two swapped
// neighbours before the number is recorded as the business's.
func ValidSIREN(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i := range 9 {
		d := int(s[8-i]) - '0'
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 { // every second digit from the right is doubled
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
