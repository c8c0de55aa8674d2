package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/hall/stationsim"
	"yizhan/sync/protocol"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	t   *testing.T
	svc *hall.Service
	srv *httptest.Server
	log *syncBuffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PublishCatalog(ctx, stationsim.Catalog()); err != nil {
		t.Fatal(err)
	}
	buf := &syncBuffer{}
	srv := httptest.NewServer(httpapi.New(svc, slog.New(slog.NewJSONHandler(buf, nil))))
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on loopback: %s", srv.URL)
	}
	return &env{t: t, svc: svc, srv: srv, log: buf}
}

// do sends a request and returns the status, headers and (decompressed) body.
func (e *env) do(method, path, token string, body []byte, hdr map[string]string) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			e.t.Fatal(err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, out
}

func (e *env) enroll(code string) string {
	e.t.Helper()
	enrol, err := e.svc.AddStation(context.Background(), code, "站 "+code, "")
	if err != nil {
		e.t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(nil)
	id, _ := age.GenerateX25519Identity()
	body := mustJSON(e.t, protocol.EnrollRequest{V: protocol.Version, Code: enrol, SignKey: base64.StdEncoding.EncodeToString(pub),
		AgeKey: id.Recipient().String(), AppVersion: "t"})
	st, _, out := e.do("POST", protocol.PathEnroll, "", body, nil)
	if st != http.StatusOK {
		e.t.Fatalf("enroll: %d %s", st, out)
	}
	var resp protocol.EnrollResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		e.t.Fatal(err)
	}
	return resp.Token
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func openEvent(station string) *domain.Event {
	p := stationsim.OpenPayload(station, time.Now(), 1, domain.HandledAtStation)
	p.Applicant = domain.Applicant{Type: domain.ApplicantPerson, Name: "李四光", IDNumber: "110105195001010039", Phone: "13900001111"}
	e, _ := domain.NewEvent("01900000-0000-7000-8000-000000000001", "01900000-0000-7000-8000-0000000000aa", domain.EvOpen, "", p)
	e.Office, e.Actor, e.HLC, e.At = station, "c1", domain.NewHLC(station, time.Now).Now(), time.Now()
	return e
}

func TestSyncOverHTTP(t *testing.T) {
	e := newEnv(t)
	token := e.enroll("A01")
	req := protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: []*domain.Event{openEvent("A01")}}
	st, _, out := e.do("POST", protocol.PathSync, token, mustJSON(t, req), nil)
	if st != http.StatusOK {
		t.Fatalf("sync: %d %s", st, out)
	}
	var resp protocol.SyncResponse
	if err := protocol.Decode(bytes.NewReader(out), protocol.MaxRequestBytes, &resp); err != nil {
		t.Fatal(err)
	}
	// The station's queue holds the catalog (3 items) before its event.
	if len(resp.Acks) != 1 || resp.Acks[0].Status != protocol.AckAccepted || len(resp.Events) != 1 || resp.Cursor != 4 {
		t.Errorf("response: %+v", resp)
	}
	if logs := e.log.String(); strings.Contains(logs, "李四光") || strings.Contains(logs, "110105195001010039") ||
		strings.Contains(logs, "13900001111") || strings.Contains(logs, token) {
		t.Errorf("personal data or the token in the log:\n%s", logs)
	}
	if !strings.Contains(e.log.String(), `"station":"A01"`) {
		t.Errorf("request log lacks the station: %s", e.log.String())
	}
}

func TestGzipBothWays(t *testing.T) {
	e := newEnv(t)
	sample, err := os.ReadFile(filepath.Join("..", "..", "hall", "testdata", "township-sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.PublishCatalog(context.Background(), sample); err != nil {
		t.Fatal(err)
	}
	token := e.enroll("A01")
	body := gz(t, mustJSON(t, protocol.SyncRequest{V: protocol.Version, Station: "A01"}))
	st, hdr, out := e.do("POST", protocol.PathSync, token, body, map[string]string{"Content-Encoding": "gzip", "Accept-Encoding": "gzip"})
	if st != http.StatusOK {
		t.Fatalf("gzip sync: %d %s", st, out)
	}
	if hdr.Get("Content-Encoding") != "gzip" {
		t.Errorf("a %d-byte answer was not compressed", len(out))
	}
	var resp protocol.SyncResponse
	if err := json.Unmarshal(out, &resp); err != nil || len(resp.Published) == 0 {
		t.Fatalf("decoded %d published rows, %v", len(resp.Published), err)
	}
	// Without Accept-Encoding the answer is plain.
	st, hdr, _ = e.do("POST", protocol.PathSync, token, mustJSON(t, protocol.SyncRequest{V: protocol.Version, Station: "A01"}),
		map[string]string{"Accept-Encoding": "identity"})
	if st != http.StatusOK || hdr.Get("Content-Encoding") != "" {
		t.Errorf("plain request: %d, encoding %q", st, hdr.Get("Content-Encoding"))
	}
}

func TestErrorStatuses(t *testing.T) {
	e := newEnv(t)
	token := e.enroll("A01")
	revoked := e.enroll("R01")
	if err := e.svc.Revoke(context.Background(), "R01"); err != nil {
		t.Fatal(err)
	}
	ok := mustJSON(t, protocol.SyncRequest{V: protocol.Version, Station: "A01"})
	huge := append([]byte(`{"v":1,"station":"A01","app_version":"`), bytes.Repeat([]byte("x"), protocol.MaxRequestBytes)...)
	huge = append(huge, `"}`...)
	bomb := gz(t, huge)
	tests := []struct {
		name   string
		token  string
		body   []byte
		hdr    map[string]string
		status int
		code   string
	}{
		{"NoToken", "", ok, nil, 401, domain.EUnauthorized},
		{"BadToken", "A01.nope", ok, nil, 401, domain.EUnauthorized},
		{"Revoked", revoked, mustJSON(t, protocol.SyncRequest{V: 1, Station: "R01"}), nil, 403, protocol.CodeRevoked},
		{"OtherStation", token, mustJSON(t, protocol.SyncRequest{V: 1, Station: "B01"}), nil, 403, domain.EForbidden},
		{"Malformed", token, []byte(`{"v":1,"station":`), nil, 400, domain.EInvalid},
		{"WrongType", token, []byte(`{"v":1,"station":"A01","cursor":"0"}`), nil, 400, domain.EInvalid},
		{"UnknownField", token, []byte(`{"v":1,"station":"A01","colour":1}`), nil, 400, domain.EInvalid},
		{"TrailingData", token, []byte(`{"v":1,"station":"A01"}{}`), nil, 400, domain.EInvalid},
		{"WrongVersion", token, []byte(`{"v":99,"station":"A01","future_field":true}`), nil, 426, protocol.CodeUpgrade},
		{"NoVersion", token, []byte(`{"station":"A01"}`), nil, 426, protocol.CodeUpgrade},
		{"Oversized", token, huge, nil, 413, protocol.CodeTooLarge},
		{"GzipBomb", token, bomb, map[string]string{"Content-Encoding": "gzip"}, 413, protocol.CodeTooLarge},
		{"BadGzip", token, []byte("not gzip"), map[string]string{"Content-Encoding": "gzip"}, 400, domain.EInvalid},
		{"UnknownEncoding", token, ok, map[string]string{"Content-Encoding": "br"}, 400, domain.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, hdr, out := e.do("POST", protocol.PathSync, tt.token, tt.body, tt.hdr)
			if st != tt.status {
				t.Fatalf("status %d, want %d (%s)", st, tt.status, out)
			}
			var pe protocol.Error
			if err := json.Unmarshal(out, &pe); err != nil || pe.Code != tt.code || pe.Message == "" {
				t.Errorf("body %s: want code %s", out, tt.code)
			}
			if !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
				t.Errorf("content type %q", hdr.Get("Content-Type"))
			}
		})
	}
	st, _, out := e.do("POST", protocol.PathEnroll, "", []byte(`{"v":1,"code":"nope","sign_key":"","age_key":""}`), nil)
	if st != 400 && st != 401 {
		t.Errorf("bad enrolment: %d %s", st, out)
	}
	if st, _, _ := e.do("GET", protocol.PathHealth, "", nil, nil); st != 200 {
		t.Errorf("healthz: %d", st)
	}
}

func TestBlobEndpoints(t *testing.T) {
	e := newEnv(t)
	token := e.enroll("A01")
	data := bytes.Repeat([]byte("附件"), 100000)
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	path := protocol.PathBlob + hash
	length := map[string]string{protocol.HeaderUploadLength: strconv.Itoa(len(data))}

	st, out := e.post(token, protocol.PathBlobMissing, protocol.BlobMissingRequest{V: 1, Hashes: []string{hash}})
	if st != 200 || !strings.Contains(string(out), hash) {
		t.Fatalf("missing: %d %s", st, out)
	}
	st, hdr, _ := e.do("HEAD", path, token, nil, nil)
	if st != 200 || hdr.Get(protocol.HeaderUploadOffset) != "0" || hdr.Get(protocol.HeaderUploadComplete) != "0" {
		t.Fatalf("head before upload: %d %v", st, hdr)
	}
	if st, _, _ := e.do("PUT", path+"?offset=0", token, data[:100000], length); st != 200 {
		t.Fatalf("first chunk: %d", st)
	}
	st, hdr, _ = e.do("PUT", path+"?offset=5", token, data[5:], length)
	if st != 409 || hdr.Get(protocol.HeaderUploadOffset) != "100000" {
		t.Errorf("wrong offset: %d, Upload-Offset %q", st, hdr.Get(protocol.HeaderUploadOffset))
	}
	gzHdr := map[string]string{protocol.HeaderUploadLength: strconv.Itoa(len(data)), protocol.HeaderUploadOffset: "100000", "Content-Encoding": "gzip"}
	st, hdr, out = e.do("PUT", path, token, gz(t, data[100000:]), gzHdr)
	if st != 200 || hdr.Get(protocol.HeaderUploadComplete) != "1" {
		t.Fatalf("last chunk: %d %s", st, out)
	}
	var bs protocol.BlobStatus
	if err := json.Unmarshal(out, &bs); err != nil || !bs.Complete || bs.Have != int64(len(data)) {
		t.Errorf("blob status: %+v %v", bs, err)
	}
	// A wrong hash is refused at completion.
	other := protocol.PathBlob + strings.Repeat("0", 64) + "?offset=0"
	if st, _, _ := e.do("PUT", other, token, []byte("abc"), map[string]string{protocol.HeaderUploadLength: "3"}); st != 400 {
		t.Errorf("wrong hash: %d", st)
	}
	for _, bad := range []string{"..%2F..%2Fetc%2Fpasswd", "ABC", strings.Repeat("g", 64)} {
		st, _, _ := e.do("PUT", protocol.PathBlob+bad+"?offset=0", token, []byte("x"), map[string]string{protocol.HeaderUploadLength: "1"})
		if st != 400 && st != 404 {
			t.Errorf("hash %q: status %d", bad, st)
		}
	}
	if st, _, _ := e.do("PUT", path+"?offset=0", token, data, nil); st != 400 {
		t.Errorf("PUT without Upload-Length: %d", st)
	}
	if st, _, _ := e.do("PUT", path+"?offset=0", "", data, length); st != 401 {
		t.Errorf("PUT without a token: %d", st)
	}
}

func (e *env) post(token, path string, v any) (int, []byte) {
	e.t.Helper()
	st, _, out := e.do("POST", path, token, mustJSON(e.t, v), nil)
	return st, out
}

// TestPackedAnswers: a station that asks for the packed encoding gets its
// page packed, one that does not (every station before it) gets JSON, and
// both read the same answer.
func TestPackedAnswers(t *testing.T) {
	e := newEnv(t)
	tokA, tokB := e.enroll("A01"), e.enroll("B01")
	ev := openEvent("A01")
	if st, _, out := e.do("POST", protocol.PathSync, tokA, mustJSON(t, protocol.SyncRequest{V: protocol.Version, Station: "A01",
		Events: []*domain.Event{ev}}), nil); st != http.StatusOK {
		t.Fatalf("push: %d %s", st, out)
	}
	pull := mustJSON(t, protocol.SyncRequest{V: protocol.Version, Station: "A01"})
	st, hdr, plain := e.do("POST", protocol.PathSync, tokA, pull, nil)
	if st != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("without Accept: %d %q", st, hdr.Get("Content-Type"))
	}
	st, hdr, packed := e.do("POST", protocol.PathSync, tokA, pull, map[string]string{"Accept": protocol.MediaCols + ", application/json;q=0.9"})
	if st != http.StatusOK || hdr.Get("Content-Type") != protocol.MediaCols {
		t.Fatalf("with Accept: %d %q", st, hdr.Get("Content-Type"))
	}
	var a, b protocol.SyncResponse
	if err := json.Unmarshal(plain, &a); err != nil {
		t.Fatal(err)
	}
	if err := protocol.DecodeCols(packed, &b); err != nil {
		t.Fatal(err)
	}
	a.HallTime, b.HallTime = 0, 0
	ja, jb := mustJSON(t, &a), mustJSON(t, &b)
	if !bytes.Equal(ja, jb) || len(b.Events) != 1 || b.Events[0].Event.ID != ev.ID {
		t.Errorf("packed answer reads\n%s\nJSON answer\n%s", jb, ja)
	}
	// A page with no events stays JSON even when packed is welcome, and
	// q=0 declines it.
	for _, h := range []struct{ tok, accept string }{{tokB, protocol.MediaCols}, {tokA, protocol.MediaCols + ";q=0"}} {
		req := mustJSON(t, protocol.SyncRequest{V: protocol.Version, Station: map[string]string{tokA: "A01", tokB: "B01"}[h.tok], Cursor: 1})
		if h.tok == tokA {
			req = pull
		}
		st, hdr, _ := e.do("POST", protocol.PathSync, h.tok, req, map[string]string{"Accept": h.accept})
		if st != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
			t.Errorf("Accept %q: %d %q, want JSON", h.accept, st, hdr.Get("Content-Type"))
		}
	}
}
