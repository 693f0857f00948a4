package creation

import "github.com/ccicma/platform/pkg/directory"

// Advisor is the projection of a directory entry that assignment needs
// (pkg/directory, shared with the other assigning services); AvailableAt
// tells whether the advisor may get a new case.
type Advisor = directory.Advisor
