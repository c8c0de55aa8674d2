package app

import (
	"context"
	"database/sql"
)

// Backup writes a consistent copy of the station database to path while the
// station keeps working. The backup is audited: it holds personal data.
func (s *Station) Backup(ctx context.Context, a Actor, path string) error {
	if err := requireStaff(a); err != nil {
		return err
	}
	if err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, a, "station.backup", path, "all", "backup", "")
	}); err != nil {
		return err
	}
	return s.db.Backup(ctx, path)
}
