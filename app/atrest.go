package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// Attachments at rest. Scans of identity cards, household registers and
// powers of attorney are the most sensitive files a station holds, so each
// is stored encrypted (age, X25519) to a key of this station kept in the
// keys folder beside the sync keys, never in the database. A copy of the
// data folder without keys/ (a backup, a support dump, the blobs folder
// copied to a stick) is unreadable. The key on the same disk does not stop
// someone who takes the whole disk: that is what full-disk encryption is
// for (docs/reliability.md, "Personal data at rest").
//
// The content address stays the SHA-256 of the plaintext, so the upload
// protocol is unchanged: the station decrypts while it uploads, and the
// hall verifies the hash of what it receives. Files written before
// encryption (plain) are still read.

// BlobKeyFile is the attachment key's file name inside the keys folder.
const BlobKeyFile = "blobs.age"

// keyDir is the folder of the station's secrets (shared with package
// app/hallclient, which keeps the sync keys there).
const keyDir = "keys"

// ageMagic opens every age file.
var ageMagic = []byte("age-encryption.org/v1\n")

// loadBlobKey reads the station's attachment key, creating it (mode 0600,
// written atomically) the first time.
func loadBlobKey(dataDir string) (*age.X25519Identity, error) {
	dir := filepath.Join(dataDir, keyDir)
	path := filepath.Join(dir, BlobKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				id, err := age.ParseX25519Identity(line)
				if err != nil {
					return nil, fmt.Errorf("attachment key %s: %w", path, err)
				}
				return id, nil
			}
		}
		return nil, fmt.Errorf("attachment key %s: no key in the file", path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("attachment key: %w", err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("attachment key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("attachment key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+BlobKeyFile+".*")
	if err != nil {
		return nil, fmt.Errorf("attachment key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString("# Yizhan station attachment key. Keep a copy apart from backups (docs/reliability.md).\n" + id.String() + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return nil, fmt.Errorf("attachment key: %w", err)
	}
	return id, nil
}

// BlobFile is an open attachment: its plaintext, readable at any offset.
type BlobFile struct {
	io.ReaderAt
	// Size is the plaintext size.
	Size int64
	f    *os.File
}

// Close closes the underlying file.
func (b *BlobFile) Close() error { return b.f.Close() }

// Reader returns a reader of the whole plaintext.
func (b *BlobFile) Reader() io.Reader { return io.NewSectionReader(b, 0, b.Size) }

// OpenBlob opens a stored attachment for reading its plaintext. It does not
// check the hash; callers that pass the content on (upload, preview) do.
func (s *Station) OpenBlob(sha string) (*BlobFile, error) {
	path, err := s.BlobPath(sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open attachment %s: %w", sha, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open attachment %s: %w", sha, err)
	}
	head := make([]byte, len(ageMagic))
	n, _ := f.ReadAt(head, 0)
	if n < len(head) || !bytes.Equal(head, ageMagic) {
		return &BlobFile{ReaderAt: f, Size: fi.Size(), f: f}, nil // stored before encryption
	}
	ra, size, err := age.DecryptReaderAt(f, fi.Size(), s.blobID)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open attachment %s: decrypt: %w", sha, err)
	}
	return &BlobFile{ReaderAt: ra, Size: size, f: f}, nil
}
