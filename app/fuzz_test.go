package app_test

import (
	"context"
	"os"
	"testing"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
)

// FuzzImportCatalog runs catalog files through the station's import path
// (what a clerk does with a file from a USB stick): parse, validate, store
// each item version, audit. One station database takes every input, so
// inputs also meet versions stored by earlier ones. A refusal must be a
// coded error a clerk can read, never an internal one, and leave no half
// import; an accepted file's items must all be findable.
func FuzzImportCatalog(f *testing.F) {
	if b, err := os.ReadFile("../internal/synctest/catalog.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"catalog_version":"v","items":[{"implementation_code":"C","name":"事项","kind":"即办件","legal_limit":{"value":1,"unit":"G"},"promised_limit":{"value":0,"unit":"G"},"materials":[]}]}`))
	f.Add([]byte(`{"catalog_version":"v","items":[{"implementation_code":"C","name":"事项改","kind":"即办件","legal_limit":{"value":1,"unit":"G"},"promised_limit":{"value":0,"unit":"G"},"materials":[]}]}`))
	f.Add([]byte(`{"catalog_version":"v","items":[{"implementation_code":"'); DROP TABLE catalog_items;--","name":"x","kind":"承诺件","legal_limit":{"value":1,"unit":"Z"},"promised_limit":{"value":1,"unit":"Z"}}]}`))
	st, db, err := appsqlite.OpenStation(context.Background(), app.Config{Dir: f.TempDir()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		var before int
		db.QueryRow(`SELECT count(*) FROM catalog_items`).Scan(&before)
		res, err := st.ImportCatalog(ctx, app.System, data)
		if err != nil {
			if code := domain.ErrorCode(err); code == domain.EInternal {
				t.Fatalf("import refused with an internal error: %v", err)
			}
			var after int
			db.QueryRow(`SELECT count(*) FROM catalog_items`).Scan(&after)
			if after != before {
				t.Fatalf("a refused import stored %d item versions", after-before)
			}
			return
		}
		cat, err := domain.ParseCatalog(data)
		if err != nil {
			t.Fatalf("imported a file ParseCatalog refuses: %v", err)
		}
		for _, it := range cat.Items {
			if _, err := st.Item(ctx, it.Code, it.Version); err != nil {
				t.Fatalf("imported item %s not found: %v", it.Key(), err)
			}
		}
		if res.Added+res.Unchanged != res.Items {
			t.Fatalf("import result does not add up: %+v", res)
		}
	})
}
