package domain_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"yizhan/domain"
)

// FuzzParseCatalog feeds catalog files (what a clerk imports from a USB
// stick, and what the hall publishes) to ParseCatalog: a bad file is refused
// with an invalid-input error, never a panic, and an accepted catalog has
// only valid, distinct items and survives a round trip.
func FuzzParseCatalog(f *testing.F) {
	// The small test catalog; the 130 KB sample catalog is too big for the
	// mutator to make progress on in a short run.
	if b, err := os.ReadFile(filepath.FromSlash("../internal/synctest/catalog.json")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"catalog_version":"x","items":[null]}`))
	f.Add([]byte(`{"catalog_version":"x","items":[{"implementation_code":"C","name":"n","kind":"即办件","legal_limit":{"value":1,"unit":"G"},"promised_limit":{"value":1,"unit":"Z"},"materials":[{"code":"M1","name":"m","required":"必要"}],"situations":[{"code":"1","extra_materials":["M9"]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := domain.ParseCatalog(data)
		if err != nil {
			if domain.ErrorCode(err) != domain.EInvalid || domain.ZhMessage(err) == "" {
				t.Fatalf("refusal is not an invalid-input error with a message: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, it := range c.Items {
			if err := it.Validate(); err != nil {
				t.Fatalf("accepted an invalid item: %v", err)
			}
			if seen[it.Key()] {
				t.Fatalf("accepted a duplicate item %s", it.Key())
			}
			seen[it.Key()] = true
		}
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("accepted catalog does not re-encode: %v", err)
		}
		if _, err := domain.ParseCatalog(again); err != nil {
			t.Fatalf("re-encoded catalog refused: %v", err)
		}
	})
}

// FuzzParseStamp feeds HLC stamps, which arrive in every pushed and pulled
// event: no panic, and an accepted stamp formats to one that parses back
// to the same stamp.
func FuzzParseStamp(f *testing.F) {
	f.Add("0019c6f1a2b3c.000001.ST01")
	f.Add("-000000000001.000000.x")
	f.Add("fffffffffffff.ffffff.hall")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		st, err := domain.ParseStamp(s)
		if err != nil {
			if domain.ErrorCode(err) != domain.EInvalid {
				t.Fatalf("refusal is not an invalid-input error: %v", err)
			}
			return
		}
		again, err := domain.ParseStamp(st.String())
		if err != nil || again != st {
			t.Fatalf("%q parses to %+v, which formats to %q and parses to %+v, %v", s, st, st.String(), again, err)
		}
	})
}

// fuzzCase is an opened case of a station-handled item with three
// materials, the starting point of FuzzApply.
func fuzzCase(tb testing.TB) *domain.Case {
	tb.Helper()
	open, err := domain.NewEvent("01900000-0000-7000-8000-000000000001", "01900000-0000-7000-8000-0000000000c1", domain.EvOpen, domain.StateNone,
		domain.OpenPayload{Number: "ST01-20260302-0001", ItemCode: "C1", ItemVersion: 1, ItemName: "参保登记", ItemKind: domain.KindPromised,
			HandledAt: "station", Channel: domain.ChannelWindow, Applicant: domain.Applicant{Name: "张三", IDNumber: "11010519491231002X"},
			Materials: []domain.CaseMaterial{{Code: "M1", Name: "身份证", Required: domain.NecessityRequired, ELicense: true},
				{Code: "M2", Name: "申请表", Required: domain.NecessityRongque}, {Code: "M3", Name: "照片", Required: domain.NecessityOptional}}})
	if err != nil {
		tb.Fatal(err)
	}
	open.Office, open.At = "ST01", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := &domain.Case{}
	if err := c.Apply(open); err != nil {
		tb.Fatal(err)
	}
	return c
}

// FuzzApply applies hostile events (any kind, any claimed state, any
// payload) to cases in several states. Apply is the single definition of
// what an event means, at the station, at the hall and on rebuild: it must
// never panic, must refuse with a coded error and leave the case exactly
// as it was, and when it accepts, the case must be in a valid state
// reached by a step of the state machine.
func FuzzApply(f *testing.F) {
	for _, k := range []domain.EventKind{domain.EvAccept, domain.EvMaterial, domain.EvConclude, domain.EvSuspend, domain.EvEvaluate, domain.EvStartDelivery} {
		f.Add(uint8(0), string(k), "received", []byte(`{}`))
	}
	f.Add(uint8(1), "material", "", []byte(`{"code":"M2","collected":"rongque","blobs":["a","b"]}`))
	f.Add(uint8(2), "conclude", "accepted", []byte(`{"result":"refused","reason":""}`))
	f.Add(uint8(3), "request_correction", "in_process", []byte(`{"reason":"x","items":["a"]}`))
	f.Add(uint8(2), "evaluate", "concluded", []byte(`{"level":9}`))
	f.Add(uint8(1), "route", "", []byte(`{"to":""}`))
	f.Add(uint8(0), "update_applicant", "", []byte(`{"phone":null,"address":"x"}`))
	f.Add(uint8(0), "open", "", []byte(`{"number":"n","item_code":"c"}`))
	f.Fuzz(func(t *testing.T, path uint8, kind, from string, payload []byte) {
		c := fuzzCase(t)
		// Walk the case some way down its lifecycle first.
		steps := []domain.EventKind{domain.EvAccept, domain.EvStartProcess, domain.EvSuspend, domain.EvResume, domain.EvConclude}
		for i := 0; i < int(path%6) && i < len(steps); i++ {
			var p any
			switch steps[i] {
			case domain.EvSuspend:
				p = domain.SuspendPayload{Reason: "核查"}
			case domain.EvConclude:
				p = domain.ConcludePayload{Result: domain.ResultApproved}
			}
			e, _ := domain.NewEvent("01900000-0000-7000-8000-00000000010"+string(rune('0'+i)), c.ID, steps[i], c.State, p)
			e.Office, e.At = "ST01", c.UpdatedAt.Add(time.Hour)
			if err := c.Apply(e); err != nil {
				t.Fatalf("setup step %s: %v", steps[i], err)
			}
		}
		before, _ := json.Marshal(c)
		prevState := c.State
		e := &domain.Event{ID: "01900000-0000-7000-8000-0000000000ff", CaseID: c.ID, Kind: domain.EventKind(kind), From: domain.State(from),
			Payload: json.RawMessage(payload), Office: "ST01", At: c.UpdatedAt.Add(time.Minute)}
		if !json.Valid(payload) {
			e.Payload = nil
		}
		err := c.Apply(e)
		after, _ := json.Marshal(c)
		if err != nil {
			if code := domain.ErrorCode(err); code != domain.EInvalid && code != domain.EConflict {
				t.Fatalf("refusal with code %q: %v", code, err)
			}
			if !bytes.Equal(before, after) {
				t.Fatalf("a refused event changed the case:\nbefore %s\nafter  %s", before, after)
			}
			return
		}
		if !c.State.Valid() {
			t.Fatalf("accepted %s into invalid state %q", kind, c.State)
		}
		if e.Kind.IsTransition() {
			tr, ok := domain.FindTransition(e.Kind, prevState)
			want := tr.To
			if want == domain.StateNone {
				var b domain.Case
				json.Unmarshal(before, &b)
				want = b.CorrectionFrom
			}
			if !ok || c.State != want {
				t.Fatalf("%s from %q led to %q: not a step of the state machine", kind, prevState, c.State)
			}
		} else if c.State != prevState {
			t.Fatalf("non-transition %s changed the state %q -> %q", kind, prevState, c.State)
		}
		var decoded domain.Case
		if err := json.Unmarshal(after, &decoded); err != nil || !reflect.DeepEqual(mustJSON(t, &decoded), after) {
			t.Fatalf("case does not round-trip after %s: %v", kind, err)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
