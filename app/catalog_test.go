package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"yizhan/app"
	"yizhan/domain"
)

// catalogWith returns the sample catalog with f applied to the item code.
func catalogWith(t *testing.T, version, code string, f func(it map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(sampleCatalog(t), &doc); err != nil {
		t.Fatal(err)
	}
	doc["catalog_version"] = version
	var keep []any
	for _, raw := range doc["items"].([]any) {
		it := raw.(map[string]any)
		if it["implementation_code"] == code {
			f(it)
			keep = append(keep, it)
		}
	}
	doc["items"] = keep
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itemCodes(items []app.ItemSummary) string {
	var out []string
	for _, it := range items {
		out = append(out, it.Code)
	}
	return strings.Join(out, ",")
}

func TestImportCatalog(t *testing.T) {
	s := MustOpenStation(t)

	t.Run("OK/Twice", func(t *testing.T) {
		res, err := s.ImportCatalog(ctx, s.Head, sampleCatalog(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.Items != 40 || res.Added != 0 || res.Unchanged != 40 || res.Catalog != "sample-2026.1" {
			t.Fatalf("got %+v, want 40 items, 0 added", res)
		}
		if got := count(t, s, `SELECT count(*) FROM catalog_items`); got != 40 {
			t.Fatalf("got %d item rows, want 40", got)
		}
	})

	t.Run("OK/ExportReimport", func(t *testing.T) {
		b, err := s.ExportCatalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.ImportCatalog(ctx, s.Head, b)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 0 || res.Unchanged != 40 {
			t.Fatalf("got %+v, want the export to match what is stored", res)
		}
	})

	t.Run("ErrSameVersionDifferentContent", func(t *testing.T) {
		b := catalogWith(t, "sample-2026.2", itemStationNow, func(it map[string]any) { it["visits"] = 2.0 })
		before := count(t, s, `SELECT count(*) FROM audit`)
		_, err := s.ImportCatalog(ctx, s.Head, b)
		wantCode(t, err, domain.EConflict)
		if after := count(t, s, `SELECT count(*) FROM audit`); after != before {
			t.Fatalf("a refused import was audited as done")
		}
		it, err := s.Item(ctx, itemStationNow, 1)
		if err != nil || it.Visits != 0 {
			t.Fatalf("got visits %d (%v), want the stored version untouched", it.Visits, err)
		}
		if v, _ := s.Meta(ctx, "catalog_version"); v != "sample-2026.1" {
			t.Fatalf("got catalog version %q after a refused import", v)
		}
	})

	t.Run("OK/NewVersion", func(t *testing.T) {
		old := mustOpenCase(t, s, itemStationNow, zhang)
		b := catalogWith(t, "sample-2026.2", itemStationNow, func(it map[string]any) {
			it["version"] = 2.0
			it["name"] = "城乡居民基本养老保险参保登记（新版）"
		})
		res, err := s.ImportCatalog(ctx, s.Head, b)
		if err != nil || res.Added != 1 {
			t.Fatalf("got %+v (%v), want one version added", res, err)
		}
		it, err := s.Item(ctx, itemStationNow, 0)
		if err != nil || it.Version != 2 {
			t.Fatalf("got version %d (%v), want the newest", it.Version, err)
		}
		found, err := s.FindItems(ctx, itemStationNow)
		if err != nil || len(found) != 1 || found[0].Version != 2 {
			t.Fatalf("got %+v (%v), want only version 2 listed", found, err)
		}
		c := mustOpenCase(t, s, itemStationNow, zhang)
		if c.ItemVersion != 2 || !strings.Contains(c.ItemName, "新版") {
			t.Fatalf("got %s v%d, want new cases on version 2", c.ItemName, c.ItemVersion)
		}
		got, _ := s.LoadCase(ctx, old.ID)
		if got.ItemVersion != 1 || strings.Contains(got.ItemName, "新版") {
			t.Fatalf("the earlier case moved to %s v%d", got.ItemName, got.ItemVersion)
		}
		// Materials of the old case still check against version 1.
		if _, err := s.RecordMaterial(ctx, s.Clerk, old.ID, app.MaterialInput{Code: "M2", Collected: domain.CollectELicense}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("OK/StatusChangeInPlace", func(t *testing.T) {
		b := catalogWith(t, "sample-2026.3", itemEmployment, func(it map[string]any) { it["status"] = domain.ItemSuspended })
		res, err := s.ImportCatalog(ctx, s.Head, b)
		if err != nil || res.Added != 0 {
			t.Fatalf("got %+v (%v), want the status changed in place", res, err)
		}
		if found, _ := s.FindItems(ctx, itemEmployment); len(found) != 0 {
			t.Fatalf("a suspended item is still listed")
		}
		_, err = s.OpenCase(ctx, s.Clerk, app.OpenCaseInput{ItemCode: itemEmployment, Applicant: zhang})
		wantCode(t, err, domain.ENotFound)
	})

	t.Run("ErrInvalidCatalog", func(t *testing.T) {
		_, err := s.ImportCatalog(ctx, s.Head, []byte(`{"catalog_version":"x","items":[{"implementation_code":"X"}]}`))
		wantCode(t, err, domain.EInvalid)
	})
}

func TestFindItems(t *testing.T) {
	s := MustOpenStation(t)
	for _, tt := range []struct {
		name, q string
		want    string // item codes in order, or a prefix with "..."
		n       int
	}{
		{"PinyinInitials", "cxjm", "370112-RS-001-01-S,370112-RS-002-01-S,370112-RS-003-01-S,370112-YB-001-01-S", 4},
		{"PinyinInitialsUpper", "CXJMJBYLBXDY", "370112-RS-002-01-S", 1}, // 城乡居民基本养老保险待遇
		{"PinyinInitialsOfHandling", "xsq", "370112-ZF-001-01-S", 1},     // 新申请
		{"FullCode", "370112-MZ-003-01-S", "370112-MZ-003-01-S", 1},
		{"CodeFragment", "cl-001", "370112-CL-001-01-S,370112-CL-001-02-S,370112-CL-001-03-S", 3},
		{"ChineseSubstring", "残疾人证", "370112-CL-001-01-S,370112-CL-001-02-S,370112-CL-001-03-S", 3},
		{"HandlingItem", "换领", "370112-CL-001-02-S", 1},
		{"Chinese", "临时救助", "370112-MZ-003-01-S", 1},
		{"Nothing", "火星移民", "", 0},
		{"Injection", "'%_;--", "", 0},
		{"All", "", "", 40},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.FindItems(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.n {
				t.Fatalf("query %q: got %d items %s, want %d", tt.q, len(got), itemCodes(got), tt.n)
			}
			if tt.want != "" && itemCodes(got) != tt.want {
				t.Fatalf("query %q: got %s, want %s", tt.q, itemCodes(got), tt.want)
			}
		})
	}
	t.Run("Summary", func(t *testing.T) {
		got, _ := s.FindItems(ctx, "370112-RS-002-01-S")
		it := got[0]
		if it.Promised != "10G" || it.Materials != 6 || len(it.Situations) != 2 || it.HandledAt != "hall" || it.Initials == "" {
			t.Fatalf("got %+v", it)
		}
	})
}

func TestInitials(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"城乡居民", "cxjm"},
		{"《就业创业证》申领", "jycyzsl"},
		{"ABC办理1", "abcbl1"},
		{"", ""},
	} {
		if got := app.Initials(tt.in); got != tt.want {
			t.Errorf("Initials(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
