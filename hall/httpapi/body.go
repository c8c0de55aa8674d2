package httpapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// gzipMinBytes is the smallest answer worth compressing; below it the gzip
// header costs more than it saves.
const gzipMinBytes = 1024

// packedGzipMinBytes is the same for packed answers: the answer to a push
// of one case is a few hundred bytes, mostly event ids written twice (in the
// acks and in the stubs), which gzip halves.
const packedGzipMinBytes = 256

func tooLarge(limit int64) error {
	return &protocol.Error{Code: protocol.CodeTooLarge, Message: fmt.Sprintf("body larger than %d bytes", limit), Zh: "数据过大，已拒绝。"}
}

// bodyReader returns the request body, decompressed if it says
// "Content-Encoding: gzip", that fails with a too-large error past limit
// bytes both before and after decompression, so neither a long body nor a
// gzip bomb can exhaust memory.
func bodyReader(w http.ResponseWriter, r *http.Request, limit int64) (io.ReadCloser, error) {
	raw := http.MaxBytesReader(w, r.Body, limit+limit/8+4096)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return &limitedBody{r: raw, c: raw, left: limit, limit: limit}, nil
	case "gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, bodyErr(err, limit)
		}
		return &limitedBody{r: zr, c: raw, left: limit, limit: limit}, nil
	default:
		return nil, &protocol.Error{Code: domain.EInvalid, Message: "unsupported Content-Encoding " + enc, Zh: "不支持的压缩格式。"}
	}
}

// limitedBody reads at most limit bytes and fails with a too-large error
// when there is more.
type limitedBody struct {
	r     io.Reader
	c     io.Closer
	left  int64
	limit int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, _ := b.r.Read(one[:]); n > 0 {
			return 0, tooLarge(b.limit)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, bodyErr(err, b.limit)
}

func (b *limitedBody) Close() error { return b.c.Close() }

// errSlowBody is a body that did not arrive before the read deadline.
var errSlowBody = &protocol.Error{Code: protocol.CodeTimeout, Message: "request body not received in time", Zh: "请求数据接收超时，请重试。"}

// bodyErr turns transport-level read errors into protocol errors.
func bodyErr(err error, limit int64) error {
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errSlowBody
	}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &protocol.Error{Code: domain.EInvalid, Message: "bad gzip body: " + err.Error(), Zh: "压缩数据损坏。"}
	}
	return err
}

// decodeVersioned reads a JSON body, checks its wire version first (a
// newer station's unknown fields must give "upgrade", not "malformed"), then
// decodes it strictly.
func decodeVersioned(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	body, err := bodyReader(w, r, limit)
	if err != nil {
		return err
	}
	defer body.Close()
	data, err := io.ReadAll(body)
	if err != nil {
		return bodyErr(err, limit)
	}
	// The body is in: the deadline has done its work. Left set, it would
	// end the connection's background read and with it the request's
	// context while the hall is still working on the answer.
	setReadDeadline(w, time.Time{})
	var probe struct {
		V *int `json:"v"`
	}
	if json.Unmarshal(data, &probe) == nil {
		ver := 0
		if probe.V != nil {
			ver = *probe.V
		}
		if err := protocol.CheckVersion(ver); err != nil {
			return err
		}
	}
	return protocol.Decode(bytes.NewReader(data), limit, v)
}

// acceptsGzip reports whether the client listed gzip in Accept-Encoding
// with a non-zero quality.
func acceptsGzip(r *http.Request) bool { return accepts(r.Header.Get("Accept-Encoding"), "gzip") }

// accepts reports whether a comma-separated Accept or Accept-Encoding
// header names name with a quality above zero.
func accepts(header, name string) bool {
	for _, part := range strings.Split(header, ",") {
		n, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(n), name) {
			continue
		}
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// writeJSON answers with v as JSON, gzipped when the client accepts it and
// the body is big enough to gain: stations on 2G links pay per byte.
func (s *server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		s.encodeFailed(w, r, err)
		return
	}
	s.writeBody(w, r, status, "application/json; charset=utf-8", data, gzip.DefaultCompression, gzipMinBytes)
}

// encodeFailed answers 500 for an answer that could not be encoded; the
// detail goes to the log only.
func (s *server) encodeFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("encode response", "path", r.URL.Path, "err", err)
	http.Error(w, `{"code":"internal","message":"internal error"}`, http.StatusInternalServerError)
}

// writeSync writes a sync answer: packed (protocol.MediaCols) for a station
// that asks for it and when there are events to pack, JSON otherwise.
func (s *server) writeSync(w http.ResponseWriter, r *http.Request, resp *protocol.SyncResponse) {
	// No "Vary: Accept": sync answers are never cached (no-store), and
	// the header would cost every answer its bytes on a 2G link.
	if len(resp.Events) == 0 || !acceptsMedia(r, protocol.MediaCols) {
		s.writeJSON(w, r, http.StatusOK, resp)
		return
	}
	data, err := protocol.EncodeCols(resp)
	if err != nil {
		s.encodeFailed(w, r, err)
		return
	}
	// The packed page is a third of the JSON's size before compression,
	// so the best gzip level still costs less CPU than the default level
	// on the JSON, and it saves another 4% on the slowest links.
	s.writeBody(w, r, http.StatusOK, protocol.MediaCols, data, gzip.BestCompression, packedGzipMinBytes)
}

// acceptsMedia reports whether the Accept header names media (q > 0).
func acceptsMedia(r *http.Request, media string) bool { return accepts(r.Header.Get("Accept"), media) }

// writeBody writes an answer's bytes, gzipped when the client takes gzip
// and it is worth it.
func (s *server) writeBody(w http.ResponseWriter, r *http.Request, status int, ctype string, data []byte, level, minBytes int) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Encoding")
	if len(data) < minBytes || !acceptsGzip(r) || r.Method == http.MethodHead {
		h.Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(status)
		w.Write(data)
		return
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level) // the levels passed are valid
	zw.Write(data)
	zw.Close()
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
