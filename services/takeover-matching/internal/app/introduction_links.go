package app

import (
	"context"
	"fmt"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/access"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// linksOf reads the introductions of matches ms and returns them as the
// access rules look at them (access.Link: the owners of the side other
// gives, and whether the sides were introduced), with the introductions
// by match id.
func linksOf(ctx context.Context, files Files, ms []takeover.Match,
	other func(takeover.Match) access.Owners) ([]access.Link, map[string]takeover.Introduction, error) {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	ins, err := files.Introductions(ctx, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("read introductions: %w", err)
	}
	links := make([]access.Link, len(ms))
	for i, m := range ms {
		links[i] = access.Link{Owners: other(m), Introduced: ins[m.ID].Introduced()}
	}
	return links, ins, nil
}
