package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"yizhan/domain"
	"yizhan/hall"
)

const stationCols = `s.code,s.name,s.region,coalesce(s.enrol_hash,''),s.enrol_expires,s.token_hash,s.sign_key,s.age_key,
	s.app_version,s.created_at,s.enrolled_at,s.revoked_at,s.last_seen,s.cursor,q.last_dseq,s.audit_seq,s.audit_hash,
	s.tampered_at,s.tamper_note,s.kind,s.office_sends,s.audit_verified_seq,s.audit_verified_hash,s.audit_named,s.audit_proven,s.audit_misses,s.rev`

const stationFrom = ` FROM stations s JOIN station_queues q ON q.station = s.code`

// scanStation reads a row of stationCols and remembers its rev.
func (t *txn) scanStation(sc pgx.Row, extra ...any) (*hall.StationRecord, error) {
	var st hall.StationRecord
	var exp, created, enrolled, revoked, seen, tampered *time.Time
	var rev int64
	var named string
	dest := []any{&st.Code, &st.Name, &st.Region, &st.EnrolHash, &exp, &st.TokenHash, &st.SignKey, &st.AgeKey,
		&st.AppVersion, &created, &enrolled, &revoked, &seen, &st.Cursor, &st.LastDSeq, &st.AuditSeq, &st.AuditHash,
		&tampered, &st.TamperNote, &st.Kind, &st.OfficeSends, &st.AuditVerifiedSeq, &st.AuditVerifiedHash, &named, &st.AuditProven,
		&st.AuditMisses, &rev}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(named), &st.AuditNamed); err != nil {
		return nil, fmt.Errorf("station %s: audit heads: %w", st.Code, err)
	}
	st.EnrolExpires, st.CreatedAt, st.EnrolledAt = timeOf(exp), timeOf(created), timeOf(enrolled)
	st.RevokedAt, st.LastSeen, st.TamperedAt = timeOf(revoked), timeOf(seen), timeOf(tampered)
	if _, ok := t.revs[st.Code]; !ok {
		// The first read counts: an UpdateStation built from it must fail
		// if anyone wrote the row since, even if this transaction read it
		// again in between.
		t.revs[st.Code] = readRow{rev: rev, enrolled: st.Enrolled()}
	}
	return &st, nil
}

func notFoundStation(code string) error {
	return domain.Errorf(domain.ENotFound, "找不到站点 "+code+"。", "station %s not found", code)
}

// CreateStation inserts a new station and its delivery counter.
func (t *txn) CreateStation(st *hall.StationRecord) error {
	tag, err := t.exec(`INSERT INTO stations(code,name,region,enrol_hash,enrol_expires,created_at,kind) VALUES($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (code) DO NOTHING`,
		st.Code, st.Name, st.Region, nullable(st.EnrolHash), nullTime(st.EnrolExpires), st.CreatedAt, kindOf(st))
	if err != nil {
		return fmt.Errorf("create station %s: %w", st.Code, err)
	}
	if tag.RowsAffected() == 0 {
		return domain.Errorf(domain.EConflict, "站点编码 "+st.Code+" 已存在。", "station %s exists", st.Code)
	}
	if _, err := t.exec(`INSERT INTO station_queues(station) VALUES($1)`, st.Code); err != nil {
		return fmt.Errorf("create station %s: queue: %w", st.Code, err)
	}
	t.revs[st.Code] = readRow{}
	return nil
}

// Station returns one station. Conflicts is left 0, as in hall/sqlite.
func (t *txn) Station(code string) (*hall.StationRecord, error) {
	st, err := t.scanStation(t.row(`SELECT `+stationCols+stationFrom+` WHERE s.code=$1`, code))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFoundStation(code)
	}
	if err != nil {
		return nil, fmt.Errorf("station %s: %w", code, err)
	}
	return st, nil
}

// StationByEnrolHash finds a station by its pending enrolment code's hash.
func (t *txn) StationByEnrolHash(hash string) (*hall.StationRecord, error) {
	st, err := t.scanStation(t.row(`SELECT `+stationCols+stationFrom+` WHERE s.enrol_hash=$1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENotFound, "注册码无效。", "no station with that enrolment code")
	}
	if err != nil {
		return nil, fmt.Errorf("station by enrolment code: %w", err)
	}
	return st, nil
}

// UpdateStation writes the station's mutable fields. If this transaction
// read the row, the write happens only if nobody wrote it since (its rev is
// unchanged); otherwise it returns errStale and Update starts over, so two
// hall processes never both act on one reading of a station, as two
// enrolments with one code would. A write that enrols the station first
// takes the registry lock shared (see ActiveStations).
func (t *txn) UpdateStation(st *hall.StationRecord) error {
	read, known := t.revs[st.Code]
	if st.Enrolled() && !read.enrolled {
		if _, err := t.exec(`SELECT pg_advisory_xact_lock_shared($1, 0)`, lockRegistry); err != nil {
			return fmt.Errorf("update station %s: lock: %w", st.Code, err)
		}
	}
	tag, err := t.exec(`UPDATE stations SET name=$1,region=$2,enrol_hash=$3,enrol_expires=$4,token_hash=$5,sign_key=$6,
		age_key=$7,app_version=$8,enrolled_at=$9,revoked_at=$10,last_seen=$11,cursor=$12,audit_seq=$13,audit_hash=$14,
		tampered_at=$15,tamper_note=$16,kind=$20,office_sends=$21,audit_verified_seq=$22,audit_verified_hash=$23,audit_proven=$24,
		audit_misses=$25,audit_named=$26,rev=rev+1 WHERE code=$17 AND (NOT $18 OR rev=$19)`,
		st.Name, st.Region, nullable(st.EnrolHash), nullTime(st.EnrolExpires), st.TokenHash, st.SignKey, st.AgeKey,
		st.AppVersion, nullTime(st.EnrolledAt), nullTime(st.RevokedAt), nullTime(st.LastSeen), st.Cursor, st.AuditSeq,
		st.AuditHash, nullTime(st.TamperedAt), st.TamperNote, st.Code, known, read.rev,
		kindOf(st), st.OfficeSends, st.AuditVerifiedSeq, st.AuditVerifiedHash, st.AuditProven, st.AuditMisses, namedJSON(st))
	if err != nil {
		return fmt.Errorf("update station %s: %w", st.Code, err)
	}
	if tag.RowsAffected() == 1 {
		t.revs[st.Code] = readRow{rev: read.rev + 1, enrolled: st.Enrolled()}
		return nil
	}
	var exists bool
	if err := t.row(`SELECT EXISTS (SELECT 1 FROM stations WHERE code=$1)`, st.Code).Scan(&exists); err != nil {
		return fmt.Errorf("update station %s: %w", st.Code, err)
	}
	if !exists {
		return notFoundStation(st.Code)
	}
	return fmt.Errorf("update station %s: %w", st.Code, errStale)
}

// Stations lists every station with its count of conflicts.
func (t *txn) Stations() ([]*hall.StationRecord, error) {
	rows, err := t.query(`SELECT ` + stationCols + `,
		(SELECT count(*) FROM log WHERE log.station=s.code AND log.status='conflict'),
		(SELECT count(*) FROM quarantine WHERE quarantine.station=s.code)` + stationFrom + ` ORDER BY s.code`)
	if err != nil {
		return nil, fmt.Errorf("stations: %w", err)
	}
	defer rows.Close()
	var out []*hall.StationRecord
	for rows.Next() {
		var n, q int
		st, err := t.scanStation(rows, &n, &q)
		if err != nil {
			return nil, fmt.Errorf("stations: %w", err)
		}
		st.Conflicts, st.Quarantined = n, q
		out = append(out, st)
	}
	return out, rows.Err()
}

// ActiveStations lists enrolled, unrevoked stations. In an Update it first
// takes the registry lock exclusively, which an enrolment takes shared
// before it marks its station enrolled (UpdateStation): a publication and
// an enrolment are thus serial, so either the publication sees the station
// enrolled and queues its rows for it, or the enrolment, waiting until the
// publication committed, finds them in CurrentPublished for its backfill.
// (Row locks FOR SHARE on the registry would also do, but they make every
// sync that ends by writing its own registry row wait for the whole
// publication, and deadlock with the queue locks it already holds.)
func (t *txn) ActiveStations() ([]string, error) {
	if !t.readOnly {
		if _, err := t.exec(`SELECT pg_advisory_xact_lock($1, 0)`, lockRegistry); err != nil {
			return nil, fmt.Errorf("active stations: lock: %w", err)
		}
	}
	rows, err := t.query(`SELECT code FROM stations WHERE enrolled_at IS NOT NULL AND revoked_at IS NULL ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("active stations: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("active stations: %w", err)
	}
	return out, nil
}

// RecordAccess appends a line to the access log.
func (t *txn) RecordAccess(a *hall.Access) error {
	_, err := t.exec(`INSERT INTO access_log(at,actor,action,case_id,detail) VALUES($1,$2,$3,$4,$5)`,
		a.At, a.Actor, a.Action, a.CaseID, a.Detail)
	if err != nil {
		return fmt.Errorf("access log: %w", err)
	}
	return nil
}

// BlobOwned reports whether station completed an upload of hash.
func (t *txn) BlobOwned(hash, station string) (bool, error) {
	var ok bool
	err := t.row(`SELECT EXISTS (SELECT 1 FROM blob_owners WHERE hash=$1 AND station=$2)`, hash, station).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("blob owner: %w", err)
	}
	return ok, nil
}

// AddBlobOwner records a verified upload.
func (t *txn) AddBlobOwner(hash, station string, size int64, at time.Time) error {
	_, err := t.exec(`INSERT INTO blob_owners(hash,station,size,uploaded_at) VALUES($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
		hash, station, size, at)
	if err != nil {
		return fmt.Errorf("blob owner: %w", err)
	}
	return nil
}

// BlobUsage sums the bytes of station's verified uploads.
func (t *txn) BlobUsage(station string) (int64, error) {
	var n int64
	if err := t.row(`SELECT coalesce(sum(size),0)::bigint FROM blob_owners WHERE station=$1`, station).Scan(&n); err != nil {
		return 0, fmt.Errorf("blob usage: %w", err)
	}
	return n, nil
}

// UnreferencedBlobs lists blobs no case references, uploaded before before.
func (t *txn) UnreferencedBlobs(before time.Time, limit int) ([]string, error) {
	rows, err := t.query(`SELECT hash FROM blob_owners o WHERE NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.hash=o.hash)
		GROUP BY hash HAVING max(uploaded_at) < $1 ORDER BY hash LIMIT $2`, before, limit)
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
	tag, err := t.exec(`DELETE FROM blob_owners WHERE hash=$1 AND NOT EXISTS (SELECT 1 FROM blob_refs WHERE hash=$1)`, hash)
	if err != nil {
		return false, fmt.Errorf("delete blob owners: %w", err)
	}
	return tag.RowsAffected() > 0, nil
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
	_, err := t.exec(`INSERT INTO quarantine(station,event_id,case_id,log_seq,code,reason,reported_at) VALUES($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT DO NOTHING`, q.Station, q.EventID, q.CaseID, q.LogSeq, q.Code, q.Reason, q.Reported)
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
		WHERE $1='' OR station=$1 ORDER BY reported_at DESC, station, event_id LIMIT $2`, station, limit)
	if err != nil {
		return nil, fmt.Errorf("quarantined: %w", err)
	}
	defer rows.Close()
	var out []*hall.Quarantine
	for rows.Next() {
		var q hall.Quarantine
		if err := rows.Scan(&q.Station, &q.EventID, &q.CaseID, &q.LogSeq, &q.Code, &q.Reason, &q.Reported); err != nil {
			return nil, fmt.Errorf("quarantined: %w", err)
		}
		q.Reported = q.Reported.UTC()
		out = append(out, &q)
	}
	return out, rows.Err()
}
