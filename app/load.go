package app

import (
	"context"

	"yizhan/domain"
)

// LoadCase returns the stored, folded state of a case by ID or case number,
// unmasked. It writes no access record, so it is for sync and tests: screens
// use ShowCase, which masks and logs.
func (s *Station) LoadCase(ctx context.Context, id string) (*domain.Case, error) {
	return loadCase(ctx, s.db, id)
}
