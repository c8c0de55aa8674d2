// Package postgres is the hall's Store on PostgreSQL (pgx/v5, pgxpool), for
// a hall that outgrows one SQLite file or runs as several processes behind
// a load balancer. It passes the same conformance suite as hall/sqlite
// (hall/storetest) and keeps the same meaning; docs/hall-scale.md explains
// how several hall processes on one database behave as one hall.
//
// Concurrency design. SQLite has one writer, so every Update of the hall
// runs as if alone. Here writers run at once, in READ COMMITTED, and the
// store takes explicit locks where the service reads something and then
// writes what it decided from it:
//
//   - a case: Case, in an Update, takes a transaction advisory lock on the
//     case ID before reading it. The service reads a case before anything
//     else it does to the case (authority, scope, append, fold, backfill),
//     so every append to one case runs serially, sees the case as the
//     previous one committed it, and takes a larger log seq.
//   - an event ID: LogByEventID, in an Update, locks the ID before looking
//     it up, so two hall processes given the same push (a station retrying
//     after a timeout) answer "accepted" once and "duplicate" once.
//   - a case number: CaseByNumber, in an Update, locks the number before
//     looking it up, so two pushes of one number cannot both find it free.
//   - a published key: LatestPublished locks the key, so two publications
//     of one catalog do not both count as new.
//   - a station's delivery counter: Enqueue increments station_queues'
//     row with UPDATE, which holds the row lock to commit; see Enqueue.
//   - a station's registry row: UpdateStation writes only if the row's rev
//     is still what this transaction read, and otherwise makes Update
//     retry.
//   - enrolment against publication: an UpdateStation that enrols takes
//     the registry lock shared, ActiveStations takes it exclusively, so a
//     station enrolling during a publication gets the published rows
//     exactly once, from one or the other.
//
// The global log seq is an identity sequence, not a counter under a lock:
// across cases a later seq may commit first, and a rolled-back append
// leaves a gap. That is safe because nothing reads the log by seq range
// across cases: a case's own entries are appended under its lock, so they
// take seqs in commit order, and stations page by their per-station dseq.
//
// Each lock is taken in a statement before the read it protects: under
// READ COMMITTED every statement sees what committed before it started,
// and PostgreSQL releases a transaction's locks only after its commit is
// visible, so a read after the lock sees everything the previous holder
// wrote. (REPEATABLE READ would read from the snapshot of the first
// statement and miss it.) Deadlocks (40P01) and serialization failures
// (40001) make Update run the function again from the start.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"yizhan/hall"
	"yizhan/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// errStale says a row this transaction read was changed by another one
// before this one wrote it; Update runs the function again.
var errStale = errors.New("row changed by a concurrent transaction")

// DefaultMaxConns is the pool size when the DSN has no pool_max_conns: a
// writer waiting on a case lock holds its connection, so the pool must be
// larger than pgxpool's default of max(4, CPUs).
const DefaultMaxConns = 16

// DefaultConnectTimeout bounds a connection attempt when the DSN has no
// connect_timeout.
const DefaultConnectTimeout = 10 * time.Second

// Store is the hall's PostgreSQL store. It implements hall.Store.
type Store struct {
	// MaxAttempts bounds how often Update runs its function when
	// PostgreSQL reports a deadlock or serialization failure, or a station
	// row changed under it. Default 10.
	MaxAttempts int
	// RetryDelay is the base of the jittered, doubling pause between
	// attempts. Default 2ms.
	RetryDelay time.Duration

	pool *pgxpool.Pool
}

var _ hall.Store = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string, as pgx reads it; pool_max_conns, connect_timeout and search_path
// are honoured) and migrates it to the newest schema under an advisory
// lock, so several hall processes starting at once apply each step once. A
// database from a newer program is refused untouched.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// A hall that cannot reach its database should say so, not hang
		// for as long as the kernel retries a dropped SYN.
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{MaxAttempts: 10, RetryDelay: 2 * time.Millisecond, pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// migrateLock is the advisory lock key of the schema in use: hall processes
// on one schema migrate one at a time, test schemas side by side do not wait.
const migrateLock = `hashtextextended('yizhan hall migrate ' || current_schema(), 0)`

// migrate applies the embedded migrations through the shared runner
// (internal/migrate), each in its own transaction with its row in
// schema_migrations, holding a session advisory lock throughout so hall
// processes starting at once apply each step once. A database from a newer
// program is refused untouched (migrate.ErrTooNew).
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrationFS, "migrations")
	if err != nil {
		return err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+migrateLock+`)`); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer func() {
		// A session lock outlives a cancelled context: if unlocking fails,
		// close the connection, which releases it.
		if _, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock(`+migrateLock+`)`); err != nil {
			conn.Conn().Close(context.Background())
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := migrate.Run(ctx, migrator{conn}, ms, migrate.Options{}); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// migrator is the connection that holds the migration lock, as the runner
// sees it: transactions on it, the version in schema_migrations.
type migrator struct{ conn *pgxpool.Conn }

func (m migrator) Begin(ctx context.Context) (migrate.Tx, error) {
	tx, err := m.conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return migratorTx{ctx: ctx, tx: tx}, nil
}

type migratorTx struct {
	ctx context.Context
	tx  pgx.Tx
}

func (t migratorTx) Version(ctx context.Context) (int, error) { return schemaVersion(ctx, t.tx) }

func (t migratorTx) Apply(ctx context.Context, m migrate.Migration) error {
	if _, err := t.tx.Exec(ctx, m.SQL); err != nil {
		return err
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO schema_migrations(version, name) VALUES($1, $2)`, m.Version, m.Name)
	return err
}

func (t migratorTx) Commit() error { return t.tx.Commit(t.ctx) }

// Rollback uses a context of its own: a cancelled migration must still
// end its transaction on the connection it returns to the pool.
func (t migratorTx) Rollback() error { return t.tx.Rollback(context.Background()) }

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	if err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, s.pool)
}

// Update runs fn in one READ COMMITTED transaction with the locks described
// in the package comment. When PostgreSQL reports a deadlock or a
// serialization failure, or a registry row changed under it, the
// transaction is rolled back and fn runs again, so fn must not keep state
// from one run to the next except what it overwrites.
func (s *Store) Update(ctx context.Context, fn func(hall.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = s.tx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, false, fn)
		if err == nil || !retryable(err) || attempt >= s.MaxAttempts {
			break
		}
		d := s.RetryDelay << min(attempt-1, 6)
		select {
		case <-time.After(d/2 + rand.N(d)):
		case <-ctx.Done():
			return fmt.Errorf("update: %w (after %v)", ctx.Err(), err)
		}
	}
	if err != nil && retryable(err) {
		return fmt.Errorf("update: gave up after %d attempts: %w", s.MaxAttempts, err)
	}
	return err
}

// View runs fn in a read-only REPEATABLE READ transaction: every read sees
// the one snapshot taken at its first statement, so a station row's
// last_dseq and the deliveries read beside it agree.
func (s *Store) View(ctx context.Context, fn func(hall.Tx) error) error {
	return s.tx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, true, fn)
}

func (s *Store) tx(ctx context.Context, opts pgx.TxOptions, readOnly bool, fn func(hall.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := fn(&txn{ctx: ctx, tx: tx, readOnly: readOnly, revs: map[string]readRow{}}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// retryable reports whether running the transaction again may succeed.
func retryable(err error) bool {
	if errors.Is(err, errStale) {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// txn is one store transaction; it implements hall.Tx.
type txn struct {
	ctx      context.Context
	tx       pgx.Tx
	readOnly bool
	revs     map[string]readRow // each station row as first read here
}

// readRow is what UpdateStation needs to know of a station row this
// transaction read.
type readRow struct {
	rev      int64
	enrolled bool
}

var _ hall.Tx = (*txn)(nil)

func (t *txn) exec(q string, args ...any) (pgconn.CommandTag, error) {
	return t.tx.Exec(t.ctx, q, args...)
}

func (t *txn) query(q string, args ...any) (pgx.Rows, error) { return t.tx.Query(t.ctx, q, args...) }

func (t *txn) row(q string, args ...any) pgx.Row { return t.tx.QueryRow(t.ctx, q, args...) }

// Advisory lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
const (
	lockCase     = 1
	lockEvent    = 2
	lockPub      = 3
	lockRegistry = 4 // enrolments (shared) against publications (exclusive)
	lockNumber   = 5 // a case number, while a push checks it is free
)

// lockedRow takes a transaction advisory lock on (space, key), unless this
// is a read-only transaction, and then runs q. The two go in one round trip
// as two statements: the second gets its own snapshot, taken once the lock
// is held, which is the point.
func (t *txn) lockedRow(space int32, key string, scan func(pgx.Row) error, q string, args ...any) error {
	if t.readOnly {
		return scan(t.row(q, args...))
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, space, key)
	b.Queue(q, args...)
	br := t.tx.SendBatch(t.ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return fmt.Errorf("lock: %w", err)
	}
	err := scan(br.QueryRow())
	return errors.Join(err, br.Close())
}

// nullTime stores the zero time as NULL, "never".
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// timeOf reads a nullable timestamptz back in UTC, as hall/sqlite does.
func timeOf(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
