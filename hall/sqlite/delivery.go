package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"yizhan/domain"
	"yizhan/hall"
)

// Enqueue appends refs to a station's delivery queue. The counter bump and
// the inserts happen in this write transaction, which holds SQLite's single
// write lock until commit: dseqs of a station therefore commit in order and
// a reader never sees dseq n+1 before n (see hall.Tx.Enqueue).
func (t *txn) Enqueue(station string, refs []hall.Ref) error {
	if len(refs) == 0 {
		return nil
	}
	var last int64
	err := t.row(`UPDATE stations SET last_dseq = last_dseq + ? WHERE code=? RETURNING last_dseq`, len(refs), station).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return notFoundStation(station)
	}
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", station, err)
	}
	stmt, err := t.tx.PrepareContext(t.ctx, `INSERT INTO deliveries(station,dseq,log_seq,pub_seq) VALUES(?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", station, err)
	}
	defer stmt.Close()
	dseq := last - int64(len(refs))
	for _, r := range refs {
		dseq++
		var logSeq, pubSeq any
		if r.LogSeq > 0 {
			logSeq = r.LogSeq
		}
		if r.PubSeq > 0 {
			pubSeq = r.PubSeq
		}
		if _, err := stmt.ExecContext(t.ctx, station, dseq, logSeq, pubSeq); err != nil {
			return fmt.Errorf("enqueue %s #%d: %w", station, dseq, err)
		}
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
		WHERE d.station=? AND d.dseq>? ORDER BY d.dseq LIMIT ?`, station, after, limit)
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

func scanDelivery(rows *sql.Rows) (*hall.Delivery, error) {
	var d hall.Delivery
	var lseq, pseq sql.NullInt64
	var lstatus, lcode, lreason, lzh, lstation, lat, lid, lcase, lkind sql.NullString
	var levent []byte
	var pkey, pkind, pcat, pbody, pat sql.NullString
	if err := rows.Scan(&d.DSeq, &lseq, &lstatus, &lcode, &lreason, &lzh, &lstation, &levent, &lat, &lid, &lcase, &lkind,
		&pseq, &pkey, &pkind, &pcat, &pbody, &pat); err != nil {
		return nil, err
	}
	if lseq.Valid {
		// The event passes through as stored: no decoding.
		le := &hall.LogEntry{Seq: lseq.Int64, Status: lstatus.String, Code: lcode.String, Reason: lreason.String,
			Zh: lzh.String, Station: lstation.String, Raw: levent,
			Event: &domain.Event{ID: lid.String, CaseID: lcase.String, Kind: domain.EventKind(lkind.String)}}
		at, err := parseTime(lat.String)
		if err != nil {
			return nil, err
		}
		le.Received = at
		d.Log = le
	}
	if pseq.Valid {
		at, err := parseTime(pat.String)
		if err != nil {
			return nil, err
		}
		d.Pub = &hall.Published{Seq: pseq.Int64, Key: pkey.String, Kind: pkind.String, Catalog: pcat.String,
			Body: []byte(pbody.String), Published: at}
	}
	return &d, nil
}

const pubCols = `seq,key,kind,catalog,body,published_at`

func scanPub(sc interface{ Scan(...any) error }) (*hall.Published, error) {
	var p hall.Published
	var body, at string
	if err := sc.Scan(&p.Seq, &p.Key, &p.Kind, &p.Catalog, &body, &at); err != nil {
		return nil, err
	}
	p.Body = []byte(body)
	t, err := parseTime(at)
	if err != nil {
		return nil, err
	}
	p.Published = t
	return &p, nil
}

// Publish appends a published row.
func (t *txn) Publish(p *hall.Published) (int64, error) {
	res, err := t.exec(`INSERT INTO published(key,kind,catalog,body,published_at) VALUES(?,?,?,?,?)`,
		p.Key, p.Kind, p.Catalog, string(p.Body), fmtTime(p.Published))
	if err != nil {
		return 0, fmt.Errorf("publish %s: %w", p.Key, err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("publish %s: %w", p.Key, err)
	}
	p.Seq = seq
	return seq, nil
}

// LatestPublished returns the newest row of a key, or nil.
func (t *txn) LatestPublished(key string) (*hall.Published, error) {
	p, err := scanPub(t.row(`SELECT `+pubCols+` FROM published WHERE key=? ORDER BY seq DESC LIMIT 1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("published %s: %w", key, err)
	}
	return p, nil
}

// CurrentPublished returns the newest row of every key, in publication order.
func (t *txn) CurrentPublished() ([]*hall.Published, error) {
	rows, err := t.query(`SELECT ` + pubCols + ` FROM published p
		WHERE seq = (SELECT max(seq) FROM published q WHERE q.key = p.key) ORDER BY seq`)
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
