package protocol_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/sync/protocol"
	"yizhan/workday"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var at = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func fixedEvent() *domain.Event {
	return &domain.Event{
		ID: "01900000-0000-7000-8000-000000000001", CaseID: "01900000-0000-7000-8000-0000000000aa",
		Kind: domain.EvAccept, From: domain.StateReceived, Payload: json.RawMessage(`{"note":"材料齐全"}`),
		Actor: "clerk-1", ActorName: "王五", Office: "A01", HLC: "0019c4e6b1a80.000000.A01", At: at,
	}
}

// goldens are the wire messages frozen in testdata/: changing how any of
// them encodes is a wire format change and needs a version bump.
func goldens() map[string]any {
	return map[string]any{
		"sync_request": &protocol.SyncRequest{V: 1, Station: "A01", Cursor: 41, Events: []*domain.Event{fixedEvent()},
			Audit:    &protocol.AuditHead{Seq: 120, Hash: "9f2c", CheckSeq: 118, CheckHash: "77ab"},
			MaxBytes: 262144, AppVersion: "1.0.0"},
		"sync_response": &protocol.SyncResponse{V: 1,
			Acks: []protocol.Ack{
				{ID: "01900000-0000-7000-8000-000000000001", Status: protocol.AckAccepted, Seq: 1001},
				{ID: "01900000-0000-7000-8000-000000000002", Status: protocol.AckConflict, Seq: 1002, Code: "conflict",
					Reason: "case x: accept was based on state \"received\" but the case is \"accepted\"", Zh: "办件状态已被他人改变。"},
				{ID: "01900000-0000-7000-8000-000000000003", Status: protocol.AckRejected, Duplicate: true, Code: "forbidden",
					Reason: "office A01 may not conclude case y", Zh: "本站无权办理。"},
			},
			Events: []protocol.LogEvent{{Seq: 1001, Status: protocol.AckAccepted, Event: fixedEvent()}},
			Published: []protocol.Published{
				{Catalog: "sample-2026.1", Item: &domain.Item{BasicCode: "SB-1", Code: "370112-RS-001-01-S", Version: 1,
					Status: domain.ItemPublished, Name: "参保登记", Type: "公共服务", Kind: domain.KindImmediate,
					LegalLimit: workday.Limit{Value: 3, Unit: workday.G}, PromisedLimit: workday.Limit{Value: 0, Unit: workday.G},
					HandledAt: "station", Target: []string{"自然人"}, Delivery: []string{"电子"}, Conditions: []string{"年满16周岁"},
					Materials: []domain.Material{{Code: "M1", Name: "居民身份证", Source: "政府部门核发", Originals: 1, Required: domain.NecessityRequired, ELicense: true}}}},
				{Calendar: &workday.YearSpec{Year: 2027, Holidays: []workday.Date{workday.MustParseDate("2027-01-01")},
					Workdays: []workday.Date{}, Source: "国办发明电〔2026〕1号"}},
			},
			Cursor: 77, More: true, HallTime: 1772443800000, AuditSeq: 120},
		"sync_response_resync": &protocol.SyncResponse{V: 1, Cursor: 0, Resync: true, Upgrade: true, HallTime: 1772443800000},
		"enroll_request": &protocol.EnrollRequest{V: 1, Code: "K500-86QC-9962-0N9E",
			SignKey: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
			AgeKey:  "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", AppVersion: "1.0.0"},
		"enroll_response": &protocol.EnrollResponse{V: 1, Station: "A01", Name: "示例村便民服务站", Region: "370112",
			Token: "A01.c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", HallSignKey: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
			HallAgeKey: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"},
		"ack": &protocol.Ack{ID: "01900000-0000-7000-8000-000000000002", Status: protocol.AckConflict, Seq: 1002, Duplicate: true,
			Code: "conflict", Reason: "stale transition", Zh: "办件状态已被他人改变。"},
		"blob_missing_response": &protocol.BlobMissingResponse{V: 1, Missing: []string{strings.Repeat("ab", 32)},
			Partial: map[string]int64{strings.Repeat("ab", 32): 262144}},
		"error": &protocol.Error{Code: protocol.CodeUpgrade, Message: "wire version 0 not supported (hall speaks 1..1)", Zh: "软件版本与大厅不兼容，请升级驿站。"},
	}
}

func TestGolden(t *testing.T) {
	for name, v := range goldens() {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", name+".json")
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
				t.Errorf("%s changed; if intended, bump protocol.Version and run go test -update.\ngot:\n%s\nwant:\n%s", path, got, want)
			}
			// The golden file decodes strictly back into the same value.
			back := reflect.New(reflect.TypeOf(v).Elem()).Interface()
			if err := protocol.Decode(bytes.NewReader(want), protocol.MaxRequestBytes, back); err != nil {
				t.Fatal(err)
			}
			// Raw payloads come back re-indented, so compare encodings.
			b1, _ := json.Marshal(back)
			b2, _ := json.Marshal(v)
			if !bytes.Equal(b1, b2) {
				t.Errorf("decoding %s gives\n%s\nwant\n%s", path, b1, b2)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	valid := `{"v":1,"station":"A01","cursor":0}`
	tests := []struct {
		name  string
		input string
		limit int64
		code  string
	}{
		{"UnknownField", `{"v":1,"station":"A01","colour":"red"}`, 1 << 10, domain.EInvalid},
		{"UnknownNestedField", `{"v":1,"station":"A01","audit":{"seq":1,"hash":"h","extra":1}}`, 1 << 10, domain.EInvalid},
		{"TrailingObject", valid + `{}`, 1 << 10, domain.EInvalid},
		{"TrailingGarbage", valid + ` x`, 1 << 10, domain.EInvalid},
		{"Oversize", valid, int64(len(valid) - 1), protocol.CodeTooLarge},
		{"CursorString", `{"v":1,"station":"A01","cursor":"7"}`, 1 << 10, domain.EInvalid},
		{"VersionFloat", `{"v":1.5,"station":"A01"}`, 1 << 10, domain.EInvalid},
		{"EventsObject", `{"v":1,"station":"A01","events":{}}`, 1 << 10, domain.EInvalid},
		{"StationNumber", `{"v":1,"station":7}`, 1 << 10, domain.EInvalid},
		{"BadTime", `{"v":1,"station":"A01","events":[{"id":"x","at":"yesterday"}]}`, 1 << 10, domain.EInvalid},
		{"Truncated", `{"v":1,"station":"A0`, 1 << 10, domain.EInvalid},
		{"Empty", ``, 1 << 10, domain.EInvalid},
		{"NotJSON", `v=1&station=A01`, 1 << 10, domain.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req protocol.SyncRequest
			err := protocol.Decode(strings.NewReader(tt.input), tt.limit, &req)
			if got := domain.ErrorCode(err); got != tt.code {
				t.Errorf("got %q (%v), want %q", got, err, tt.code)
			}
			if domain.ZhMessage(err) == "" {
				t.Error("no Chinese message")
			}
		})
	}
	var req protocol.SyncRequest
	if err := protocol.Decode(strings.NewReader(valid), int64(len(valid)), &req); err != nil || req.Station != "A01" {
		t.Errorf("a body exactly at the limit: %v", err)
	}
}

func TestCheckVersion(t *testing.T) {
	for _, tt := range []struct {
		v  int
		ok bool
	}{{protocol.MinVersion - 1, false}, {protocol.MinVersion, true}, {protocol.Version, true}, {protocol.Version + 1, false}} {
		v, ok := tt.v, tt.ok
		if err := protocol.CheckVersion(v); (err == nil) != ok || (err != nil && domain.ErrorCode(err) != protocol.CodeUpgrade) {
			t.Errorf("version %d: %v", v, err)
		}
	}
}

// FuzzDecodeSyncRequest feeds arbitrary bytes to the strict decoder. It must
// never panic, and whatever it accepts must re-encode to something it
// accepts again, unchanged: a station and the hall must agree on every
// message either of them can produce.
func FuzzDecodeSyncRequest(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "sync_request.json")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"v":1,"station":"A01","cursor":0}`))
	f.Add([]byte(`{"v":1,"station":"A01","events":[null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var req protocol.SyncRequest
		if err := protocol.Decode(bytes.NewReader(data), protocol.MaxRequestBytes, &req); err != nil {
			if domain.ErrorCode(err) == domain.EInternal {
				t.Fatalf("decode error without a code: %v", err)
			}
			return
		}
		once, err := json.Marshal(&req)
		if err != nil {
			t.Fatalf("accepted input does not re-encode: %v", err)
		}
		var again protocol.SyncRequest
		if err := protocol.Decode(bytes.NewReader(once), protocol.MaxRequestBytes, &again); err != nil {
			t.Fatalf("re-encoded request refused: %v\n%s", err, once)
		}
		twice, err := json.Marshal(&again)
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("encoding not stable:\n%s\n%s", once, twice)
		}
	})
}

// TestAckTally: each verdict is counted under its status, duplicates on
// top, and a status this version does not know is reported and not
// counted at all.
func TestAckTally(t *testing.T) {
	var got protocol.AckTally
	for _, a := range []protocol.Ack{
		{Status: protocol.AckAccepted}, {Status: protocol.AckAccepted, Duplicate: true},
		{Status: protocol.AckConflict}, {Status: protocol.AckRejected, Duplicate: true},
		{Status: protocol.AckRejected},
	} {
		if !got.Add(a) {
			t.Fatalf("Add(%+v) = false for a known status", a)
		}
	}
	if got.Add(protocol.Ack{Status: "postponed", Duplicate: true}) {
		t.Fatal("Add of an unknown status = true")
	}
	want := protocol.AckTally{Accepted: 2, Conflicts: 1, Rejected: 2, Duplicates: 2}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}
