package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"yizhan/app"
)

// InsertBlob records an attachment and reports whether it was new: the
// same content imported twice is recorded once.
func (t *txn) InsertBlob(b app.Blob) (bool, error) {
	res, err := t.exec(`INSERT INTO blobs(sha256,size,mime,name,created_at) VALUES(?,?,?,?,?) ON CONFLICT(sha256) DO NOTHING`,
		b.SHA256, b.Size, b.Mime, b.Name, b.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("import blob %s: %w", b.SHA256, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

const blobCols = `sha256,size,mime,name,uploaded,created_at`

func (t *txn) blobs(where string, limit int) ([]app.Blob, error) {
	rows, err := t.query(`SELECT `+blobCols+` FROM blobs `+where, limit)
	if err != nil {
		return nil, fmt.Errorf("blobs: %w", err)
	}
	defer rows.Close()
	var out []app.Blob
	for rows.Next() {
		var b app.Blob
		if err := rows.Scan(&b.SHA256, &b.Size, &b.Mime, &b.Name, &b.Uploaded, &b.CreatedAt); err != nil {
			return nil, fmt.Errorf("blobs: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// PendingBlobs returns up to limit attachments not yet at the hall, oldest
// first.
func (t *txn) PendingBlobs(limit int) ([]app.Blob, error) {
	return t.blobs(`WHERE uploaded=0 ORDER BY created_at, sha256 LIMIT ?`, limit)
}

// ListBlobs returns up to limit attachments, newest first.
func (t *txn) ListBlobs(limit int) ([]app.Blob, error) {
	return t.blobs(`ORDER BY created_at DESC, sha256 LIMIT ?`, limit)
}

// PendingBlobCount returns how many attachments are not yet at the hall.
func (t *txn) PendingBlobCount() (int, error) {
	n, err := t.count(`SELECT count(*) FROM blobs WHERE uploaded=0`)
	if err != nil {
		return 0, fmt.Errorf("pending blobs: %w", err)
	}
	return n, nil
}

// MarkBlobUploaded records that the hall holds an attachment, verified.
func (t *txn) MarkBlobUploaded(sha string) error {
	if _, err := t.exec(`UPDATE blobs SET uploaded=1 WHERE sha256=?`, sha); err != nil {
		return fmt.Errorf("mark blob %s uploaded: %w", sha, err)
	}
	return nil
}

// Blob returns an attachment's record, or nil.
func (t *txn) Blob(sha string) (*app.Blob, error) {
	var b app.Blob
	err := t.queryRow(`SELECT `+blobCols+` FROM blobs WHERE sha256=?`, sha).
		Scan(&b.SHA256, &b.Size, &b.Mime, &b.Name, &b.Uploaded, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", sha, err)
	}
	return &b, nil
}
