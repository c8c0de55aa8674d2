package migrate

import (
	"context"
	"database/sql"
	"fmt"
)

// SQLite returns db as a database the runner migrates, with its schema
// version kept in PRAGMA user_version: the station's store and the hall's
// SQLite store. db must begin its transactions IMMEDIATE (the DSN's
// _txlock=immediate), which takes the write lock at BEGIN and so keeps a
// second process out until the step commits.
func SQLite(db *sql.DB) DB { return sqliteDB{db} }

type sqliteDB struct{ db *sql.DB }

func (d sqliteDB) Begin(ctx context.Context) (Tx, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return sqliteTx{tx}, nil
}

type sqliteTx struct{ tx *sql.Tx }

func (t sqliteTx) Version(ctx context.Context) (int, error) {
	var v int
	err := t.tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

func (t sqliteTx) Apply(ctx context.Context, m Migration) error {
	if _, err := t.tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, m.Version)); err != nil {
		return fmt.Errorf("set version: %w", err)
	}
	return nil
}

func (t sqliteTx) Commit() error   { return t.tx.Commit() }
func (t sqliteTx) Rollback() error { return t.tx.Rollback() }
