package httpapi

// Patterns lists the ServeMux patterns rt serves, for the test that holds
// openapi.json to them.
func (rt Routes) Patterns() []string {
	var out []string
	for _, r := range rt.routes() {
		out = append(out, r.pattern)
	}
	return out
}

// IdempotencyKeyPattern is the pattern Idempotency-Key headers must match.
var IdempotencyKeyPattern = idempotencyKey.String()
