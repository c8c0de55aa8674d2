package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"

	"yizhan/domain"
	"yizhan/hall"
)

// txn is one store transaction; it implements hall.Tx.
type txn struct {
	ctx      context.Context
	tx       *sql.Tx
	readOnly bool
	pre      *prefetched // what Prefetch read; nil without one
}

var _ hall.Tx = (*txn)(nil)

func (t *txn) exec(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *txn) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, q, args...)
}

func (t *txn) row(q string, args ...any) *sql.Row { return t.tx.QueryRowContext(t.ctx, q, args...) }

func isUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique ||
		errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const stationCols = `code,name,region,coalesce(enrol_hash,''),enrol_expires,token_hash,sign_key,age_key,app_version,
	created_at,enrolled_at,revoked_at,last_seen,cursor,last_dseq,audit_seq,audit_hash,tampered_at,tamper_note,
	kind,office_sends,audit_verified_seq,audit_verified_hash,audit_named,audit_proven,audit_misses`

func scanStation(sc interface{ Scan(...any) error }, extra ...any) (*hall.StationRecord, error) {
	var st hall.StationRecord
	var exp, created, enrolled, revoked, seen, tampered, named string
	dest := []any{&st.Code, &st.Name, &st.Region, &st.EnrolHash, &exp, &st.TokenHash, &st.SignKey, &st.AgeKey, &st.AppVersion,
		&created, &enrolled, &revoked, &seen, &st.Cursor, &st.LastDSeq, &st.AuditSeq, &st.AuditHash, &tampered, &st.TamperNote,
		&st.Kind, &st.OfficeSends, &st.AuditVerifiedSeq, &st.AuditVerifiedHash, &named, &st.AuditProven, &st.AuditMisses}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(named), &st.AuditNamed); err != nil {
		return nil, fmt.Errorf("station %s: audit heads: %w", st.Code, err)
	}
	for _, p := range []struct {
		s string
		t *time.Time
	}{{exp, &st.EnrolExpires}, {created, &st.CreatedAt}, {enrolled, &st.EnrolledAt}, {revoked, &st.RevokedAt},
		{seen, &st.LastSeen}, {tampered, &st.TamperedAt}} {
		v, err := parseTime(p.s)
		if err != nil {
			return nil, fmt.Errorf("station %s: %w", st.Code, err)
		}
		*p.t = v
	}
	return &st, nil
}

func notFoundStation(code string) error {
	return domain.Errorf(domain.ENotFound, "找不到站点 "+code+"。", "station %s not found", code)
}

// CreateStation inserts a new station.
func (t *txn) CreateStation(st *hall.StationRecord) error {
	_, err := t.exec(`INSERT INTO stations(code,name,region,enrol_hash,enrol_expires,created_at,kind) VALUES(?,?,?,?,?,?,?)`,
		st.Code, st.Name, st.Region, nullable(st.EnrolHash), fmtTime(st.EnrolExpires), fmtTime(st.CreatedAt), kindOf(st))
	if isUnique(err) {
		return domain.Errorf(domain.EConflict, "站点编码 "+st.Code+" 已存在。", "station %s exists", st.Code)
	}
	if err != nil {
		return fmt.Errorf("create station %s: %w", st.Code, err)
	}
	return nil
}

// Station returns one station. Conflicts is left 0: the hot path of every
// sync reads this row and needs no count.
func (t *txn) Station(code string) (*hall.StationRecord, error) {
	st, err := scanStation(t.row(`SELECT `+stationCols+` FROM stations WHERE code=?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFoundStation(code)
	}
	if err != nil {
		return nil, fmt.Errorf("station %s: %w", code, err)
	}
	return st, nil
}

// StationByEnrolHash finds a station by its pending enrolment code's hash.
func (t *txn) StationByEnrolHash(hash string) (*hall.StationRecord, error) {
	st, err := scanStation(t.row(`SELECT `+stationCols+` FROM stations WHERE enrol_hash=?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENotFound, "注册码无效。", "no station with that enrolment code")
	}
	if err != nil {
		return nil, fmt.Errorf("station by enrolment code: %w", err)
	}
	return st, nil
}

// UpdateStation writes the station's mutable fields; last_dseq is Enqueue's.
func (t *txn) UpdateStation(st *hall.StationRecord) error {
	res, err := t.exec(`UPDATE stations SET name=?,region=?,enrol_hash=?,enrol_expires=?,token_hash=?,sign_key=?,age_key=?,
		app_version=?,enrolled_at=?,revoked_at=?,last_seen=?,cursor=?,audit_seq=?,audit_hash=?,tampered_at=?,tamper_note=?,
		kind=?,office_sends=?,audit_verified_seq=?,audit_verified_hash=?,audit_named=?,audit_proven=?,audit_misses=? WHERE code=?`,
		st.Name, st.Region, nullable(st.EnrolHash), fmtTime(st.EnrolExpires), st.TokenHash, st.SignKey, st.AgeKey,
		st.AppVersion, fmtTime(st.EnrolledAt), fmtTime(st.RevokedAt), fmtTime(st.LastSeen), st.Cursor, st.AuditSeq, st.AuditHash,
		fmtTime(st.TamperedAt), st.TamperNote, kindOf(st), st.OfficeSends, st.AuditVerifiedSeq, st.AuditVerifiedHash,
		namedJSON(st), st.AuditProven, st.AuditMisses, st.Code)
	if err != nil {
		return fmt.Errorf("update station %s: %w", st.Code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFoundStation(st.Code)
	}
	return nil
}

// Stations lists every station with its count of conflicts.
func (t *txn) Stations() ([]*hall.StationRecord, error) {
	rows, err := t.query(`SELECT ` + stationCols + `,
		(SELECT count(*) FROM log WHERE log.station=stations.code AND log.status='conflict'),
		(SELECT count(*) FROM quarantine WHERE quarantine.station=stations.code) FROM stations ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("stations: %w", err)
	}
	defer rows.Close()
	var out []*hall.StationRecord
	for rows.Next() {
		var n, q int
		st, err := scanStation(rows, &n, &q)
		if err != nil {
			return nil, fmt.Errorf("stations: %w", err)
		}
		st.Conflicts, st.Quarantined = n, q
		out = append(out, st)
	}
	return out, rows.Err()
}

// ActiveStations lists enrolled, unrevoked stations. SQLite's single writer
// already serialises this against Enroll; see hall.Tx for what PostgreSQL
// must lock.
func (t *txn) ActiveStations() ([]string, error) {
	rows, err := t.query(`SELECT code FROM stations WHERE enrolled_at<>'' AND revoked_at='' ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("active stations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("active stations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RecordAccess appends a line to the access log.
func (t *txn) RecordAccess(a *hall.Access) error {
	_, err := t.exec(`INSERT INTO access_log(at,actor,action,case_id,detail) VALUES(?,?,?,?,?)`,
		fmtTime(a.At), a.Actor, a.Action, a.CaseID, a.Detail)
	if err != nil {
		return fmt.Errorf("access log: %w", err)
	}
	return nil
}

// BlobOwned reports whether station completed an upload of hash.
func (t *txn) BlobOwned(hash, station string) (bool, error) {
	var n int
	err := t.row(`SELECT count(*) FROM blob_owners WHERE hash=? AND station=?`, hash, station).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("blob owner: %w", err)
	}
	return n > 0, nil
}

// AddBlobOwner records a verified upload.
func (t *txn) AddBlobOwner(hash, station string, size int64, at time.Time) error {
	_, err := t.exec(`INSERT INTO blob_owners(hash,station,size,uploaded_at) VALUES(?,?,?,?) ON CONFLICT DO NOTHING`,
		hash, station, size, fmtTime(at))
	if err != nil {
		return fmt.Errorf("blob owner: %w", err)
	}
	return nil
}

// BlobUsage sums the bytes of station's verified uploads.
func (t *txn) BlobUsage(station string) (int64, error) {
	var n int64
	if err := t.row(`SELECT coalesce(sum(size),0) FROM blob_owners WHERE station=?`, station).Scan(&n); err != nil {
		return 0, fmt.Errorf("blob usage: %w", err)
	}
	return n, nil
}

// UnreferencedBlobs lists blobs no case references, uploaded before before.
func (t *txn) UnreferencedBlobs(before time.Time, limit int) ([]string, error) {
	rows, err := t.query(`SELECT hash FROM blob_owners o WHERE NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.hash=o.hash)
		GROUP BY hash HAVING max(uploaded_at) < ? ORDER BY hash LIMIT ?`, fmtTime(before), limit)
	if err != nil {
		return nil, fmt.Errorf("unreferenced blobs: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("unreferenced blobs: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// DeleteBlobOwners forgets the uploads of hash unless a case references it.
func (t *txn) DeleteBlobOwners(hash string) (bool, error) {
	res, err := t.exec(`DELETE FROM blob_owners WHERE hash=? AND NOT EXISTS (SELECT 1 FROM blob_refs WHERE hash=?)`, hash, hash)
	if err != nil {
		return false, fmt.Errorf("delete blob owners: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// namedJSON is the audit heads a station row stores.
func namedJSON(st *hall.StationRecord) string {
	if len(st.AuditNamed) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(st.AuditNamed) // a slice of plain structs always marshals
	return string(b)
}

// kindOf is the kind a station row stores: the default for none.
func kindOf(st *hall.StationRecord) string {
	if st.Kind == "" {
		return string(domain.DefaultStationKind)
	}
	return string(st.Kind)
}

// PutQuarantine records a station's report of an event it set aside.
func (t *txn) PutQuarantine(q *hall.Quarantine) error {
	_, err := t.exec(`INSERT INTO quarantine(station,event_id,case_id,log_seq,code,reason,reported_at) VALUES(?,?,?,?,?,?,?)
		ON CONFLICT DO NOTHING`, q.Station, q.EventID, q.CaseID, q.LogSeq, q.Code, q.Reason, fmtTime(q.Reported))
	if err != nil {
		return fmt.Errorf("quarantine %s: %w", q.EventID, err)
	}
	return nil
}

// Quarantined lists quarantine reports, newest first.
func (t *txn) Quarantined(station string, limit int) ([]*hall.Quarantine, error) {
	if limit <= 0 {
		limit = 200
	}
	rows, err := t.query(`SELECT station,event_id,case_id,log_seq,code,reason,reported_at FROM quarantine
		WHERE ?='' OR station=? ORDER BY reported_at DESC, station, event_id LIMIT ?`, station, station, limit)
	if err != nil {
		return nil, fmt.Errorf("quarantined: %w", err)
	}
	defer rows.Close()
	var out []*hall.Quarantine
	for rows.Next() {
		var q hall.Quarantine
		var at string
		if err := rows.Scan(&q.Station, &q.EventID, &q.CaseID, &q.LogSeq, &q.Code, &q.Reason, &at); err != nil {
			return nil, fmt.Errorf("quarantined: %w", err)
		}
		if q.Reported, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("quarantined: %w", err)
		}
		out = append(out, &q)
	}
	return out, rows.Err()
}
