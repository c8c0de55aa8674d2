package hall_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"yizhan/domain"
	"yizhan/sync/protocol"
	"yizhan/workday"
)

func countItems(pubs []protocol.Published) (items, calendars int) {
	for _, p := range pubs {
		if p.Item != nil {
			items++
		}
		if p.Calendar != nil {
			calendars++
		}
	}
	return items, calendars
}

func TestPublishCatalogAndCalendar(t *testing.T) {
	f := newBareHall(t)
	a := f.enroll("A01")
	sample := readSample(t)
	res, err := f.svc.PublishCatalog(f.ctx, sample)
	if err != nil {
		t.Fatal(err)
	}
	if res.Items != 40 || res.Added != 40 || res.Catalog != "sample-2026.1" {
		t.Fatalf("publish: %+v", res)
	}
	year := workday.YearSpec{Year: 2027, Holidays: []workday.Date{workday.MustParseDate("2027-01-01")}, Source: "test notice"}
	if changed, err := f.svc.PublishCalendar(f.ctx, year); err != nil || !changed {
		t.Fatalf("publish calendar: %v %v", changed, err)
	}
	_, pubs := a.pullAll()
	if items, cals := countItems(pubs); items != 40 || cals != 1 {
		t.Errorf("A got %d items and %d calendars, want 40 and 1", items, cals)
	}
	if pubs[0].Catalog != "sample-2026.1" || pubs[0].Item.Code == "" {
		t.Errorf("published item lacks its catalog version: %+v", pubs[0])
	}

	// Republishing the same things sends nothing.
	if res, err := f.svc.PublishCatalog(f.ctx, sample); err != nil || res.Unchanged != 40 {
		t.Fatalf("republish: %+v %v", res, err)
	}
	if changed, _ := f.svc.PublishCalendar(f.ctx, year); changed {
		t.Error("the same calendar year published twice")
	}
	if _, pubs := a.pullAll(); len(pubs) != 0 {
		t.Errorf("republishing unchanged content delivered %d rows", len(pubs))
	}

	// A station enrolled later gets the current catalog and calendar.
	b := f.enroll("B01")
	b.cursor = 0 // enroll pulled it already: pull it again
	_, pubs = b.pullAll()
	if items, cals := countItems(pubs); items != 40 || cals != 1 {
		t.Errorf("late station got %d items and %d calendars, want 40 and 1", items, cals)
	}
}

func editItem(t *testing.T, sample []byte, edit func(it map[string]any)) []byte {
	t.Helper()
	var cat map[string]any
	if err := json.Unmarshal(sample, &cat); err != nil {
		t.Fatal(err)
	}
	edit(cat["items"].([]any)[0].(map[string]any))
	return mustJSON(t, cat)
}

func TestPublishedVersionsImmutable(t *testing.T) {
	f := newBareHall(t)
	a := f.enroll("A01")
	sample := readSample(t)
	if _, err := f.svc.PublishCatalog(f.ctx, sample); err != nil {
		t.Fatal(err)
	}
	a.pullAll()
	renamed := editItem(t, sample, func(it map[string]any) { it["name"] = "改过的名称" })
	if _, err := f.svc.PublishCatalog(f.ctx, renamed); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("changed content under the same version: got %v, want conflict", err)
	}
	suspended := editItem(t, sample, func(it map[string]any) { it["status"] = domain.ItemSuspended })
	res, err := f.svc.PublishCatalog(f.ctx, suspended)
	if err != nil || res.StatusChanged != 1 {
		t.Fatalf("status change: %+v %v", res, err)
	}
	_, pubs := a.pullAll()
	if len(pubs) != 1 || pubs[0].Item.Status != domain.ItemSuspended {
		t.Errorf("status change delivered as %+v", pubs)
	}
	// A newcomer gets the suspended version, not the original.
	b := f.enroll("B01")
	b.cursor = 0 // enroll pulled it already: pull it again
	_, pubs = b.pullAll()
	for _, p := range pubs {
		if p.Item != nil && p.Item.Code == "370112-RS-001-01-S" && p.Item.Status != domain.ItemSuspended {
			t.Errorf("late station got the stale status %q", p.Item.Status)
		}
	}
	if len(pubs) != 40 {
		t.Errorf("late station got %d rows, want 40", len(pubs))
	}
}

func TestPublishRefusesBadInput(t *testing.T) {
	f := newHall(t)
	if _, err := f.svc.PublishCatalog(f.ctx, []byte(`{"items":[]}`)); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("empty catalog: got %v", err)
	}
	if _, err := f.svc.PublishCalendar(f.ctx, workday.YearSpec{Year: 2027}); err == nil {
		t.Error("a year without holidays was published")
	}
	if !bytes.Contains(readSample(t), []byte("sample-2026.1")) {
		t.Error("testdata copy of the sample catalog is not the expected file")
	}
}
