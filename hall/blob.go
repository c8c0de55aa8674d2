package hall

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// Attachments are content-addressed files under Dir/blobs:
//
//	blobs/ab/abcdef...             complete, verified blobs, shared
//	blobs/partial/STATION/abcd...  one station's unfinished upload
//
// Partial uploads are per station, and BlobMissing answers only from what
// the asking station itself uploaded: a station proves it holds a file by
// sending all of it, and cannot learn whether another station has (Sync
// Gateway's proveAttachment lesson). Nothing here reads a blob back to a
// station.
//
// A station cannot fill the hall's disk: what it keeps here, finished or
// not, is held to BlobQuota, with at most MaxPartialUploads unfinished at
// once; CollectBlobs deletes unfinished uploads left for PartialTTL and
// blobs no case references BlobGrace after their last upload.

// MaxPartialUploads bounds the unfinished uploads one station may have at
// once (the station's client uploads one at a time).
const MaxPartialUploads = 32

// ValidHash reports whether h is a SHA-256 in lower-case hex, the only form
// that ever becomes a file name: no dots, no slashes, no traversal.
func ValidHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// CaseBlobs returns the blobs a case references: its materials' scans and
// the agent's power of attorney. The store records them on PutCase, so
// that a blob no case references can be collected (CollectBlobs).
func CaseBlobs(c *domain.Case) []string {
	var out []string
	for _, m := range c.Materials {
		for _, h := range m.Blobs {
			if ValidHash(h) {
				out = append(out, h)
			}
		}
	}
	if c.Agent != nil && ValidHash(c.Agent.AttorneyBlob) {
		out = append(out, c.Agent.AttorneyBlob)
	}
	return out
}

func errBadHash() error {
	return domain.Errorf(domain.EInvalid, "附件编号格式不正确。", "blob hash must be 64 lower-case hex digits")
}

func (s *Service) blobPath(hash string) string {
	return filepath.Join(s.Dir, "blobs", hash[:2], hash)
}

func (s *Service) partialPath(station, hash string) string {
	return filepath.Join(s.Dir, "blobs", "partial", station, hash)
}

// blobLock serialises uploads of one blob by one station within this
// process; the hall server is the only process that writes blobs.
type blobLock struct {
	ch   chan struct{}
	refs int
}

func (s *Service) lockBlob(ctx context.Context, key string) (func(), error) {
	s.blobMu.Lock()
	l := s.blobLocks[key]
	if l == nil {
		l = &blobLock{ch: make(chan struct{}, 1)}
		s.blobLocks[key] = l
	}
	l.refs++
	s.blobMu.Unlock()
	release := func() {
		s.blobMu.Lock()
		if l.refs--; l.refs == 0 {
			delete(s.blobLocks, key)
		}
		s.blobMu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}

// BlobMissing returns which of hashes the station has not uploaded
// completely, with the bytes held of each partial upload.
func (s *Service) BlobMissing(ctx context.Context, station string, hashes []string) (protocol.BlobMissingResponse, error) {
	resp := protocol.BlobMissingResponse{V: protocol.Version, Missing: []string{}}
	for _, h := range hashes {
		if !ValidHash(h) {
			return protocol.BlobMissingResponse{}, errBadHash()
		}
	}
	err := s.store.View(ctx, func(tx Tx) error {
		for _, h := range hashes {
			owned, err := tx.BlobOwned(h, station)
			if err != nil {
				return err
			}
			if owned {
				continue
			}
			resp.Missing = append(resp.Missing, h)
			if fi, err := os.Stat(s.partialPath(station, h)); err == nil && fi.Size() > 0 {
				if resp.Partial == nil {
					resp.Partial = map[string]int64{}
				}
				resp.Partial[h] = fi.Size()
			}
		}
		return nil
	})
	return resp, err
}

// BlobStatus returns how many bytes of a blob the station has uploaded and
// whether the blob is complete and verified.
func (s *Service) BlobStatus(ctx context.Context, station, hash string) (have int64, complete bool, err error) {
	if !ValidHash(hash) {
		return 0, false, errBadHash()
	}
	var owned bool
	err = s.store.View(ctx, func(tx Tx) error {
		owned, err = tx.BlobOwned(hash, station)
		return err
	})
	if err != nil {
		return 0, false, err
	}
	if owned {
		fi, err := os.Stat(s.blobPath(hash))
		if err == nil {
			return fi.Size(), true, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return 0, false, fmt.Errorf("blob %s: %w", hash, err)
		}
		// Recorded but the file is gone (restored database, lost disk):
		// report it missing so the station sends it again.
	}
	fi, err := os.Stat(s.partialPath(station, hash))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("blob %s: %w", hash, err)
	}
	return fi.Size(), false, nil
}

// AppendBlob appends r's bytes at offset to the station's upload of hash,
// whose total size is total. offset must equal the bytes already held. When
// the upload reaches total bytes its SHA-256 is verified: a mismatch discards
// the upload and is an error; a match makes the blob complete. It returns
// the bytes held afterwards, also on error, so the caller can resume.
func (s *Service) AppendBlob(ctx context.Context, station, hash string, offset, total int64, r io.Reader) (have int64, complete bool, err error) {
	if !ValidHash(hash) {
		return 0, false, errBadHash()
	}
	if total <= 0 || total > protocol.MaxBlobBytes {
		return 0, false, domain.Errorf(protocol.CodeTooLarge, "附件过大或长度不正确。",
			"blob length %d out of range 1..%d", total, protocol.MaxBlobBytes)
	}
	// One upload of a station at a time: the quota check and the bytes it
	// allows stay together.
	unlock, err := s.lockBlob(ctx, "station/"+station)
	if err != nil {
		return 0, false, err
	}
	defer unlock()
	have, complete, err = s.BlobStatus(ctx, station, hash)
	if err != nil || complete {
		return have, complete, err
	}
	if have > total {
		// An earlier upload declared another length: start again.
		if err := os.Remove(s.partialPath(station, hash)); err != nil {
			return 0, false, fmt.Errorf("blob: discard an upload of another length: %w", err)
		}
		return 0, false, domain.Errorf(domain.EConflict, "附件长度与此前上传的不一致，请从头上传。",
			"upload length %d, but %d bytes were already held; upload discarded", total, have)
	}
	if offset != have {
		// A conflict: the caller asks BlobStatus and resumes from there.
		return have, false, domain.Errorf(domain.EConflict, "附件续传位置不一致，请从大厅告知的位置继续。",
			"upload offset %d, but the hall holds %d bytes", offset, have)
	}
	if err := s.checkQuota(ctx, station, hash, have, total); err != nil {
		return have, false, err
	}
	path := s.partialPath(station, hash)
	have, err = appendFile(path, have, total, r)
	if err != nil || have < total {
		return have, false, err
	}
	if err := s.finishBlob(ctx, station, hash, path, total); err != nil {
		return 0, false, err
	}
	return total, true, nil
}

// checkQuota refuses an upload of total bytes that would take station past
// BlobQuota (its finished blobs and every other unfinished upload
// counted), or a new upload beyond MaxPartialUploads.
func (s *Service) checkQuota(ctx context.Context, station, hash string, have, total int64) error {
	var used int64
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		used, err = tx.BlobUsage(station)
		return err
	})
	if err != nil {
		return err
	}
	ents, err := os.ReadDir(filepath.Join(s.Dir, "blobs", "partial", station))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob quota: %w", err)
	}
	partials := 0
	for _, e := range ents {
		if e.Name() == hash {
			continue
		}
		partials++
		if fi, err := e.Info(); err == nil {
			used += fi.Size()
		}
	}
	gib := float64(s.BlobQuota) / (1 << 30)
	if used+total > s.BlobQuota {
		return domain.Errorf(protocol.CodeQuota, fmt.Sprintf("本站在大厅的附件已达额度（%.1f GiB），无法再上传，请联系大厅。", gib),
			"station %s: %d bytes held, %d more would pass the quota of %d", station, used, total, s.BlobQuota)
	}
	if have == 0 && partials >= MaxPartialUploads {
		return domain.Errorf(protocol.CodeQuota, "本站未完成的附件上传过多，请稍后再试或联系大厅。",
			"station %s: %d unfinished uploads, at most %d", station, partials, MaxPartialUploads)
	}
	return nil
}

// appendFile appends at most total-have bytes of r to path and fsyncs, so
// what the hall reports as held survives a crash. Bytes beyond total are an
// error and the chunk is dropped.
func appendFile(path string, have, total int64, r io.Reader) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return have, fmt.Errorf("blob: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return have, fmt.Errorf("blob: %w", err)
	}
	defer func() { _ = f.Close() }() // synced above
	n, copyErr := io.Copy(f, io.LimitReader(r, total-have))
	if copyErr == nil {
		var one [1]byte
		if m, _ := io.ReadFull(r, one[:]); m > 0 {
			if err := f.Truncate(have); err != nil {
				return have, fmt.Errorf("blob: %w", err)
			}
			return have, domain.Errorf(protocol.CodeTooLarge, "附件内容超过声明的长度。", "blob: more bytes than Upload-Length %d", total)
		}
	}
	if err := f.Sync(); err != nil {
		return have, fmt.Errorf("blob: %w", err)
	}
	if copyErr != nil {
		// A cut connection: keep what arrived, the station resumes from it.
		return have + n, fmt.Errorf("blob: upload interrupted: %w", copyErr)
	}
	return have + n, nil
}

// finishBlob verifies a complete upload and moves it into place.
func (s *Service) finishBlob(ctx context.Context, station, hash, path string, total int64) error {
	sum, err := fileSHA256(path)
	if err != nil {
		return err
	}
	if sum != hash {
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("blob %s: discard a wrong upload: %w", hash, err)
		}
		return domain.Errorf(domain.EInvalid, "附件内容与编号（SHA-256）不符，已丢弃，请重新上传。",
			"blob %s: content hashes to %s; upload discarded", hash, sum)
	}
	s.gcMu.RLock() // CollectBlobs must not delete final between here and AddBlobOwner
	defer s.gcMu.RUnlock()
	final := s.blobPath(hash)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	if _, err := os.Stat(final); err == nil {
		_ = os.Remove(path) // same content from another station: keep one copy; a duplicate left behind only costs disk
	} else if err := os.Rename(path, final); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx Tx) error { return tx.AddBlobOwner(hash, station, total, s.Now()) })
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("blob: %w", err)
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("blob: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// BlobGC says what CollectBlobs deleted.
type BlobGC struct {
	Partials int   `json:"partials"` // unfinished uploads left for PartialTTL
	Blobs    int   `json:"blobs"`    // blobs no case references, BlobGrace after their last upload
	Bytes    int64 `json:"bytes"`    // disk space freed
}

// CollectBlobs deletes unfinished uploads untouched for PartialTTL (by
// their files' modification time) and blobs that no case references,
// BlobGrace after their last upload. `hall serve` runs it every few hours.
func (s *Service) CollectBlobs(ctx context.Context) (BlobGC, error) {
	var res BlobGC
	now := s.Now()
	root := filepath.Join(s.Dir, "blobs", "partial")
	stations, err := os.ReadDir(root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("collect blobs: %w", err)
	}
	for _, st := range stations {
		ents, _ := os.ReadDir(filepath.Join(root, st.Name()))
		for _, e := range ents {
			fi, err := e.Info()
			if err != nil || now.Sub(fi.ModTime()) < s.PartialTTL {
				continue
			}
			unlock, err := s.lockBlob(ctx, "station/"+st.Name())
			if err != nil {
				return res, err
			}
			if os.Remove(filepath.Join(root, st.Name(), e.Name())) == nil {
				res.Partials++
				res.Bytes += fi.Size()
			}
			unlock()
		}
	}
	for {
		var hashes []string
		err := s.store.View(ctx, func(tx Tx) error {
			var err error
			hashes, err = tx.UnreferencedBlobs(now.Add(-s.BlobGrace), 500)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("collect blobs: %w", err)
		}
		done := 0
		for _, h := range hashes {
			n, err := s.collectBlob(ctx, h)
			if err != nil {
				return res, err
			}
			if n >= 0 {
				done++
				res.Blobs++
				res.Bytes += n
			}
		}
		if len(hashes) < 500 || done == 0 {
			break
		}
	}
	s.Logger.Info("blobs collected", "partials", res.Partials, "blobs", res.Blobs, "bytes", res.Bytes)
	return res, nil
}

// collectBlob forgets every upload of an unreferenced blob and deletes its
// file; it returns the bytes freed, or -1 when a case references it by now.
func (s *Service) collectBlob(ctx context.Context, hash string) (int64, error) {
	if !ValidHash(hash) {
		return -1, nil
	}
	s.gcMu.Lock()
	defer s.gcMu.Unlock()
	var gone bool
	if err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		gone, err = tx.DeleteBlobOwners(hash)
		return err
	}); err != nil {
		return -1, fmt.Errorf("collect blob %s: %w", hash, err)
	}
	if !gone {
		return -1, nil
	}
	var size int64
	if fi, err := os.Stat(s.blobPath(hash)); err == nil {
		size = fi.Size()
	}
	if err := os.Remove(s.blobPath(hash)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return -1, fmt.Errorf("collect blob %s: %w", hash, err)
	}
	return size, nil
}
