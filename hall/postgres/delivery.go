package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"yizhan/domain"
	"yizhan/hall"
)

// Enqueue appends refs to a station's delivery queue.
//
// Why a station's cursor can never pass an uncommitted delivery: the dseqs
// come from station_queues.last_dseq, incremented by an UPDATE in the same
// statement that inserts the rows. The UPDATE holds the row's lock until
// this transaction ends; a concurrent Enqueue for the same station waits
// for it and then (READ COMMITTED re-reads the newest row version)
// continues from the committed counter. So the transaction holding dseq
// n+1 commits after the one holding n. PostgreSQL makes a commit visible
// before it releases the committing transaction's locks, so any snapshot
// that sees n+1 also sees n, and a pull that hands out n+1 has already
// handed out n (COUCHDB-1256). A rollback returns the counter with the
// rows: no gaps either.
//
// The counter lives in its own table rather than in the registry row that
// a sync rewrites at its end: the service enqueues stations in code order,
// so counter locks never wait in a cycle, but a sync of B that enqueues for
// A and then writes B's registry row would, with one shared row, deadlock
// against a sync of A that enqueues for B.
func (t *txn) Enqueue(station string, refs []hall.Ref) error {
	if len(refs) == 0 {
		return nil
	}
	logSeqs, pubSeqs := make([]int64, len(refs)), make([]int64, len(refs))
	for i, r := range refs {
		logSeqs[i], pubSeqs[i] = r.LogSeq, r.PubSeq
	}
	tag, err := t.exec(`WITH q AS (
			UPDATE station_queues SET last_dseq = last_dseq + $2 WHERE station = $1 RETURNING last_dseq)
		INSERT INTO deliveries(station, dseq, log_seq, pub_seq)
		SELECT $1, q.last_dseq - $2 + u.n, nullif(u.l, 0), nullif(u.p, 0)
		FROM q, unnest($3::bigint[], $4::bigint[]) WITH ORDINALITY AS u(l, p, n)`,
		station, len(refs), logSeqs, pubSeqs)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", station, err)
	}
	if tag.RowsAffected() == 0 {
		return notFoundStation(station)
	}
	return nil
}

// Deliveries returns the next queued rows of a station with what they carry.
func (t *txn) Deliveries(station string, after int64, limit int) ([]*hall.Delivery, error) {
	rows, err := t.query(`SELECT d.dseq,
			l.seq, l.status, l.code, l.reason, l.zh, l.station, l.event, l.received_at, l.event_id, l.case_id, l.kind,
			p.seq, p.key, p.kind, p.catalog, p.body, p.published_at
		FROM deliveries d
		LEFT JOIN log l ON l.seq = d.log_seq
		LEFT JOIN published p ON p.seq = d.pub_seq
		WHERE d.station=$1 AND d.dseq>$2 ORDER BY d.dseq LIMIT $3`, station, after, limit)
	if err != nil {
		return nil, fmt.Errorf("deliveries %s: %w", station, err)
	}
	defer rows.Close()
	var out []*hall.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("deliveries %s: %w", station, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanDelivery(rows pgx.Rows) (*hall.Delivery, error) {
	var d hall.Delivery
	var lseq, pseq *int64
	var lstatus, lcode, lreason, lzh, lstation, levent, lid, lcase, lkind *string
	var pkey, pkind, pcat, pbody *string
	var lat, pat *time.Time
	if err := rows.Scan(&d.DSeq, &lseq, &lstatus, &lcode, &lreason, &lzh, &lstation, &levent, &lat, &lid, &lcase, &lkind,
		&pseq, &pkey, &pkind, &pcat, &pbody, &pat); err != nil {
		return nil, err
	}
	if lseq != nil {
		// The event passes through as stored: no decoding.
		d.Log = &hall.LogEntry{Seq: *lseq, Status: *lstatus, Code: *lcode, Reason: *lreason, Zh: *lzh, Station: *lstation,
			Received: timeOf(lat), Raw: []byte(*levent),
			Event: &domain.Event{ID: *lid, CaseID: *lcase, Kind: domain.EventKind(*lkind)}}
	}
	if pseq != nil {
		d.Pub = &hall.Published{Seq: *pseq, Key: *pkey, Kind: *pkind, Catalog: *pcat, Body: []byte(*pbody),
			Published: timeOf(pat)}
	}
	return &d, nil
}

const pubCols = `seq,key,kind,catalog,body,published_at`

func scanPub(sc pgx.Row) (*hall.Published, error) {
	var p hall.Published
	var body string
	if err := sc.Scan(&p.Seq, &p.Key, &p.Kind, &p.Catalog, &body, &p.Published); err != nil {
		return nil, err
	}
	p.Body = []byte(body)
	p.Published = p.Published.UTC()
	return &p, nil
}

// Publish appends a published row. Its seq, like the log's, is only an
// order of rows; stations receive published rows through their queues.
func (t *txn) Publish(p *hall.Published) (int64, error) {
	err := t.row(`INSERT INTO published(key,kind,catalog,body,published_at) VALUES($1,$2,$3,$4,$5) RETURNING seq`,
		p.Key, p.Kind, p.Catalog, string(p.Body), p.Published).Scan(&p.Seq)
	if err != nil {
		return 0, fmt.Errorf("publish %s: %w", p.Key, err)
	}
	return p.Seq, nil
}

// LatestPublished returns the newest row of a key, or nil. In an Update it
// first locks the key: the service decides from this row whether to publish
// again, and two publications of one catalog must not both decide "new".
func (t *txn) LatestPublished(key string) (*hall.Published, error) {
	var p *hall.Published
	err := t.lockedRow(lockPub, key, func(r pgx.Row) error {
		var err error
		p, err = scanPub(r)
		return err
	}, `SELECT `+pubCols+` FROM published WHERE key=$1 ORDER BY seq DESC LIMIT 1`, key)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("published %s: %w", key, err)
	}
	return p, nil
}

// CurrentPublished returns the newest row of every key, in publication order.
func (t *txn) CurrentPublished() ([]*hall.Published, error) {
	rows, err := t.query(`SELECT ` + pubCols + ` FROM (SELECT DISTINCT ON (key) ` + pubCols + `
		FROM published ORDER BY key, seq DESC) cur ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("current published: %w", err)
	}
	defer rows.Close()
	var out []*hall.Published
	for rows.Next() {
		p, err := scanPub(rows)
		if err != nil {
			return nil, fmt.Errorf("current published: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
