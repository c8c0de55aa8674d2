package domain_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"yizhan/domain"
)

// samplePath is the township sample catalog the app tests also use.
const samplePath = "../app/testdata/township-sample.json"

func mustSample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParseCatalog(t *testing.T) *domain.Catalog {
	t.Helper()
	c, err := domain.ParseCatalog(mustSample(t))
	if err != nil {
		t.Fatalf("parse sample: %v", err)
	}
	return c
}

func findItem(t *testing.T, c *domain.Catalog, code string) *domain.Item {
	t.Helper()
	for _, it := range c.Items {
		if it.Code == code {
			return it
		}
	}
	t.Fatalf("item %s not in catalog", code)
	return nil
}

func codes(ms []domain.Material) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Code)
	}
	return strings.Join(out, ",")
}

func TestParseCatalog(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c := mustParseCatalog(t)
		if c.Version != "sample-2026.1" || c.Region.Code != "370112" {
			t.Fatalf("got version %q region %q, want sample-2026.1 and 370112", c.Version, c.Region.Code)
		}
		if got, want := len(c.Items), 40; got != want {
			t.Fatalf("got %d items, want %d", got, want)
		}
		for _, it := range c.Items {
			if it.Version != 1 || it.Status != domain.ItemPublished {
				t.Errorf("item %s: got version %d status %q, want defaults 1 and published", it.Code, it.Version, it.Status)
			}
			if it.Kind == domain.KindImmediate && it.PromisedLimit.Value != 0 {
				t.Errorf("item %s: 即办件 with promised limit %v", it.Code, it.PromisedLimit)
			}
		}
	})

	// mutate parses the sample, lets f change it, and parses it again.
	mutate := func(t *testing.T, f func(items []map[string]any)) error {
		t.Helper()
		var doc map[string]any
		if err := json.Unmarshal(mustSample(t), &doc); err != nil {
			t.Fatal(err)
		}
		raw := doc["items"].([]any)
		items := make([]map[string]any, len(raw))
		for i, r := range raw {
			items[i] = r.(map[string]any)
		}
		f(items)
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		_, err = domain.ParseCatalog(b)
		return err
	}
	materials := func(it map[string]any) []any { return it["materials"].([]any) }

	for _, tt := range []struct {
		name string
		f    func(items []map[string]any)
	}{
		{"ErrDuplicateItemCode", func(items []map[string]any) {
			items[1]["implementation_code"] = items[0]["implementation_code"]
		}},
		{"ErrDuplicateMaterialCode", func(items []map[string]any) {
			ms := materials(items[0])
			ms[1].(map[string]any)["code"] = ms[0].(map[string]any)["code"]
		}},
		{"ErrDuplicateSituationCode", func(items []map[string]any) {
			s := items[1]["situations"].([]any)
			s[1].(map[string]any)["code"] = s[0].(map[string]any)["code"]
		}},
		{"ErrUnknownSituationMaterial", func(items []map[string]any) {
			s := items[1]["situations"].([]any)
			s[1].(map[string]any)["extra_materials"] = []any{"M5", "M99"}
		}},
		{"ErrNecessity", func(items []map[string]any) {
			materials(items[0])[0].(map[string]any)["required"] = "maybe"
		}},
		{"ErrKind", func(items []map[string]any) { items[0]["kind"] = "快件" }},
		{"ErrLimitUnit", func(items []map[string]any) {
			items[0]["promised_limit"] = map[string]any{"value": 3, "unit": "d"}
		}},
		{"ErrCodeRequired", func(items []map[string]any) { items[0]["implementation_code"] = " " }},
		{"ErrNameRequired", func(items []map[string]any) { items[0]["name"] = "" }},
		{"ErrStatus", func(items []map[string]any) { items[0]["status"] = "draft" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := mutate(t, tt.f)
			wantCode(t, err, domain.EInvalid)
		})
	}

	t.Run("ErrNotJSON", func(t *testing.T) {
		_, err := domain.ParseCatalog([]byte("{not json"))
		wantCode(t, err, domain.EInvalid)
	})
	t.Run("ErrEmpty", func(t *testing.T) {
		_, err := domain.ParseCatalog([]byte(`{"catalog_version":"x","items":[]}`))
		wantCode(t, err, domain.EInvalid)
	})
	t.Run("ErrNullItem", func(t *testing.T) {
		_, err := domain.ParseCatalog([]byte(`{"catalog_version":"x","items":[null]}`))
		wantCode(t, err, domain.EInvalid)
	})
}

func TestMaterialsFor(t *testing.T) {
	c := mustParseCatalog(t)
	for _, tt := range []struct {
		name, item, situation, want string
	}{
		{"OK/NoSituations", "370112-RS-001-01-S", "", "M1,M2,M3"},
		{"OK/Base", "370112-RS-002-01-S", "", "M1,M2,M3,M4"},
		{"OK/SituationWithoutExtras", "370112-RS-002-01-S", "01", "M1,M2,M3,M4"},
		{"OK/SituationExtras", "370112-RS-002-01-S", "02", "M1,M2,M3,M4,M5,M6"},
		{"OK/SharedExtra", "370112-RS-003-01-S", "03", "M1,M2,M7,M8"},
		{"OK/OtherSituation", "370112-RS-003-01-S", "01", "M1,M2,M3,M4,M5,M8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := findItem(t, c, tt.item).MaterialsFor(tt.situation)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(ms); got != tt.want {
				t.Fatalf("got materials %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("ErrUnknownSituation", func(t *testing.T) {
		_, err := findItem(t, c, "370112-RS-002-01-S").MaterialsFor("99")
		wantCode(t, err, domain.EInvalid)
	})
}

// TestCatalogRights: the shared sample (/work/shared/catalog) and the app's
// copy load unchanged, each item's rights derived from its handled_at; an
// item's own rights are read and checked; a catalog whose rights or
// handling level are unknown, or whose limits are out of bounds, is refused.
func TestCatalogRights(t *testing.T) {
	for _, path := range []string{samplePath, "/work/shared/catalog/township-sample.json"} {
		b, err := os.ReadFile(path)
		if err != nil {
			if path != samplePath && os.IsNotExist(err) {
				continue // the shared folder is not on every machine
			}
			t.Fatal(err)
		}
		c, err := domain.ParseCatalog(b)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		forestry := findItem(t, c, "370112-ZR-002-01-S") // handled at the township
		if r := forestry.RightsOf(); !r.Allows(domain.StepDecide, domain.OfficeTownship) || r.Allows(domain.StepDecide, domain.OfficePostal) ||
			!r.Allows(domain.StepTakeIn, domain.OfficePostal) || forestry.Rights != nil {
			t.Errorf("%s: forestry permit rights %+v", path, r)
		}
	}
	item := func(extra string) []byte {
		return []byte(`{"catalog_version":"t","region":{"code":"370112","name":"x"},"items":[{"implementation_code":"X-1","name":"测试",
			"kind":"承诺件","handled_at":"hall","legal_limit":{"value":20,"unit":"G"},"promised_limit":{"value":10,"unit":"G"}` + extra + `}]}`)
	}
	c, err := domain.ParseCatalog(item(`,"rights":{"take_in":["township"],"accept":["township"],"decide":["township"],"deliver":["postal"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Items[0].RightsOf(); r.Allows(domain.StepTakeIn, domain.OfficeVillage) || !r.Allows(domain.StepDecide, domain.OfficeTownship) {
		t.Fatalf("the item's own rights: %+v", r)
	}
	for name, extra := range map[string]string{
		"ErrUnknownKind":      `,"rights":{"take_in":["castle"],"accept":["hall"],"decide":["hall"],"deliver":["postal"]}`,
		"ErrNobodyDecides":    `,"rights":{"take_in":["township"],"accept":["hall"],"decide":[],"deliver":["postal"]}`,
		"ErrHandledAt":        `,"handled_at":"moon"`,
		"ErrLimitOutOfBounds": `,"legal_limit":{"value":100000000,"unit":"G"}`,
	} {
		if _, err := domain.ParseCatalog(item(extra)); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("%s: got %v, want invalid", name, err)
		}
	}
}
