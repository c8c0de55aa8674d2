package hall_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"yizhan/domain"
)

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// cutReader fails after n bytes, like a connection dropped mid-upload.
type cutReader struct {
	r io.Reader
	n int
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errors.New("connection reset")
	}
	if len(p) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= n
	return n, err
}

func TestBlobResumableUpload(t *testing.T) {
	f := newHall(t)
	f.enroll("A01")
	f.enroll("B01")
	data := bytes.Repeat([]byte("扫描件"), 50000) // 450 kB
	hash, total := sha(data), int64(len(data))

	miss, err := f.svc.BlobMissing(f.ctx, "A01", []string{hash})
	if err != nil || len(miss.Missing) != 1 {
		t.Fatalf("missing before upload: %+v %v", miss, err)
	}
	// First chunk, cut half-way: what arrived is kept.
	have, done, err := f.svc.AppendBlob(f.ctx, "A01", hash, 0, total, &cutReader{r: bytes.NewReader(data[:200000]), n: 150000})
	if err == nil || have != 150000 || done {
		t.Fatalf("cut upload: have %d done %v err %v", have, done, err)
	}
	if have, _, _ := f.svc.BlobStatus(f.ctx, "A01", hash); have != 150000 {
		t.Fatalf("status after cut: %d", have)
	}
	if miss, _ := f.svc.BlobMissing(f.ctx, "A01", []string{hash}); miss.Partial[hash] != 150000 {
		t.Errorf("missing does not report the partial upload: %+v", miss)
	}
	// Resuming at the wrong offset is refused with the right one.
	if have, _, err := f.svc.AppendBlob(f.ctx, "A01", hash, 100, total, bytes.NewReader(data[100:])); domain.ErrorCode(err) != domain.EConflict || have != 150000 {
		t.Errorf("wrong offset: have %d err %v", have, err)
	}
	have, done, err = f.svc.AppendBlob(f.ctx, "A01", hash, 150000, total, bytes.NewReader(data[150000:]))
	if err != nil || !done || have != total {
		t.Fatalf("finish: have %d done %v err %v", have, done, err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "data", "blobs", hash[:2], hash)); err != nil {
		t.Errorf("blob not stored by hash: %v", err)
	}
	// Uploading again is a no-op; A sees it present, B (no proof) does not.
	if have, done, err := f.svc.AppendBlob(f.ctx, "A01", hash, 0, total, bytes.NewReader(data)); err != nil || !done || have != total {
		t.Errorf("re-upload: %d %v %v", have, done, err)
	}
	if miss, _ := f.svc.BlobMissing(f.ctx, "A01", []string{hash}); len(miss.Missing) != 0 {
		t.Errorf("A still missing: %+v", miss)
	}
	if miss, _ := f.svc.BlobMissing(f.ctx, "B01", []string{hash}); len(miss.Missing) != 1 {
		t.Errorf("B learns that A uploaded the blob: %+v", miss)
	}
	// B proves it has the file by sending it; the stored copy stays one.
	if _, done, err := f.svc.AppendBlob(f.ctx, "B01", hash, 0, total, bytes.NewReader(data)); err != nil || !done {
		t.Errorf("B upload: %v %v", done, err)
	}
}

func TestBlobWrongContentRefused(t *testing.T) {
	f := newHall(t)
	f.enroll("A01")
	data := []byte("真正的内容")
	hash := sha([]byte("别的内容"))
	_, done, err := f.svc.AppendBlob(f.ctx, "A01", hash, 0, int64(len(data)), bytes.NewReader(data))
	if domain.ErrorCode(err) != domain.EInvalid || done {
		t.Fatalf("wrong content: done %v err %v", done, err)
	}
	if have, _, _ := f.svc.BlobStatus(f.ctx, "A01", hash); have != 0 {
		t.Errorf("a mismatching upload was kept (%d bytes)", have)
	}
	// More bytes than announced.
	if _, _, err := f.svc.AppendBlob(f.ctx, "A01", sha(data), 0, 3, bytes.NewReader(data)); err == nil {
		t.Error("a body longer than Upload-Length was taken")
	}
}

func TestBlobHashSanitized(t *testing.T) {
	f := newHall(t)
	f.enroll("A01")
	bad := []string{"../../../../etc/passwd", "", "ABCDEF" + sha(nil)[6:], sha(nil)[:63], sha(nil) + "0",
		"../" + sha(nil)[3:], sha(nil)[:62] + "/x"}
	for _, h := range bad {
		if _, _, err := f.svc.AppendBlob(f.ctx, "A01", h, 0, 1, bytes.NewReader([]byte("x"))); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("hash %q: got %v, want invalid", h, err)
		}
		if _, _, err := f.svc.BlobStatus(f.ctx, "A01", h); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("status %q: got %v, want invalid", h, err)
		}
	}
	if _, err := f.svc.BlobMissing(f.ctx, "A01", []string{"../x"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("missing with a bad hash: %v", err)
	}
}
