package hallclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"yizhan/sync/protocol"
)

// maxResponseBytes bounds a decoded answer: a pull page is asked to stay
// within PullBytes, but acks and one oversize event may come on top.
const maxResponseBytes = 4 * protocol.MaxRequestBytes

// call sends in as JSON and decodes the JSON answer into out (nil: ignore).
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return local("encode request", err)
		}
	}
	// A sync answer may come packed (protocol.MediaCols: the same answer
	// in about half the bytes); a hall that does not know the encoding
	// ignores the Accept header and answers JSON.
	var hdr http.Header
	page, packable := out.(*protocol.SyncResponse)
	if packable {
		// Only the packed type is named: JSON is what every hall answers
		// anyway, and each byte of a request header crosses a 2G link.
		hdr = http.Header{"Accept": {protocol.MediaCols}}
	}
	return c.do(ctx, method, path, "application/json", body, hdr, func(r io.Reader, h http.Header) error {
		if out == nil {
			_, err := io.Copy(io.Discard, r)
			return err
		}
		if packable && mediaType(h.Get("Content-Type")) == protocol.MediaCols {
			return decodeAnswer(r, func(b []byte) error { return protocol.DecodeCols(b, page) })
		}
		return decodeLenient(r, out)
	})
}

// readAnswer reads an answer's body, at most maxResponseBytes.
func readAnswer(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxResponseBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", maxResponseBytes)
	}
	return data, nil
}

func mediaType(ctype string) string {
	t, _, _ := strings.Cut(ctype, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// decodeAnswer reads one bounded answer and decodes it with decode: JSON
// (lenient: unlike the hall, the station tolerates unknown fields, since a
// newer hall may add some within the same wire version and an old station
// must keep syncing) or the packed encoding.
func decodeAnswer(r io.Reader, decode func([]byte) error) error {
	data, err := readAnswer(r)
	if err != nil {
		return err
	}
	if err := decode(data); err != nil {
		return &Error{Code: CodeRefused, Message: "malformed answer from hall", Zh: "大厅返回的数据无法识别，请升级驿站软件或联系大厅。", Err: err}
	}
	return nil
}

// decodeLenient decodes one bounded JSON answer.
func decodeLenient(r io.Reader, out any) error {
	return decodeAnswer(r, func(b []byte) error { return json.Unmarshal(b, out) })
}

// do runs one HTTP exchange bounded by RequestTimeout. Bodies of GzipAbove
// bytes or more go gzipped; answers may come gzipped. Transport failures
// and a body cut mid-way are offline errors (retry later); statuses map to
// the codes in errors.go.
func (c *Client) do(ctx context.Context, method, path, ctype string, body []byte, hdr http.Header, handle func(io.Reader, http.Header) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.RequestTimeout)
	defer cancel()
	var rd io.Reader
	gz := false
	if body != nil {
		if c.GzipAbove > 0 && len(body) >= c.GzipAbove && ctype == "application/json" {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(body)
			zw.Close()
			body, gz = buf.Bytes(), true
		}
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.HallURL+path, rd)
	if err != nil {
		return local("build request", err)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	// Asking for gzip ourselves turns off the transport's transparent
	// decompression, so the answer is decoded below with a size bound.
	req.Header.Set("Accept-Encoding", "gzip")
	if c.Keys.Token != "" {
		req.Header.Set(protocol.HeaderAuthorization, "Bearer "+c.Keys.Token)
	}
	if c.AppVersion != "" {
		req.Header.Set("User-Agent", "yizhan-station/"+c.AppVersion)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return offline(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return offline(fmt.Errorf("%s %s: gzip answer: %w", method, path, err))
		}
		defer zr.Close()
		r = zr
	}
	if resp.StatusCode >= 300 {
		return statusError(resp.StatusCode, r)
	}
	if err := handle(r, resp.Header); err != nil {
		var se *Error
		if errors.As(err, &se) {
			return se
		}
		// The body was cut mid-way (or the link stalled): the exchange
		// may or may not have taken effect at the hall, which is safe to
		// repeat.
		return offline(fmt.Errorf("%s %s: read answer: %w", method, path, err))
	}
	return nil
}

// statusError maps a non-2xx answer to a sync error.
func statusError(status int, r io.Reader) error {
	var pe protocol.Error
	data, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	if json.Unmarshal(data, &pe) != nil || pe.Message == "" {
		pe.Message = strings.TrimSpace(string(data))
		if len(pe.Message) > 200 {
			pe.Message = pe.Message[:200]
		}
	}
	cause := &hallAnswer{status: status, pe: pe}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden || pe.Code == protocol.CodeRevoked:
		e := *errRevoked
		e.Status, e.Err = status, cause
		return &e
	case status == http.StatusUpgradeRequired || pe.Code == protocol.CodeUpgrade:
		e := *errUpgrade
		e.Status, e.Err = status, cause
		return &e
	case status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout:
		e := offline(cause)
		e.Status = status
		return e
	}
	zh := pe.Zh
	if zh == "" {
		zh = "大厅拒绝了本次同步请求，请联系技术支持。"
	}
	return &Error{Code: CodeRefused, Status: status, Message: "hall refused the request: " + pe.Message, Zh: zh, Err: cause}
}

// hallAnswer is a hall's refusal as it came: the status and the error body,
// whose own code and Chinese sentence callers may want (errors.As with
// *protocol.Error).
type hallAnswer struct {
	status int
	pe     protocol.Error
}

func (h *hallAnswer) Error() string {
	return fmt.Sprintf("hall answered %d: %s", h.status, h.pe.Message)
}

// Unwrap gives the hall's error body.
func (h *hallAnswer) Unwrap() error { return &h.pe }
