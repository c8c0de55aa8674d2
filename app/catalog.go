package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
			added, err := s.putItem(ctx, tx, cat.Version, it)
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

// PutItem stores one item version inside tx (sync applies published items
// through here). It reports whether the version was new.
func (s *Station) PutItem(ctx context.Context, tx Tx, catalog string, it *domain.Item) (bool, error) {
	it.Normalize()
	if err := it.Validate(); err != nil {
		return false, err
	}
	return s.putItem(ctx, tx, catalog, it)
}

func (s *Station) putItem(ctx context.Context, tx Tx, catalog string, it *domain.Item) (bool, error) {
	body, err := json.Marshal(it)
	if err != nil {
		return false, fmt.Errorf("put item %s: %w", it.Key(), err)
	}
	var have string
	err = tx.SQL().QueryRowContext(ctx, `SELECT body FROM catalog_items WHERE code=? AND version=?`, it.Code, it.Version).Scan(&have)
	if err == nil {
		if have == string(body) {
			return false, nil
		}
		// Status changes (suspend, cancel) are the one edit allowed in place.
		var old domain.Item
		if json.Unmarshal([]byte(have), &old) == nil {
			old.Status = it.Status
			if ob, _ := json.Marshal(&old); string(ob) == string(body) {
				_, err := tx.SQL().ExecContext(ctx, `UPDATE catalog_items SET status=?, body=? WHERE code=? AND version=?`, it.Status, string(body), it.Code, it.Version)
				return false, err
			}
		}
		return false, domain.Errorf(domain.EConflict,
			fmt.Sprintf("事项“%s”第 %d 版的内容与本站已有的不同；已发布的版本不能修改，请由大厅发布新版本。", it.Name, it.Version),
			"item %s: version exists with different content", it.Key())
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("put item %s: %w", it.Key(), err)
	}
	_, err = tx.SQL().ExecContext(ctx, `INSERT INTO catalog_items(code,version,basic_code,name,handling,kind,status,handled_at,initials,body,catalog,imported_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`,
		it.Code, it.Version, it.BasicCode, it.Name, it.HandlingItem, it.Kind, it.Status, it.HandledAt,
		Initials(it.Name+it.HandlingItem), string(body), catalog, FormatTime(s.now()))
	if err != nil {
		return false, fmt.Errorf("put item %s: %w", it.Key(), err)
	}
	return true, nil
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
	rows, err := s.db.QueryContext(ctx, `
		SELECT body, initials FROM catalog_items c
		WHERE status='published' AND version = (SELECT max(version) FROM catalog_items d WHERE d.code=c.code AND d.status='published')
		  AND (?='' OR instr(lower(name||handling), ?)>0 OR instr(lower(code), ?)>0 OR instr(initials, ?)>0 OR instr(lower(basic_code), ?)>0)
		ORDER BY CASE WHEN ?<>'' AND initials LIKE ?||'%' THEN 0 ELSE 1 END, basic_code, code`, q, q, q, q, q, q, q)
	if err != nil {
		return nil, fmt.Errorf("find items: %w", err)
	}
	defer rows.Close()
	var out []ItemSummary
	for rows.Next() {
		var body, ini string
		if err := rows.Scan(&body, &ini); err != nil {
			return nil, fmt.Errorf("find items: %w", err)
		}
		var it domain.Item
		if err := json.Unmarshal([]byte(body), &it); err != nil {
			return nil, fmt.Errorf("find items: %w", err)
		}
		sum := ItemSummary{Code: it.Code, Version: it.Version, Name: it.Name, Handling: it.HandlingItem, Kind: it.Kind, Type: it.Type,
			Department: it.Department, HandledAt: it.HandledAt, Initials: ini, Materials: len(it.Materials), Visits: it.Visits,
			Promised: fmt.Sprintf("%d%s", it.PromisedLimit.Value, it.PromisedLimit.Unit)}
		for _, st := range it.Situations {
			sum.Situations = append(sum.Situations, st.Code+" "+st.Name)
		}
		out = append(out, sum)
	}
	return out, rows.Err()
}

// Item returns an item version; version 0 means the newest published one.
func (s *Station) Item(ctx context.Context, code string, version int) (*domain.Item, error) {
	return s.item(ctx, s.db, code, version)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Station) item(ctx context.Context, q querier, code string, version int) (*domain.Item, error) {
	var body string
	var err error
	if version == 0 {
		err = q.QueryRowContext(ctx, `SELECT body FROM catalog_items WHERE code=? AND status='published' ORDER BY version DESC LIMIT 1`, code).Scan(&body)
	} else {
		err = q.QueryRowContext(ctx, `SELECT body FROM catalog_items WHERE code=? AND version=?`, code, version).Scan(&body)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENotFound, "事项清单中找不到该事项（"+code+"），请检查编码或同步最新事项清单。", "item %s@%d not found", code, version)
	}
	if err != nil {
		return nil, fmt.Errorf("item %s: %w", code, err)
	}
	var it domain.Item
	if err := json.Unmarshal([]byte(body), &it); err != nil {
		return nil, fmt.Errorf("item %s: %w", code, err)
	}
	return &it, nil
}

// ExportCatalog writes every item version as one catalog JSON document.
func (s *Station) ExportCatalog(ctx context.Context) ([]byte, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM catalog_items ORDER BY basic_code, code, version`)
	if err != nil {
		return nil, fmt.Errorf("export catalog: %w", err)
	}
	defer rows.Close()
	ver, _ := s.meta(ctx, "catalog_version")
	region, _ := s.meta(ctx, "region")
	cat := domain.Catalog{Version: ver, Region: domain.Region{Code: region}}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("export catalog: %w", err)
		}
		var it domain.Item
		if err := json.Unmarshal([]byte(body), &it); err != nil {
			return nil, fmt.Errorf("export catalog: %w", err)
		}
		cat.Items = append(cat.Items, &it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return json.MarshalIndent(&cat, "", "  ")
}
