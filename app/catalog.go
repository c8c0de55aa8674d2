package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"

	"yizhan/domain"
)

// Initials returns the pinyin initials of s (城乡居民 → cxjm); clerks type
// these to find an item fast. Letters and digits in s are kept.
func Initials(s string) string {
	args := pinyin.NewArgs()
	args.Style = pinyin.FirstLetter
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			if p := pinyin.SinglePinyin(r, args); len(p) > 0 && p[0] != "" {
				b.WriteString(p[0][:1])
			}
		} else if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// ImportResult says what a catalog import did.
type ImportResult struct {
	Catalog   string `json:"catalog"`
	Items     int    `json:"items"`
	Added     int    `json:"added"`
	Unchanged int    `json:"unchanged"`
}

// ImportCatalog loads a catalog JSON file. Item versions are immutable: a
// version already present with the same content is skipped, and one present
// with different content is refused, because cases opened under it keep
// pointing at the original.
func (s *Station) ImportCatalog(ctx context.Context, a Actor, data []byte) (ImportResult, error) {
	cat, err := domain.ParseCatalog(data)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Catalog: cat.Version, Items: len(cat.Items)}
	err = s.update(ctx, func(tx Tx) error {
		for _, it := range cat.Items {
			added, err := s.putItem(tx, cat.Version, it)
			if err != nil {
				return err
			}
			if added {
				res.Added++
			} else {
				res.Unchanged++
			}
		}
		if err := tx.SetMeta("catalog_version", cat.Version); err != nil {
			return err
		}
		return s.audit(tx, a, "catalog.import", cat.Version, "", "", fmt.Sprintf("%d items, %d new", res.Items, res.Added))
	})
	return res, err
}

// putValidItem checks and stores one item version inside tx (sync applies
// published items through here). It reports whether the version was new.
func (s *Station) putValidItem(tx Tx, catalog string, it *domain.Item) (bool, error) {
	it.Normalize()
	if err := it.Validate(); err != nil {
		return false, err
	}
	return s.putItem(tx, catalog, it)
}

// putItem stores one item version. Item versions are immutable: the same
// content again is no change, and a version already held with different
// content is refused, except a change of status (suspend, cancel), the one
// edit allowed in place.
func (s *Station) putItem(tx Tx, catalog string, it *domain.Item) (bool, error) {
	body, err := json.Marshal(it)
	if err != nil {
		return false, fmt.Errorf("put item %s: %w", it.Key(), err)
	}
	old, err := tx.Item(it.Code, it.Version)
	if err != nil {
		return false, err
	}
	if old == nil {
		return true, tx.InsertItem(catalog, it, Initials(it.Name+it.HandlingItem), s.now())
	}
	if ob, _ := json.Marshal(old); string(ob) == string(body) {
		return false, nil
	}
	old.Status = it.Status
	if ob, _ := json.Marshal(old); string(ob) == string(body) {
		return false, tx.UpdateItem(it)
	}
	return false, domain.Errorf(domain.EConflict,
		fmt.Sprintf("事项“%s”第 %d 版的内容与本站已有的不同；已发布的版本不能修改，请由大厅发布新版本。", it.Name, it.Version),
		"item %s: version exists with different content", it.Key())
}

// ItemSummary is an item in a search result.
type ItemSummary struct {
	Code       string   `json:"code"`
	Version    int      `json:"version"`
	Name       string   `json:"name"`
	Handling   string   `json:"handling"`
	Kind       string   `json:"kind"`
	Type       string   `json:"type"`
	Department string   `json:"department"`
	HandledAt  string   `json:"handled_at"`
	Initials   string   `json:"initials"`
	Promised   string   `json:"promised"`
	Materials  int      `json:"materials"`
	Situations []string `json:"situations,omitempty"`
	Visits     int      `json:"visits"`
}

// FindItems returns the newest published version of each item whose name,
// code or pinyin initials match q (empty q lists all).
func (s *Station) FindItems(ctx context.Context, q string) ([]ItemSummary, error) {
	q = strings.TrimSpace(strings.ToLower(q))
	var found []FoundItem
	if err := s.view(ctx, func(tx Tx) error {
		var err error
		found, err = tx.FindItems(q)
		return err
	}); err != nil {
		return nil, err
	}
	var out []ItemSummary
	for _, f := range found {
		it := f.Item
		sum := ItemSummary{Code: it.Code, Version: it.Version, Name: it.Name, Handling: it.HandlingItem, Kind: it.Kind, Type: it.Type,
			Department: it.Department, HandledAt: it.HandledAt, Initials: f.Initials, Materials: len(it.Materials), Visits: it.Visits,
			Promised: fmt.Sprintf("%d%s", it.PromisedLimit.Value, it.PromisedLimit.Unit)}
		for _, st := range it.Situations {
			sum.Situations = append(sum.Situations, st.Code+" "+st.Name)
		}
		out = append(out, sum)
	}
	return out, nil
}

// FoundItem is an item version a catalog search found, with the pinyin
// initials it was found by.
type FoundItem struct {
	Item     *domain.Item
	Initials string
}

// Item returns an item version; version 0 means the newest published one.
func (s *Station) Item(ctx context.Context, code string, version int) (*domain.Item, error) {
	var it *domain.Item
	err := s.view(ctx, func(tx Tx) error {
		var err error
		it, err = s.item(tx, code, version)
		return err
	})
	return it, err
}

// item returns an item version (0: the newest published), or ENotFound.
func (s *Station) item(tx Tx, code string, version int) (*domain.Item, error) {
	it, err := tx.Item(code, version)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, domain.Errorf(domain.ENotFound, "事项清单中找不到该事项（"+code+"），请检查编码或同步最新事项清单。", "item %s@%d not found", code, version)
	}
	return it, nil
}

// ExportCatalog writes every item version as one catalog JSON document.
func (s *Station) ExportCatalog(ctx context.Context) ([]byte, error) {
	cat := domain.Catalog{}
	err := s.view(ctx, func(tx Tx) error {
		var err error
		if cat.Items, err = tx.Items(); err != nil {
			return err
		}
		if cat.Version, err = tx.Meta("catalog_version"); err != nil {
			return err
		}
		cat.Region.Code, err = tx.Meta("region")
		return err
	})
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(&cat, "", "  ")
}
