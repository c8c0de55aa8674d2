package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
)

// Meta returns a station setting, "" when unset.
func (t *txn) Meta(key string) (string, error) {
	var v string
	err := t.queryRow(`SELECT value FROM meta WHERE key=?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta stores a station setting.
func (t *txn) SetMeta(key, value string) error {
	if _, err := t.exec(`INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`, key, value); err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}
