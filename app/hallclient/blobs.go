package hallclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"yizhan/app"
	"yizhan/sync/protocol"
)

// BlobResult says what the attachment step of one sync did.
type BlobResult struct {
	Uploaded int    `json:"uploaded"` // sent and verified by the hall
	Present  int    `json:"present"`  // the hall had them already
	Bytes    int64  `json:"bytes"`    // bytes sent
	Pending  int    `json:"pending"`  // still waiting after this sync
	Err      string `json:"error,omitempty"`
	ErrZh    string `json:"error_zh,omitempty"` // the same, for the clerk
}

// uploadBlobs sends pending attachments within BlobBudget: ask the hall
// which it lacks, then upload each in chunks from the offset the hall
// already holds. Running out of time is not an error; the rest goes next
// sync.
func (c *Client) uploadBlobs(ctx context.Context) (res BlobResult, err error) {
	defer func() {
		if n, cerr := c.Station.PendingBlobCount(context.WithoutCancel(ctx)); cerr == nil {
			res.Pending = n
		}
	}()
	pending, err := c.Station.PendingBlobs(ctx, 100)
	if err != nil || len(pending) == 0 {
		return res, err
	}
	bctx, cancel := context.WithTimeout(ctx, c.BlobBudget)
	defer cancel()
	req := protocol.BlobMissingRequest{V: protocol.Version}
	for _, b := range pending {
		req.Hashes = append(req.Hashes, b.SHA256)
	}
	var miss protocol.BlobMissingResponse
	if err := c.call(bctx, http.MethodPost, protocol.PathBlobMissing, req, &miss); err != nil {
		return res, budget(bctx, ctx, err)
	}
	missing := map[string]bool{}
	for _, h := range miss.Missing {
		missing[h] = true
	}
	for _, b := range pending {
		if !missing[b.SHA256] {
			if err := c.Station.MarkBlobUploaded(ctx, b.SHA256); err != nil {
				return res, local("mark blob", err)
			}
			res.Present++
			continue
		}
		n, err := c.uploadBlob(ctx, bctx, b)
		res.Bytes += n
		if err != nil {
			return res, budget(bctx, ctx, err)
		}
		if err := c.Station.MarkBlobUploaded(ctx, b.SHA256); err != nil {
			return res, local("mark blob", err)
		}
		res.Uploaded++
	}
	return res, nil
}

// budget turns running out of the attachment budget into success: the
// upload resumes from the hall's offset next time.
func budget(bctx, ctx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(bctx.Err(), context.DeadlineExceeded) {
		return nil
	}
	return err
}

// uploadBlob uploads one attachment from the offset the hall holds, and
// returns the bytes sent. The local file is checked against its name first:
// a damaged file must not reach the hall as if it were the scan.
//
// The attachment budget (bctx) is checked between chunks, never in the
// middle of one: a chunk cut off by the budget would still cross a slow
// link, and the next sync, asking the hall for its offset before those
// bytes arrived, would send them again (about a tenth of a scan on 2G).
// A chunk in flight is bounded by RequestTimeout instead.
func (c *Client) uploadBlob(ctx, bctx context.Context, b app.Blob) (int64, error) {
	f, err := c.Station.OpenBlob(b.SHA256)
	if err != nil {
		return 0, local("open attachment "+b.SHA256, err)
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f.Reader())
	if err != nil {
		return 0, local("read attachment "+b.SHA256, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != b.SHA256 {
		return 0, &Error{Code: CodeLocal, Message: "attachment file " + b.SHA256 + " is damaged",
			Zh: "本机的一个附件文件已损坏，无法上传，请重新扫描该材料。"}
	}
	off, done, err := c.blobOffset(ctx, b.SHA256)
	if err != nil || done {
		return 0, err
	}
	var sent int64
	buf := make([]byte, protocol.BlobChunkBytes)
	for retries := 0; off < size; {
		if err := bctx.Err(); err != nil {
			return sent, err
		}
		n, err := f.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return sent, local("read attachment "+b.SHA256, err)
		}
		st, err := c.putChunk(ctx, b.SHA256, off, size, buf[:n])
		if err != nil {
			var se *Error
			if errors.As(err, &se) && se.Status == http.StatusConflict && retries < 3 {
				// Our offset disagrees with the hall's (a lost answer
				// to an earlier chunk): ask again and go on from there.
				retries++
				if off, done, err = c.blobOffset(ctx, b.SHA256); err != nil || done {
					return sent, err
				}
				continue
			}
			return sent, err
		}
		sent += int64(n)
		if st.Complete {
			return sent, nil
		}
		if st.Have <= off {
			return sent, &Error{Code: CodeRefused, Message: "hall made no progress on attachment " + b.SHA256, Zh: "附件上传未被大厅接收，请稍后重试。"}
		}
		off = st.Have
	}
	// The hall holds every byte but has not verified them: an upload cut
	// short earlier (a budget that ran out, a dropped link) is still being
	// finished there, and a HEAD asked in between saw the whole length.
	// Nothing is wrong; the next sync finds the blob complete.
	return sent, offline(fmt.Errorf("attachment %s: the hall holds all %d bytes but has not verified them yet", b.SHA256, size))
}

// blobOffset asks the hall how much of a blob it holds (HEAD).
func (c *Client) blobOffset(ctx context.Context, sha string) (off int64, done bool, err error) {
	err = c.do(ctx, http.MethodHead, protocol.PathBlob+sha, "", nil, nil, func(_ io.Reader, h http.Header) error {
		off, done = headerStatus(h)
		return nil
	})
	var se *Error
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		return 0, false, nil
	}
	return off, done, err
}

// putChunk appends one chunk at off.
func (c *Client) putChunk(ctx context.Context, sha string, off, size int64, chunk []byte) (protocol.BlobStatus, error) {
	hdr := http.Header{}
	hdr.Set(protocol.HeaderUploadOffset, strconv.FormatInt(off, 10))
	hdr.Set(protocol.HeaderUploadLength, strconv.FormatInt(size, 10))
	hdr.Set(protocol.HeaderBlobSHA, sha)
	var st protocol.BlobStatus
	path := fmt.Sprintf("%s%s?offset=%d", protocol.PathBlob, sha, off)
	err := c.do(ctx, http.MethodPut, path, "application/octet-stream", chunk, hdr, func(r io.Reader, h http.Header) error {
		data, err := io.ReadAll(io.LimitReader(r, 64<<10))
		if err != nil {
			return err
		}
		if len(data) > 0 {
			return decodeLenient(bytes.NewReader(data), &st)
		}
		st.Have, st.Complete = headerStatus(h)
		return nil
	})
	return st, err
}

// headerStatus reads Upload-Offset and Upload-Complete.
func headerStatus(h http.Header) (int64, bool) {
	off, _ := strconv.ParseInt(h.Get(protocol.HeaderUploadOffset), 10, 64)
	return off, h.Get(protocol.HeaderUploadComplete) == "1"
}
