package app

import (
	"context"
)

// Dir returns the station's data directory. Sync keeps the station's keys
// under it (never in the database, so a database backup carries no secret).
func (s *Station) Dir() string { return s.cfg.Dir }

// AuditHashAt returns the hash of audit row seq, or "" when there is no such
// row. Sync sends the hash of the row the hall recorded last time, so the hall
// notices a history rewritten since.
func (s *Station) AuditHashAt(ctx context.Context, seq int64) (string, error) {
	var h string
	err := s.view(ctx, func(tx Tx) error {
		var err error
		h, err = tx.AuditHash(seq)
		return err
	})
	return h, err
}

// OpenConflictCount returns how many conflicts wait for a person: the sync
// status shows it without needing a signed-in clerk.
func (s *Station) OpenConflictCount(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx Tx) error {
		var err error
		n, err = tx.OpenConflictCount()
		return err
	})
	return n, err
}

// SetMetas stores several station settings in one transaction; sync records
// its status (last success, last error, clock skew) through it.
func (s *Station) SetMetas(ctx context.Context, kv map[string]string) error {
	return s.update(ctx, func(tx Tx) error {
		for k, v := range kv {
			if err := tx.SetMeta(k, v); err != nil {
				return err
			}
		}
		return nil
	})
}
