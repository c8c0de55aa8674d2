package app

import (
	"context"
	"database/sql"
)

// Store is the station's persistence. app/sqlite is its implementation. All
// logic lives in Station: a store only keeps and finds rows.
type Store interface {
	// Update runs fn in one write transaction, committed when fn returns
	// nil and rolled back otherwise. Everything one service call writes
	// goes through a single Update, so it is all or nothing.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn with reads on the store. It writes nothing.
	View(ctx context.Context, fn func(Tx) error) error
	// Backup writes a consistent copy of the database to dst while the
	// station keeps working, for its owner only.
	Backup(ctx context.Context, dst string) error
	// Close releases the store.
	Close() error

	rawSQL
}

// Tx is one store transaction, bound to the context it was opened with.
type Tx interface {
	rawTx
}

// rawSQL is the database/sql access of the services not yet moved behind
// Tx. It goes once the last of them has moved.
type rawSQL interface {
	Tx(ctx context.Context, fn func(*sql.Tx) error) error
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	IsConstraint(err error) bool
}

// rawTx is the database/sql transaction under a Tx, for the services not
// yet moved behind Tx. It goes with rawSQL.
type rawTx interface {
	SQL() *sql.Tx
}
