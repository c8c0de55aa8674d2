package hall

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// PutBlob keeps a whole attachment that station sent in a USB bundle,
// exactly as an upload finished online would be kept: checked against its
// SHA-256, written under its hash, and recorded as the station's. It
// reports present when the hall already held the blob from this station
// (a bundle imported twice). A partial online upload of the same blob is
// discarded once the blob is complete.
func (s *Service) PutBlob(ctx context.Context, station, hash string, data []byte) (present bool, err error) {
	if !ValidHash(hash) {
		return false, errBadHash()
	}
	if len(data) == 0 || len(data) > protocol.MaxBlobBytes {
		return false, domain.Errorf(protocol.CodeTooLarge, "附件为空或过大。", "blob length %d out of range 1..%d", len(data), protocol.MaxBlobBytes)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hash {
		return false, domain.Errorf(domain.EInvalid, "附件内容与编号（SHA-256）不符，大厅未接收。", "blob content does not hash to %s", hash)
	}
	unlock, err := s.lockBlob(ctx, station+"/"+hash)
	if err != nil {
		return false, err
	}
	defer unlock()
	if _, complete, err := s.BlobStatus(ctx, station, hash); err != nil || complete {
		return complete, err
	}
	// A file of its own beside the station's partial uploads: an online
	// upload of the same blob, cut short earlier, is left alone until the
	// blob is complete, then removed.
	tmp := filepath.Join(s.Dir, "blobs", "partial", station, ".bundle-"+hash)
	if err := writeWhole(tmp, data); err != nil {
		return false, err
	}
	defer func() { _ = os.Remove(tmp) }() // moved into place by finishBlob, or left from a failure
	if err := s.finishBlob(ctx, station, hash, tmp, int64(len(data))); err != nil {
		return false, err
	}
	_ = os.Remove(s.partialPath(station, hash)) // an abandoned partial upload only costs disk
	return false, nil
}

// writeWhole writes data to path and fsyncs it.
func writeWhole(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close() // the write error is returned
		return fmt.Errorf("blob: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close() // the sync error is returned
		return fmt.Errorf("blob: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}
