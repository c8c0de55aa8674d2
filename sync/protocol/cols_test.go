package protocol_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// viaJSON is what a station gets from the JSON encoding of resp: the
// reference the packed encoding must match.
func viaJSON(t testing.TB, resp *protocol.SyncResponse) []byte {
	t.Helper()
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var back protocol.SyncResponse
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func viaCols(t testing.TB, resp *protocol.SyncResponse) ([]byte, []byte) {
	t.Helper()
	packed, err := protocol.EncodeCols(resp)
	if err != nil {
		t.Fatal(err)
	}
	var back protocol.SyncResponse
	if err := protocol.DecodeCols(packed, &back); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	return out, packed
}

// page makes a pull page of n typical cases: five events each from one
// station, as the hall's log holds them.
func page(n int, seed uint64) *protocol.SyncResponse {
	r := rand.New(rand.NewPCG(seed, 1))
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	hlc := domain.NewHLC("BENCHA", clock)
	id := func() string {
		var b [16]byte
		binary := now.UnixMilli()
		for i := 5; i >= 0; i-- {
			b[i] = byte(binary)
			binary >>= 8
		}
		for i := 6; i < 16; i++ {
			b[i] = byte(r.Uint32())
		}
		b[6] = b[6]&0x0f | 0x70
		b[8] = b[8]&0x3f | 0x80
		return uuid.UUID(b).String()
	}
	resp := &protocol.SyncResponse{V: 1, Cursor: int64(5 * n), HallTime: now.UnixMilli()}
	kinds := []struct {
		kind    domain.EventKind
		from    domain.State
		payload string
	}{
		{domain.EvOpen, "", ""},
		{domain.EvMaterial, "", `{"code":"M2","collected":"paper","count":1}`},
		{domain.EvAccept, domain.StateReceived, ""},
		{domain.EvConclude, domain.StateAccepted, `{"result":"approved"}`},
		{domain.EvEvaluate, domain.StateConcluded, `{"level":5,"efficiency":5,"service":5,"attitude":5,"source":"pad"}`},
	}
	seq := int64(0)
	for c := 0; c < n; c++ {
		now = now.Add(time.Duration(r.IntN(600)) * time.Second)
		caseID := id()
		for _, k := range kinds {
			now = now.Add(time.Duration(r.IntN(120_000_000_000)))
			p := k.payload
			if k.kind == domain.EvOpen {
				p = fmt.Sprintf(`{"number":"BENCHA-20261120-%04d-0","query_password":"%06d","item_code":"370112-RS-001-01-S","item_version":1,"item_name":"城乡居民基本养老保险参保登记","item_kind":"即办件","handled_at":"station","division":"370112","channel":"window","applicant":{"type":"person","name":"王%s","id_type":"resident_id","id_number":"3701121997%08d","phone":"151%08d","address":"示例区示例街道大柳树村%d号"},"materials":[{"code":"M1","name":"居民身份证","required":"必要","e_license":true,"originals":1,"copies":1,"collected":"e_license"}],"legal_limit":{"value":3,"unit":"G"},"promised_limit":{"value":0,"unit":"G"}}`,
					c, r.IntN(1_000_000), string([]rune("梓福明华丽强军")[r.IntN(7):][:1]), r.IntN(100_000_000), r.IntN(100_000_000), r.IntN(100))
			}
			seq++
			e := &domain.Event{ID: id(), CaseID: caseID, Kind: k.kind, From: k.from, Actor: "clerk1", ActorName: "李窗口",
				Office: "BENCHA", HLC: hlc.Now(), At: now}
			if p != "" {
				e.Payload = json.RawMessage(p)
			}
			resp.Events = append(resp.Events, protocol.LogEvent{Seq: seq, Status: protocol.AckAccepted, Event: e})
		}
	}
	return resp
}

func TestColsGiveWhatJSONGives(t *testing.T) {
	odd := func(mod func(e *domain.Event, le *protocol.LogEvent)) *protocol.SyncResponse {
		resp := page(3, 7)
		mod(resp.Events[4].Event, &resp.Events[4])
		return resp
	}
	cases := map[string]*protocol.SyncResponse{
		"empty":   {V: 1, Cursor: 9, HallTime: 1},
		"typical": page(40, 1),
		"golden":  goldens()["sync_response"].(*protocol.SyncResponse),
		"stub": {V: 1, Acks: []protocol.Ack{{ID: "01900000-0000-7000-8000-000000000001", Status: "accepted", Seq: 3}},
			Events: []protocol.LogEvent{{Seq: 3, Status: "accepted", Event: &domain.Event{ID: "01900000-0000-7000-8000-000000000001",
				CaseID: "01900000-0000-7000-8000-0000000000aa", Kind: domain.EvOpen}}}},
		"conflict with reason": odd(func(e *domain.Event, le *protocol.LogEvent) {
			le.Status, le.Reason, le.Zh = protocol.AckConflict, "based on received", "状态已变"
		}),
		"uppercase id":  odd(func(e *domain.Event, _ *protocol.LogEvent) { e.ID = "01A1F9C2-5CF8-7910-A333-FB062CFC48CA" }),
		"not a uuid":    odd(func(e *domain.Event, _ *protocol.LogEvent) { e.CaseID = "case-1" }),
		"local time":    odd(func(e *domain.Event, _ *protocol.LogEvent) { e.At = e.At.In(time.FixedZone("CST", 8*3600)) }),
		"whole ms time": odd(func(e *domain.Event, _ *protocol.LogEvent) { e.At = e.At.Truncate(time.Millisecond) }),
		"time before 1970": odd(func(e *domain.Event, _ *protocol.LogEvent) {
			e.At = time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC)
		}),
		"html in payload": odd(func(e *domain.Event, _ *protocol.LogEvent) {
			e.Payload = json.RawMessage("{ \"note\" : \"<a href='x'>&</a>\" ,\n \"n\": 1 }")
		}),
		"null payload":   odd(func(e *domain.Event, _ *protocol.LogEvent) { e.Payload = json.RawMessage("null") }),
		"empty payload":  odd(func(e *domain.Event, _ *protocol.LogEvent) { e.Payload = json.RawMessage{} }),
		"bad utf-8":      odd(func(e *domain.Event, _ *protocol.LogEvent) { e.ActorName = "李\xff" }),
		"odd stamp":      odd(func(e *domain.Event, _ *protocol.LogEvent) { e.HLC = "not-a-stamp" }),
		"negative stamp": odd(func(e *domain.Event, _ *protocol.LogEvent) { e.HLC = "-000000000001.000000.BENCHA" }),
		"hall event": odd(func(e *domain.Event, _ *protocol.LogEvent) {
			e.Office, e.Actor, e.ActorName, e.HLC = "hall", "appr-1", "审批员", "0019c4e6b1a80.00000a.hall"
		}),
		"nil event": {V: 1, Events: []protocol.LogEvent{{Seq: 1, Status: "accepted"}}},
	}
	for name, resp := range cases {
		t.Run(name, func(t *testing.T) {
			want := viaJSON(t, resp)
			got, _ := viaCols(t, resp)
			if !bytes.Equal(got, want) {
				t.Errorf("packed answer decodes to\n%s\nthe JSON one to\n%s", got, want)
			}
		})
	}
}

// TestColsHalveThePage is the reason the encoding exists: a typical pull
// page, both gzipped as the hall sends them, is less than half the bytes.
func TestColsHalveThePage(t *testing.T) {
	resp := page(400, 3)
	js, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	_, packed := viaCols(t, resp)
	gz := func(b []byte) int {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Len()
	}
	j, c := gz(js), gz(packed)
	t.Logf("2,000 events: JSON %d B gzipped %d B; packed %d B gzipped %d B (%.2f×)", len(js), j, len(packed), c, float64(c)/float64(j))
	if c*2 > j {
		t.Errorf("packed page %d B gzipped, JSON %d B: want less than half", c, j)
	}
}

func TestColsGolden(t *testing.T) {
	resp := page(4, 11)
	resp.Acks = []protocol.Ack{{ID: resp.Events[0].Event.ID, Status: "accepted", Seq: 1}}
	resp.Events[0].Event = &domain.Event{ID: resp.Events[0].Event.ID, CaseID: resp.Events[0].Event.CaseID, Kind: domain.EvOpen}
	resp.Events[7].Reason, resp.Events[7].Status = "stale", protocol.AckConflict
	got, err := protocol.EncodeCols(resp)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "sync_response.cols")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed: stations in the field read this layout; a new layout needs a new magic and media type", path)
	}
	var back protocol.SyncResponse
	if err := protocol.DecodeCols(want, &back); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(&back)
	if w := viaJSON(t, resp); !bytes.Equal(b, w) {
		t.Errorf("golden decodes to\n%s\nwant\n%s", b, w)
	}
}

func TestColsMalformed(t *testing.T) {
	good, err := protocol.EncodeCols(page(3, 5))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(good); i++ {
		var out protocol.SyncResponse
		if protocol.DecodeCols(good[:i], &out) == nil {
			t.Fatalf("a packed answer cut to %d of %d bytes was accepted", i, len(good))
		}
	}
	var out protocol.SyncResponse
	for _, b := range [][]byte{nil, []byte("YZC1"), []byte(`{"v":1}`), append(bytes.Clone(good), 0)} {
		if protocol.DecodeCols(b, &out) == nil {
			t.Errorf("accepted %q", b)
		}
	}
}

// FuzzDecodeCols: arbitrary bytes never panic the station's decoder, and
// whatever it accepts encodes and decodes back to the same answer.
func FuzzDecodeCols(f *testing.F) {
	for _, r := range []*protocol.SyncResponse{page(2, 1), {V: 1}, goldens()["sync_response"].(*protocol.SyncResponse)} {
		b, err := protocol.EncodeCols(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var resp protocol.SyncResponse
		if err := protocol.DecodeCols(data, &resp); err != nil {
			return
		}
		once, err := json.Marshal(&resp)
		if err != nil {
			return // e.g. a time beyond year 9999: the JSON encoding cannot carry it either
		}
		got, _ := viaCols(t, &resp)
		if !bytes.Equal(once, got) {
			t.Fatalf("not stable:\n%s\n%s", once, got)
		}
	})
}
