package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"yizhan/domain"
)

// MaxBlobBytes is the largest attachment a station accepts: the same bound
// the hall enforces on upload, so a file accepted here can always be sent.
const MaxBlobBytes = 64 << 20

// Blob is an attachment (a scan or photo of a material), kept by SHA-256.
type Blob struct {
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Mime      string `json:"mime"`
	Name      string `json:"name"`
	Uploaded  bool   `json:"uploaded"`
	CreatedAt string `json:"created_at"`
}

// ValidBlobHash reports whether h is a lower-case SHA-256 hex digest: the
// only names allowed in the blob directory, so a hash from the network can
// never become a path outside it.
func ValidBlobHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, r := range h {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// BlobPath returns the file of an attachment: encrypted (see atrest.go);
// read it through OpenBlob.
func (s *Station) BlobPath(sha string) (string, error) {
	if !ValidBlobHash(sha) {
		return "", domain.Errorf(domain.EInvalid, "附件编号格式不正确。", "blob: bad hash %q", sha)
	}
	return filepath.Join(s.blobs, sha), nil
}

// ImportBlob stores an attachment read from r under its SHA-256 and returns
// the hash. The file is written to a temporary name, synced and renamed, so a
// power cut never leaves a half file under a real hash. Importing the same
// content twice stores it once.
func (s *Station) ImportBlob(ctx context.Context, a Actor, name, mime string, r io.Reader) (string, error) {
	if err := requireStaff(a); err != nil {
		return "", err
	}
	if err := os.MkdirAll(s.blobs, 0o700); err != nil {
		return "", fmt.Errorf("import blob: %w", err)
	}
	sha, size, err := writeBlob(s.blobs, r, s.blobID.Recipient())
	if err != nil {
		return "", err
	}
	name = filepath.Base(strings.TrimSpace(name))
	if mime == "" {
		mime = "application/octet-stream"
	}
	err = s.update(ctx, func(tx Tx) error {
		added, err := tx.InsertBlob(Blob{SHA256: sha, Size: size, Mime: mime, Name: name, CreatedAt: FormatTime(s.now())})
		if err != nil || !added {
			return err
		}
		return s.audit(tx, a, "blob.import", sha, "", "", fmt.Sprintf("%s %d bytes", name, size))
	})
	if err != nil {
		return "", err
	}
	return sha, nil
}

// writeBlob encrypts r to rcp into dir under the SHA-256 of its plaintext,
// via temp file, fsync and rename.
func writeBlob(dir string, r io.Reader, rcp age.Recipient) (string, int64, error) {
	tmp, err := os.CreateTemp(dir, ".import-*")
	if err != nil {
		return "", 0, fmt.Errorf("import blob: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	aw, err := age.Encrypt(tmp, rcp)
	if err != nil {
		tmp.Close()
		return "", 0, fmt.Errorf("import blob: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(aw, h), io.LimitReader(r, MaxBlobBytes+1))
	if err == nil {
		err = aw.Close()
	}
	if err == nil && n > MaxBlobBytes {
		err = domain.Errorf(domain.EInvalid, fmt.Sprintf("附件超过 %d MB，请压缩或分页扫描。", MaxBlobBytes>>20), "blob larger than %d bytes", MaxBlobBytes)
	}
	if err == nil && n == 0 {
		err = domain.Errorf(domain.EInvalid, "附件是空文件。", "blob is empty")
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("import blob: %w", err)
	}
	sha := hex.EncodeToString(h.Sum(nil))
	if err := os.Rename(tmp.Name(), filepath.Join(dir, sha)); err != nil {
		return "", 0, fmt.Errorf("import blob: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return "", 0, fmt.Errorf("import blob: sync dir: %w", err)
		}
	}
	return sha, n, nil
}

// PendingBlobs returns attachments not yet uploaded to the hall, oldest
// first, up to limit (100 when not positive).
func (s *Station) PendingBlobs(ctx context.Context, limit int) ([]Blob, error) {
	return s.listBlobs(ctx, func(tx Tx, n int) ([]Blob, error) { return tx.PendingBlobs(n) }, limit)
}

// Blobs lists every attachment, newest first, up to limit (100 when not
// positive).
func (s *Station) Blobs(ctx context.Context, limit int) ([]Blob, error) {
	return s.listBlobs(ctx, func(tx Tx, n int) ([]Blob, error) { return tx.ListBlobs(n) }, limit)
}

func (s *Station) listBlobs(ctx context.Context, list func(Tx, int) ([]Blob, error), limit int) ([]Blob, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []Blob
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = list(tx, limit)
		return err
	})
	return out, err
}

// PendingBlobCount returns how many attachments wait to be uploaded.
func (s *Station) PendingBlobCount(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx Tx) error {
		var err error
		n, err = tx.PendingBlobCount()
		return err
	})
	return n, err
}

// MarkBlobUploaded records that the hall holds the attachment, verified.
func (s *Station) MarkBlobUploaded(ctx context.Context, sha string) error {
	return s.update(ctx, func(tx Tx) error { return tx.MarkBlobUploaded(sha) })
}

// BlobInfo returns one attachment's record.
func (s *Station) BlobInfo(ctx context.Context, sha string) (Blob, error) {
	var b *Blob
	err := s.view(ctx, func(tx Tx) error {
		var err error
		b, err = tx.Blob(sha)
		return err
	})
	if err != nil {
		return Blob{}, err
	}
	if b == nil {
		return Blob{}, domain.Errorf(domain.ENotFound, "找不到该附件。", "blob %s not found", sha)
	}
	return *b, nil
}
