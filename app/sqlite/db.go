// Package sqlite is the station's store on SQLite (mattn/go-sqlite3): opening
// a database the right way, embedded versioned migrations, and online backup
// and restore. The services in package app run their transactions through it.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3" // also registers the "sqlite3" driver

	"yizhan/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open station database.
type DB struct {
	*sql.DB
	Path string

	lastCommit atomic.Int64  // when a connection last committed, Unix nanoseconds
	stop       chan struct{} // closed by Close: the checkpointer returns
	done       chan struct{} // closed by the checkpointer when it has returned
	stopOnce   sync.Once
}

// CheckpointIdle is how long after the last commit the background
// checkpointer copies the committed pages from the WAL into the database
// file. A commit does not do that work itself (SQLite's default, every
// 1,000 pages of WAL): opening a case at a million cases then paid, every
// thirty cases or so, for writing back and fsyncing the pages of the last
// thirty, which made its p99 several times its median. Waiting for a quiet
// moment keeps the checkpoint's writes and fsync from competing with the
// commits of a burst of work.
const CheckpointIdle = 200 * time.Millisecond

// AutoCheckpointPages is the WAL size, in pages, at which a commit runs a
// checkpoint itself after all. It bounds the WAL (to about 40 MB) when
// commits never pause, as in a long pull, or the checkpointer cannot finish
// because a read holds the WAL.
const AutoCheckpointPages = 10000

// DSN returns the connection string with the pragmas every connection needs:
// WAL so readers never block the writer, foreign keys on, a busy timeout so a
// second process waits instead of failing, and synchronous=FULL because a
// power cut must not lose a recorded case.
func DSN(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate")
	// Keep each connection's prepared statements: a pull page runs the same
	// few statements thousands of times, and preparing them again each
	// time cost more than running them.
	q.Set("_stmt_cache_size", "64")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and migrates it to the
// newest schema. A database from a newer program is refused untouched,
// with an error wrapping migrate.ErrTooNew.
func Open(path string) (*DB, error) {
	if err := refuseTooNew(path); err != nil {
		return nil, err
	}
	db, err := open(path)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(context.Background(), 0); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// open opens the database at path with the station's pragmas and starts
// its checkpointer.
func open(path string) (*DB, error) {
	db := &DB{Path: path, stop: make(chan struct{}), done: make(chan struct{})}
	drv := &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		c.RegisterCommitHook(func() int {
			db.lastCommit.Store(time.Now().UnixNano())
			return 0 // let the commit go on
		})
		_, err := c.Exec(fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, AutoCheckpointPages), nil)
		return err
	}}
	db.DB = sql.OpenDB(connector{drv: drv, dsn: DSN(path)})
	if err := db.Ping(); err != nil {
		db.DB.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	go db.checkpointer()
	return db, nil
}

// connector opens connections of one DSN through a driver of its own, so
// the connect hook needs no globally registered driver name.
type connector struct {
	drv *sqlite3.SQLiteDriver
	dsn string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }

func (c connector) Driver() driver.Driver { return c.drv }

// checkpointer runs a PASSIVE checkpoint once the database has had no
// commit for CheckpointIdle, until Close. PASSIVE copies what no reader
// still needs and never waits for nor blocks a reader or a writer; a
// checkpoint that could not copy every frame (a read still needed them, or
// the database was busy) is tried again at the next tick.
func (db *DB) checkpointer() {
	defer close(db.done)
	t := time.NewTicker(CheckpointIdle / 2)
	defer t.Stop()
	var covered int64 // the last commit a complete checkpoint came after
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
		}
		last := db.lastCommit.Load()
		if last == covered || time.Since(time.Unix(0, last)) < CheckpointIdle {
			continue
		}
		var busy, frames, copied int
		err := db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
		if err == nil && busy == 0 && copied == frames {
			covered = last
		}
	}
}

// Close stops the checkpointer and closes the database; closing the last
// connection checkpoints what is left in the WAL.
func (db *DB) Close() error {
	if db.stop != nil {
		db.stopOnce.Do(func() {
			close(db.stop)
			<-db.done
		})
	}
	return db.DB.Close()
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]migrate.Migration, error) { return migrate.Load(migrationFS, "migrations") }

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

// Migrate applies the embedded migrations up to target (0 = all), all in
// one transaction with the version bump, so a failed upgrade leaves the
// database exactly as it was (see MigrateWith).
func (db *DB) Migrate(ctx context.Context, target int) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	return db.MigrateWith(ctx, ms, target)
}

// OpenAt opens a database and migrates it only up to version; tests use it to
// build databases of every earlier schema. Version 0 is the empty database
// (for Migrate a target of 0 means "all", so it is not passed on).
func OpenAt(path string, version int) (*DB, error) {
	db, err := open(path)
	if err != nil {
		return nil, err
	}
	if version <= 0 {
		return db, nil
	}
	if err := db.Migrate(context.Background(), version); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Tx runs fn in one write transaction: committed if fn returns nil, rolled
// back otherwise. Every write in Yizhan goes through here.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns nil when it says ok.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// IsConstraint reports whether err is SQLite refusing a write that breaks a
// constraint (UNIQUE, CHECK, NOT NULL, a foreign key): a row the data do
// not allow, as opposed to a failing disk or a cancelled context.
func IsConstraint(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrConstraint
}
