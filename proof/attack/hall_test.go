package attack_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	"yizhan/sync/bundle"
	"yizhan/sync/protocol"
)

// Station A reads or writes station B's cases: B's case never reaches A,
// and every write A forges on it is refused as forbidden, logged, and
// changes nothing. Claiming to be B in the request is refused outright.
func TestAttackStationReadsOrWritesAnotherStationsCase(t *testing.T) {
	h := newHall(t)
	a, b := h.station("A01"), h.station("B02")
	victim := b.open(hallItem)
	b.sync()
	a.sync()
	var n int
	a.view.QueryRow(`SELECT count(*) FROM cases WHERE id=?`, victim.ID).Scan(&n)
	if n != 0 {
		t.Fatal("A received B's case")
	}
	before := h.snapshot()
	attacks := map[string]*domain.Event{
		"note":     event("A01", victim.ID, domain.EvNote, "", domain.NotePayload{Text: "x"}),
		"material": event("A01", victim.ID, domain.EvMaterial, "", domain.MaterialPayload{Code: "M1", Collected: domain.CollectPaper}),
		"accept":   event("A01", victim.ID, domain.EvAccept, domain.StateReceived, nil),
		"bogus":    event("A01", victim.ID, domain.EvAccept, domain.StateEvaluated, nil), // no such step: must not leak state via a conflict
	}
	for name, e := range attacks {
		status, resp, _ := h.syncAs(a.token, protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: []*domain.Event{e}})
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", name, status)
		}
		ack := mustRefuse(t, resp, domain.EForbidden)
		if strings.Contains(ack.Reason, string(victim.State)) {
			t.Errorf("%s: refusal leaks the case's state: %+v", name, ack)
		}
		if !h.log.has(`"msg":"event refused"`, e.ID, "forbidden") {
			t.Errorf("%s: refusal not logged", name)
		}
	}
	// Opening a case under B's case ID (to be handed its history).
	open := a.forgedOpen(hallItem, 1, nil)
	open.CaseID = victim.ID
	_, resp, _ := h.syncAs(a.token, protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: []*domain.Event{open}})
	mustRefuse(t, resp, domain.EConflict)
	// Pretending to be B in the body with A's token.
	status, _, body := h.syncAs(a.token, protocol.SyncRequest{V: protocol.Version, Station: "B02"})
	if status != http.StatusForbidden || !h.log.has(`"status":403`, `"station":"A01"`) {
		t.Fatalf("request naming B with A's token: %d %s", status, body)
	}
	if h.snapshot() != before {
		t.Fatal("the hall's data changed")
	}
	a.sync()
	a.view.QueryRow(`SELECT count(*) FROM cases WHERE id=?`, victim.ID).Scan(&n)
	if n != 0 {
		t.Fatal("after the attacks A holds B's case")
	}
}

// A station forges transitions only the hall may make: taking up a
// forwarded case, concluding a hall-approved item, assigning the hall's
// serial number, or signing an event as the hall itself.
func TestAttackForgedHallOnlyTransitions(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	c := a.open(hallItem)
	if _, err := a.st.Accept(ctx, a.actor, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Forward(ctx, a.actor, c.ID); err != nil {
		t.Fatal(err)
	}
	a.sync()
	before := h.snapshot()
	forged := map[string]*domain.Event{
		"start_process": event("A01", c.ID, domain.EvStartProcess, domain.StateForwarded, nil),
		"serial":        event("A01", c.ID, domain.EvAssignSerial, "", domain.SerialPayload{Serial: "FAKE-1"}),
		"as-hall":       event(domain.HallOffice, c.ID, domain.EvConclude, domain.StateForwarded, domain.ConcludePayload{Result: domain.ResultApproved}),
	}
	for name, e := range forged {
		_, resp, _ := h.syncAs(a.token, protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: []*domain.Event{e}})
		mustRefuse(t, resp, domain.EForbidden)
		if !h.log.has(`"msg":"event refused"`, e.ID) {
			t.Errorf("%s: refusal not logged", name)
		}
	}
	// The hall takes the case up; the station then forges the approval.
	if err := h.svc.Suspend(ctx, hall.Actor{ID: "clerk"}, c.ID, "核查"); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Resume(ctx, hall.Actor{ID: "clerk"}, c.ID); err != nil {
		t.Fatal(err)
	}
	before = h.snapshot()
	e := event("A01", c.ID, domain.EvConclude, domain.StateInProcess, domain.ConcludePayload{Result: domain.ResultApproved})
	_, resp, _ := h.syncAs(a.token, protocol.SyncRequest{V: protocol.Version, Station: "A01", Events: []*domain.Event{e}})
	mustRefuse(t, resp, domain.EForbidden)
	if h.snapshot() != before {
		t.Fatal("a forged transition changed the hall's data")
	}
}

// recorder keeps the bodies of the requests a client sends: what someone
// on the wire (or with the station's disk) captures for a replay.
type recorder struct {
	bodies [][]byte
	paths  []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var b []byte
	if req.Body != nil {
		b, _ = readAll(req)
	}
	r.bodies, r.paths = append(r.bodies, b), append(r.paths, req.URL.Path)
	return http.DefaultTransport.RoundTrip(req)
}

func readAll(req *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(req.Body)
	req.Body.Close()
	req.Body = nopCloser{bytes.NewReader(buf.Bytes())}
	return buf.Bytes(), err
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Replaying captured requests and bundles: the same request again changes
// nothing (every event is answered as a duplicate), with another station's
// token it is refused, and a bundle imported twice, or at the wrong
// station, changes nothing either.
func TestAttackReplayCapturedRequestsAndBundles(t *testing.T) {
	h := newHall(t)
	a, b := h.station("A01"), h.station("B02")
	rec := &recorder{}
	a.cl.HTTP = &http.Client{Transport: rec}
	a.cl.GzipAbove = -1
	a.open(stationItem)
	a.sync()
	var captured []byte
	for i, p := range rec.paths {
		if p == protocol.PathSync && bytes.Contains(rec.bodies[i], []byte(`"events"`)) {
			captured = rec.bodies[i]
		}
	}
	if captured == nil {
		t.Fatal("no push captured")
	}
	before := h.snapshot()
	status, out := h.do(http.MethodPost, protocol.PathSync, a.token, bytes.NewReader(captured), nil)
	if status != http.StatusOK || !bytes.Contains(out, []byte(`"dup":true`)) {
		t.Fatalf("replay: %d %s", status, out)
	}
	status, out = h.do(http.MethodPost, protocol.PathSync, b.token, bytes.NewReader(captured), nil)
	if status != http.StatusForbidden || !h.log.has(`"status":403`, `"station":"B02"`) {
		t.Fatalf("replay with B's token: %d %s", status, out)
	}
	if h.snapshot() != before {
		t.Fatal("a replayed request changed the hall's data")
	}

	// Bundles: export, import at the hall twice, import the reply twice,
	// then at the wrong station.
	ctx := context.Background()
	a.open(stationItem)
	dir := t.TempDir()
	exp, reply, reply2 := filepath.Join(dir, "e.bundle"), filepath.Join(dir, "r.bundle"), filepath.Join(dir, "r2.bundle")
	if _, err := bundle.ExportBundle(ctx, a.st, exp); err != nil {
		t.Fatal(err)
	}
	side := httpapi.BundleSide(h.svc)
	if _, err := bundle.HallImport(ctx, side, exp, reply); err != nil {
		t.Fatal(err)
	}
	before = h.snapshot()
	rep, err := bundle.HallImport(ctx, side, exp, reply2)
	if err != nil || rep.Acks.Duplicates != rep.Events || rep.Events == 0 {
		t.Fatalf("second import of an export: %+v %v", rep, err)
	}
	if h.snapshot() != before {
		t.Fatal("re-importing an export changed the hall's data")
	}
	if _, err := bundle.ImportReply(ctx, a.st, reply); err != nil {
		t.Fatal(err)
	}
	sbefore := a.snapshot()
	res, err := bundle.ImportReply(ctx, a.st, reply)
	if err != nil || !res.Already || a.snapshot() != sbefore {
		t.Fatalf("second import of a reply: %+v %v", res, err)
	}
	bbefore := b.snapshot()
	if _, err := bundle.ImportReply(ctx, b.st, reply); !errors.Is(err, bundle.ErrForeign) || b.snapshot() != bbefore {
		t.Fatalf("A's reply imported at B: %v", err)
	}
}

// A revoked station's token and bundles are refused; so are an expired
// enrolment code and a made-up token.
func TestAttackRevokedOrExpiredCredentials(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	a.open(stationItem)
	exp := filepath.Join(t.TempDir(), "e.bundle")
	if _, err := bundle.ExportBundle(ctx, a.st, exp); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Revoke(ctx, "A01"); err != nil {
		t.Fatal(err)
	}
	before := h.snapshot()
	_, err := a.cl.SyncOnce(ctx)
	if hallclient.CodeOf(err) != hallclient.CodeRevoked || !h.log.has(`"status":403`, protocol.PathSync) {
		t.Fatalf("revoked station synced: %v", err)
	}
	if _, err := bundle.HallImport(ctx, httpapi.BundleSide(h.svc), exp, exp+".reply"); !errors.Is(err, bundle.ErrForeign) {
		t.Fatalf("revoked station's bundle: %v", err)
	}
	for _, tok := range []string{"A01.forged", "Z99.abc", "", "A01.", ".x"} {
		status, _ := h.do(http.MethodPost, protocol.PathSync, tok, strings.NewReader(`{"v":1,"station":"A01"}`), nil)
		if status != http.StatusUnauthorized && status != http.StatusForbidden {
			t.Errorf("token %q: status %d", tok, status)
		}
	}
	if h.snapshot() != before {
		t.Fatal("refused credentials changed the hall's data")
	}
	code, err := h.svc.AddStation(ctx, "C03", "驿站 C03", "")
	if err != nil {
		t.Fatal(err)
	}
	before = h.snapshot()
	h.clock.Add(8 * 24 * time.Hour)
	body := `{"v":1,"code":"` + code + `","sign_key":"` + strings.Repeat("A", 43) + `=","age_key":"age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq"}`
	if status, out := h.do(http.MethodPost, protocol.PathEnroll, "", strings.NewReader(body), nil); status != http.StatusUnauthorized {
		t.Fatalf("expired enrolment code: %d %s", status, out)
	}
	if !h.log.has(`"status":401`, protocol.PathEnroll) {
		t.Error("expired enrolment not logged")
	}
	if h.snapshot() != before {
		t.Fatal("refused credentials changed the hall's data")
	}
}

// Oversized bodies and attachments: sync bodies over the limit, raw or as
// a gzip bomb, an enrolment body over its own small limit, an attachment
// declared or sent larger than allowed. Each is refused with 413 and
// holds no memory or disk beyond the limit.
func TestAttackOversizedBodiesAndAttachments(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	before := h.snapshot()
	big := bytes.Repeat([]byte(" "), protocol.MaxRequestBytes+10)
	copy(big, `{"v":1,"station":"A01","events":[`)
	if status, out := h.do(http.MethodPost, protocol.PathSync, a.token, bytes.NewReader(big), nil); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized sync body: %d %s", status, out)
	}
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`{"v":1,"station":"A01","app_version":"`))
	zw.Write(bytes.Repeat([]byte("A"), 64<<20))
	zw.Close()
	if status, out := h.do(http.MethodPost, protocol.PathSync, a.token, &bomb, map[string]string{"Content-Encoding": "gzip"}); status != http.StatusRequestEntityTooLarge {
		t.Errorf("gzip bomb (%d bytes compressed): %d %s", bomb.Len(), status, out)
	}
	if status, _ := h.do(http.MethodPost, protocol.PathEnroll, "", bytes.NewReader(bytes.Repeat([]byte("x"), httpapi.MaxEnrollBytes+100)), nil); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized enrolment: %d", status)
	}
	hash := strings.Repeat("ab", 32)
	put := func(offset, length int64, body []byte) (int, []byte) {
		return h.do(http.MethodPut, protocol.PathBlob+hash+"?offset="+strconv.FormatInt(offset, 10), a.token, bytes.NewReader(body),
			map[string]string{protocol.HeaderUploadLength: strconv.FormatInt(length, 10)})
	}
	if status, out := put(0, protocol.MaxBlobBytes+1, []byte("x")); status != http.StatusRequestEntityTooLarge {
		t.Errorf("attachment declared over the limit: %d %s", status, out)
	}
	if status, out := put(0, 10, bytes.Repeat([]byte("y"), 100)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("attachment body longer than declared: %d %s", status, out)
	}
	if fi, err := os.Stat(filepath.Join(h.dir, "data", "blobs", "partial", "A01", hash)); err == nil && fi.Size() > 10 {
		t.Errorf("the hall kept %d bytes of a 10-byte attachment", fi.Size())
	}
	if !h.log.has(`"status":413`, protocol.PathBlob) || !h.log.has(`"status":413`, protocol.PathSync) {
		t.Error("oversize refusals not logged")
	}
	if h.snapshot() != before {
		t.Fatal("oversized requests changed the hall's data")
	}
	// At the station: an attachment over the limit is refused before it
	// reaches the blob store.
	sbefore := a.snapshot()
	_, err := a.st.ImportBlob(context.Background(), a.actor, "huge.pdf", "application/pdf", zeros(protocolMaxStationBlob+1))
	if domain.ErrorCode(err) != domain.EInvalid || a.snapshot() != sbefore {
		t.Fatalf("station took an attachment over the limit: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(a.dir, "blobs")); len(ents) != 0 {
		t.Errorf("the refused attachment left %d files behind", len(ents))
	}
}

const protocolMaxStationBlob = 64 << 20

// zeros is a reader of n zero bytes that allocates nothing.
type zeroReader struct{ left int64 }

func zeros(n int64) *zeroReader { return &zeroReader{left: n} }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), z.left)
	clear(p[:n])
	z.left -= n
	return int(n), nil
}
