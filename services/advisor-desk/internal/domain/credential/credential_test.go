package credential_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/credential"
)

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"", false},
		{"1234567", false},
		{"12345678", true},
		{"Demo-Conseil-91", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{strings.Repeat("é", 40), false}, // 40 characters but 80 bytes: bcrypt would drop the end
		{strings.Repeat("é", 36), true},
	} {
		err := credential.CheckPassword(tc.pw)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, credential.ErrWeakPassword)) {
			t.Errorf("CheckPassword(%d chars, %d bytes) = %v, want ok=%v", len([]rune(tc.pw)), len(tc.pw), err, tc.ok)
		}
	}
}
