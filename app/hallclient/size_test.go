package hallclient

import (
	"encoding/json"
	"testing"
	"time"

	"yizhan/domain"
)

// TestEncodedSize checks the batch byte count against the encoder: equal
// for events without escapes, never short for any.
func TestEncodedSize(t *testing.T) {
	at := time.Date(2026, 11, 27, 1, 2, 3, 456789000, time.UTC)
	base := domain.Event{ID: "01900000-0000-7000-8000-000000000001", CaseID: "01900000-0000-7000-8000-000000000002",
		Kind: domain.EvOpen, Actor: "clerk1", Office: "370112001", HLC: "0019a2b3c4d5e.000000.370112001", At: at}
	tests := []struct {
		name  string
		exact bool
		edit  func(e *domain.Event)
	}{
		{"Minimal", true, func(e *domain.Event) {}},
		{"Full", true, func(e *domain.Event) {
			e.From, e.ActorName = "received", "李四"
			e.Payload = json.RawMessage(`{"name":"张三","phones":["13800000000"],"n":1.5,"ok":true,"x":null}`)
		}},
		{"ZoneAndWholeSecond", true, func(e *domain.Event) { e.At = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CST", 8*3600)) }},
		{"QuotesAndNewlines", true, func(e *domain.Event) { e.ActorName = "a\"b\\c\nd\te\r" }},
		{"HTML", true, func(e *domain.Event) {
			e.ActorName = "<b>&</b>"
			e.Payload = json.RawMessage(`{"note":"<script>&amp;</script>"}`)
		}},
		{"Controls", false, func(e *domain.Event) { e.Actor = "a\x01\x08\x0cb" }},
		{"InvalidUTF8", false, func(e *domain.Event) { e.ActorName = "a\xffb\xc3" }},
		{"LineSeparators", true, func(e *domain.Event) { e.ActorName = "a\u2028b\u2029"; e.Payload = json.RawMessage(`"x\u2028"`) }},
		{"PayloadWithSpaces", false, func(e *domain.Event) { e.Payload = json.RawMessage("{ \"a\" : [ 1 , 2 ] }") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base
			tc.edit(&e)
			b, err := json.Marshal(&e)
			if err != nil {
				t.Fatal(err)
			}
			got := encodedSize(&e)
			if got < len(b) || tc.exact && got != len(b) {
				t.Errorf("encodedSize = %d, json.Marshal gives %d bytes: %s", got, len(b), b)
			}
		})
	}
}
