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
