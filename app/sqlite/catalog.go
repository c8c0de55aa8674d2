package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/workday"
)

// Item returns an item version, or with version 0 the newest published
// version of code; nil when there is none.
func (t *txn) Item(code string, version int) (*domain.Item, error) {
	var body string
	var err error
	if version == 0 {
		err = t.queryRow(`SELECT body FROM catalog_items WHERE code=? AND status='published' ORDER BY version DESC LIMIT 1`, code).Scan(&body)
	} else {
		err = t.queryRow(`SELECT body FROM catalog_items WHERE code=? AND version=?`, code, version).Scan(&body)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
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

// InsertItem stores a new item version of catalog with its search
// initials.
func (t *txn) InsertItem(catalog string, it *domain.Item, initials string, at time.Time) error {
	body, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("put item %s: %w", it.Key(), err)
	}
	if _, err := t.exec(`INSERT INTO catalog_items(code,version,basic_code,name,handling,kind,status,handled_at,initials,body,catalog,imported_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`,
		it.Code, it.Version, it.BasicCode, it.Name, it.HandlingItem, it.Kind, it.Status, it.HandledAt,
		initials, string(body), catalog, app.FormatTime(at)); err != nil {
		return fmt.Errorf("put item %s: %w", it.Key(), err)
	}
	return nil
}

// UpdateItem rewrites a stored item version (its status and body).
func (t *txn) UpdateItem(it *domain.Item) error {
	body, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("put item %s: %w", it.Key(), err)
	}
	if _, err := t.exec(`UPDATE catalog_items SET status=?, body=? WHERE code=? AND version=?`, it.Status, string(body), it.Code, it.Version); err != nil {
		return fmt.Errorf("put item %s: %w", it.Key(), err)
	}
	return nil
}

// FindItems returns the newest published version of each item whose name,
// handling item, code, basic code or initials contain q (lower case; ""
// lists all), those whose initials start with q first.
func (t *txn) FindItems(q string) ([]app.FoundItem, error) {
	rows, err := t.query(`
		SELECT body, initials FROM catalog_items c
		WHERE status='published' AND version = (SELECT max(version) FROM catalog_items d WHERE d.code=c.code AND d.status='published')
		  AND (?='' OR instr(lower(name||handling), ?)>0 OR instr(lower(code), ?)>0 OR instr(initials, ?)>0 OR instr(lower(basic_code), ?)>0)
		ORDER BY CASE WHEN ?<>'' AND initials LIKE ?||'%' THEN 0 ELSE 1 END, basic_code, code`, q, q, q, q, q, q, q)
	if err != nil {
		return nil, fmt.Errorf("find items: %w", err)
	}
	defer rows.Close()
	var out []app.FoundItem
	for rows.Next() {
		var body, ini string
		if err := rows.Scan(&body, &ini); err != nil {
			return nil, fmt.Errorf("find items: %w", err)
		}
		var it domain.Item
		if err := json.Unmarshal([]byte(body), &it); err != nil {
			return nil, fmt.Errorf("find items: %w", err)
		}
		out = append(out, app.FoundItem{Item: &it, Initials: ini})
	}
	return out, rows.Err()
}

// Items returns every stored item version, by basic code, code and version.
func (t *txn) Items() ([]*domain.Item, error) {
	rows, err := t.query(`SELECT body FROM catalog_items ORDER BY basic_code, code, version`)
	if err != nil {
		return nil, fmt.Errorf("export catalog: %w", err)
	}
	defer rows.Close()
	var out []*domain.Item
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("export catalog: %w", err)
		}
		var it domain.Item
		if err := json.Unmarshal([]byte(body), &it); err != nil {
			return nil, fmt.Errorf("export catalog: %w", err)
		}
		out = append(out, &it)
	}
	return out, rows.Err()
}

// PutCalendarYear stores (or replaces) a holiday calendar year.
func (t *txn) PutCalendarYear(y workday.YearSpec) error {
	b, err := json.Marshal(y)
	if err != nil {
		return fmt.Errorf("calendar %d: %w", y.Year, err)
	}
	if _, err := t.exec(`INSERT INTO calendar_years(year,spec) VALUES(?,?) ON CONFLICT(year) DO UPDATE SET spec=excluded.spec`, y.Year, string(b)); err != nil {
		return fmt.Errorf("calendar %d: %w", y.Year, err)
	}
	return nil
}

// CalendarYears returns the stored calendar years in order.
func (t *txn) CalendarYears() ([]workday.YearSpec, error) {
	rows, err := t.query(`SELECT spec FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer rows.Close()
	var out []workday.YearSpec
	for rows.Next() {
		var spec string
		if err := rows.Scan(&spec); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		var y workday.YearSpec
		if err := json.Unmarshal([]byte(spec), &y); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		out = append(out, y)
	}
	return out, rows.Err()
}
