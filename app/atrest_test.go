package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
)

// TestAttachmentsEncryptedAtRest: a scan is stored encrypted under the
// SHA-256 of its plaintext, with a key file (0600) in keys/, and reads back
// exactly; without the key it is unreadable, and an attachment stored
// before encryption (plain) still reads.
func TestAttachmentsEncryptedAtRest(t *testing.T) {
	dir := t.TempDir()
	st, _, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	scan := bytes.Repeat([]byte("居民身份证 11010519491231002X "), 20000)
	sha, err := st.ImportBlob(ctx, app.System, "id.jpg", "image/jpeg", bytes.NewReader(scan))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(scan)
	if sha != hex.EncodeToString(sum[:]) {
		t.Fatalf("content address %s is not the plaintext's SHA-256", sha)
	}
	onDisk, err := os.ReadFile(filepath.Join(dir, "blobs", sha))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(onDisk, []byte("11010519491231002X")) || !bytes.HasPrefix(onDisk, []byte("age-encryption.org/v1\n")) {
		t.Fatal("the attachment is stored in clear")
	}
	fi, err := os.Stat(filepath.Join(dir, "keys", app.BlobKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("attachment key file: %v %v", fi, err)
	}
	f, err := st.OpenBlob(sha)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f.Reader())
	f.Close()
	if err != nil || !bytes.Equal(got, scan) || f.Size != int64(len(scan)) {
		t.Fatalf("read back %d bytes (size %d), %v", len(got), f.Size, err)
	}
	mid := make([]byte, 100)
	f, _ = st.OpenBlob(sha)
	if _, err := f.ReadAt(mid, 300000); err != nil || !bytes.Equal(mid, scan[300000:300100]) {
		t.Fatalf("random access: %v", err)
	}
	f.Close()

	// The key survives a restart.
	st.Close()
	if st, _, err = appsqlite.OpenStation(ctx, app.Config{Dir: dir}); err != nil {
		t.Fatalf("reopen with the key file: %v", err)
	}
	if f, err := st.OpenBlob(sha); err != nil {
		t.Fatalf("after a restart: %v", err)
	} else {
		f.Close()
	}

	// A plain file from before encryption.
	plain := []byte("old scan")
	ps := sha256.Sum256(plain)
	old := hex.EncodeToString(ps[:])
	if err := os.WriteFile(filepath.Join(dir, "blobs", old), plain, 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := st.OpenBlob(old); err != nil {
		t.Fatal(err)
	} else if b, _ := io.ReadAll(f.Reader()); !bytes.Equal(b, plain) {
		t.Fatalf("plain attachment reads %q", b)
	} else {
		f.Close()
	}

	// Another station's key cannot read it.
	st.Close()
	os.Remove(filepath.Join(dir, "keys", app.BlobKeyFile))
	st2, _, err := appsqlite.OpenStation(ctx, app.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if _, err := st2.OpenBlob(sha); err == nil {
		t.Fatal("the attachment opened without its key")
	}
}
