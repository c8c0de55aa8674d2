package app

import (
	"context"

	"yizhan/domain"
)

// LoadCase returns the stored, folded state of a case by ID or case number,
// unmasked. It writes no access record, so it is for sync and tests: screens
// use ShowCase, which masks and logs.
func (s *Station) LoadCase(ctx context.Context, id string) (*domain.Case, error) {
	var c *domain.Case
	err := s.view(ctx, func(tx Tx) error {
		var err error
		c, err = loadCase(tx, id)
		return err
	})
	return c, err
}
