package attack_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/sync/protocol"
)

// The hall's resources — disk, database rows, connections — against an
// enrolled station that misbehaves and against anyone on the network.

// put uploads data as a whole blob (one chunk) with token.
func (h *hallEnv) put(token string, data []byte) (int, string, string) {
	h.t.Helper()
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	status, out := h.do(http.MethodPut, protocol.PathBlob+hash+"?offset=0", token, bytes.NewReader(data),
		map[string]string{protocol.HeaderUploadLength: strconv.Itoa(len(data))})
	return status, hash, string(out)
}

func junk(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// A station fills the hall's disk with attachments: valid uploads of junk,
// one after another, and many uploads begun and never finished. Past the
// quota the hall sets per station it refuses with a clear error (413,
// "quota", a Chinese sentence naming the quota), keeps nothing of the
// refused upload, logs it; another station is not affected.
func TestAttackStationFillsHallDisk(t *testing.T) {
	h := newHall(t)
	a, b := h.station("A01"), h.station("B02")
	h.svc.BlobQuota = 1 << 20
	var stored int
	for i := 0; i < 2; i++ {
		if status, _, out := h.put(a.token, junk(400<<10)); status != http.StatusOK {
			t.Fatalf("upload %d within the quota: %d %s", i, status, out)
		}
		stored++
	}
	status, hash, out := h.put(a.token, junk(400<<10))
	var pe protocol.Error
	json.Unmarshal([]byte(out), &pe)
	if status != http.StatusRequestEntityTooLarge || pe.Code != protocol.CodeQuota || !strings.Contains(pe.Zh, "额度") {
		t.Fatalf("upload past the quota: %d %s", status, out)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "data", "blobs", "partial", "A01", hash)); err == nil {
		t.Error("the refused upload left a partial file")
	}
	if !h.log.has(`"status":413`, `"station":"A01"`) {
		t.Error("the refusal is not logged")
	}
	// Unfinished uploads count, and there may not be too many at once.
	h.svc.BlobQuota = 64 << 20
	refused := 0
	for i := 0; i < hall.MaxPartialUploads+10; i++ {
		data := junk(1000)
		sum := sha256.Sum256(data)
		st, _ := h.do(http.MethodPut, protocol.PathBlob+hex.EncodeToString(sum[:])+"?offset=0", a.token, bytes.NewReader(data[:10]),
			map[string]string{protocol.HeaderUploadLength: "1000"})
		if st == http.StatusRequestEntityTooLarge {
			refused++
		}
	}
	if refused < 10 {
		t.Errorf("%d unfinished uploads at once were taken, want at most %d", hall.MaxPartialUploads+10-refused, hall.MaxPartialUploads)
	}
	h.svc.BlobQuota = 1 << 20
	if status, _, out := h.put(b.token, junk(400<<10)); status != http.StatusOK {
		t.Errorf("station B, under its own quota: %d %s", status, out)
	}
}

// Uploads begun and never finished, and attachments that no case ever
// references (junk uploaded to fill the disk), are collected: partial
// uploads after PartialTTL, unreferenced blobs after BlobGrace. A scan a
// case references is kept, however old; nothing goes before its time.
func TestAttackAbandonedAndUnreferencedUploads(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	ctx := context.Background()
	// A real scan on a case material, synced the normal way.
	c := a.open(stationItem)
	scan := junk(5000)
	sha, err := a.st.ImportBlob(ctx, a.actor, "scan.jpg", "image/jpeg", bytes.NewReader(scan))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.RecordMaterial(ctx, a.actor, c.ID, app.MaterialInput{Code: "M1", Collected: domain.CollectScan, Count: 1, Blobs: []string{sha}}); err != nil {
		t.Fatal(err)
	}
	a.sync()
	// Junk, complete and unreferenced; and an upload abandoned half-way.
	status, junkHash, _ := h.put(a.token, junk(3000))
	if status != http.StatusOK {
		t.Fatal("junk upload")
	}
	half := junk(2000)
	sum := sha256.Sum256(half)
	partHash := hex.EncodeToString(sum[:])
	h.do(http.MethodPut, protocol.PathBlob+partHash+"?offset=0", a.token, bytes.NewReader(half[:1000]),
		map[string]string{protocol.HeaderUploadLength: "2000"})
	blobs := filepath.Join(h.dir, "data", "blobs")
	file := func(hash string) string { return filepath.Join(blobs, hash[:2], hash) }
	partial := filepath.Join(blobs, "partial", "A01", partHash)
	for _, f := range []string{file(sha), file(junkHash), partial} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("before collection: %v", err)
		}
	}
	// Within their time, nothing goes.
	if _, err := h.svc.CollectBlobs(ctx); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{file(sha), file(junkHash), partial} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("collected before its time: %v", err)
		}
	}
	// Much later (the partial file's age is its modification time).
	later := time.Now().Add(h.svc.PartialTTL + time.Hour)
	os.Chtimes(partial, later.Add(-h.svc.PartialTTL-time.Minute), later.Add(-h.svc.PartialTTL-time.Minute))
	h.clock.Add(h.svc.BlobGrace + time.Hour)
	if later.After(h.clock.Now()) {
		h.clock.Add(later.Sub(h.clock.Now()))
	}
	res, err := h.svc.CollectBlobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(partial); err == nil {
		t.Error("the abandoned upload is still there")
	}
	if _, err := os.Stat(file(junkHash)); err == nil {
		t.Error("the unreferenced blob is still there")
	}
	if _, err := os.Stat(file(sha)); err != nil {
		t.Errorf("the case's scan was collected: %v", err)
	}
	var owners int
	h.view.QueryRow(`SELECT count(*) FROM blob_owners WHERE hash=?`, junkHash).Scan(&owners)
	if owners != 0 || res.Blobs != 1 || res.Partials != 1 {
		t.Errorf("collection: %+v, %d owner rows of the junk left", res, owners)
	}
	if !h.log.has("blobs collected") {
		t.Error("the collection is not logged")
	}
	// The station asked again: the junk is missing, the scan is not.
	miss, err := h.svc.BlobMissing(ctx, "A01", []string{sha, junkHash})
	if err != nil || len(miss.Missing) != 1 || miss.Missing[0] != junkHash {
		t.Errorf("after collection, missing: %+v %v", miss, err)
	}
}

// Strings a station sends that the hall keeps: an app_version of 7 MiB was
// stored and served in the station registry. Every such string has a
// length limit; a request over it is refused whole (400), logged, and
// nothing of it is kept.
func TestAttackHugeStationStrings(t *testing.T) {
	h := newHall(t)
	a := h.station("A01")
	before := h.snapshot()
	reqs := map[string]protocol.SyncRequest{
		"app_version 7 MiB": {V: protocol.Version, Station: "A01", AppVersion: strings.Repeat("v", 7<<20)},
		"app_version 1 KiB": {V: protocol.Version, Station: "A01", AppVersion: strings.Repeat("1.0.", 256)},
		"app_version ctrl":  {V: protocol.Version, Station: "A01", AppVersion: "1.0\x1b[31m"},
		"audit hash 10 KiB": {V: protocol.Version, Station: "A01", Audit: &protocol.AuditHead{Seq: 1, Hash: strings.Repeat("a", 10<<10)}},
		"audit check hash":  {V: protocol.Version, Station: "A01", Audit: &protocol.AuditHead{Seq: 1, Hash: strings.Repeat("a", 64), CheckSeq: 1, CheckHash: "<script>"}},
	}
	for name, req := range reqs {
		status, _, out := h.syncAs(a.token, req)
		if status != http.StatusBadRequest && status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d %.200s", name, status, out)
		}
	}
	sts, _ := h.svc.Stations(context.Background())
	for _, st := range sts {
		if len(st.AppVersion) > protocol.MaxAppVersionBytes || len(st.AuditHash) > 64 {
			t.Errorf("%s keeps an app_version of %d bytes, an audit hash of %d", st.Code, len(st.AppVersion), len(st.AuditHash))
		}
	}
	if h.snapshot() != before {
		t.Error("refused syncs changed the hall's data")
	}
	code, err := h.svc.AddStation(context.Background(), "C03", "驿站 C03", "")
	if err != nil {
		t.Fatal(err)
	}
	before = h.snapshot()
	body := `{"v":1,"code":"` + code + `","sign_key":"` + strings.Repeat("A", 43) + `=","age_key":"age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq","app_version":"` + strings.Repeat("x", 10<<10) + `"}`
	if status, out := h.do(http.MethodPost, protocol.PathEnroll, "", strings.NewReader(body), nil); status != http.StatusBadRequest {
		t.Errorf("enrolment with a 10 KiB app_version: %d %s", status, out)
	}
	if !h.log.has(`"status":400`, protocol.PathSync) {
		t.Error("refusals not logged")
	}
	if h.snapshot() != before {
		t.Error("a refused enrolment changed the hall's data")
	}
	// A normal version still goes through.
	if status, _, out := h.syncAs(a.token, protocol.SyncRequest{V: protocol.Version, Station: "A01", AppVersion: "0.3.1-rc.2+build.20261127"}); status != http.StatusOK {
		t.Errorf("a normal app_version: %d %s", status, out)
	}
}

// Slow bodies without credentials: headers complete, then the body one
// byte now and then (or not at all), against enrolment and the console's
// sign-in. The hall stops reading after its unauthenticated body deadline
// (10 s) and closes the connection; other clients are served meanwhile.
func TestAttackSlowUnauthenticatedBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 10 s body deadline")
	}
	h := newHall(t)
	c := h.console()
	targets := []struct{ addr, path string }{
		{h.srv.Listener.Addr().String(), protocol.PathEnroll},
		{c.srv.Listener.Addr().String(), "/console/api/session"},
	}
	start := time.Now()
	var conns []net.Conn
	for _, tg := range targets {
		for i := 0; i < 20; i++ {
			conn, err := net.Dial("tcp", tg.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, "POST "+tg.path+" HTTP/1.1\r\nHost: hall\r\nContent-Type: application/json\r\n"+
				"X-Yizhan-Console: 1\r\nContent-Length: 100000\r\n\r\n{\"v\":1,")
			conns = append(conns, conn)
		}
	}
	// Trickle a byte now and then on half of them.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tk := time.NewTicker(time.Second)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				for i, conn := range conns {
					if i%2 == 0 {
						conn.Write([]byte(" "))
					}
				}
			}
		}
	}()
	if status, _ := h.do(http.MethodGet, protocol.PathHealth, "", nil, nil); status != http.StatusOK {
		t.Fatalf("health check meanwhile: %d", status)
	}
	buf := make([]byte, 4096)
	for i, conn := range conns {
		conn.SetReadDeadline(start.Add(20 * time.Second))
		var err error
		for err == nil {
			_, err = conn.Read(buf)
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("slow body %d still open after %v", i, time.Since(start).Round(time.Second))
		}
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("slow bodies closed after %v, want about 10 s", took.Round(time.Second))
	}
	if !h.log.has("body not received in time") {
		t.Error("slow bodies are not logged")
	}
}
