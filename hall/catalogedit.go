package hall

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

// ItemVersion is one published version of a catalog item, as the console's
// catalog lists it.
type ItemVersion struct {
	Code         string        `json:"code"`
	Version      int           `json:"version"`
	Name         string        `json:"name"`
	HandlingItem string        `json:"handling_item,omitempty"`
	Type         string        `json:"type"`
	Kind         string        `json:"kind"`
	Department   string        `json:"department"`
	HandledAt    string        `json:"handled_at"`
	Status       string        `json:"status"`
	Promised     workday.Limit `json:"promised_limit"`
	Legal        workday.Limit `json:"legal_limit"`
	Materials    int           `json:"materials"`
	Catalog      string        `json:"catalog"`
	Published    time.Time     `json:"published"`
}

// CatalogItem is an item with every published version, newest first.
type CatalogItem struct {
	Code     string        `json:"code"`
	Name     string        `json:"name"` // of the newest version
	Latest   int           `json:"latest"`
	Versions []ItemVersion `json:"versions"`
}

func publishedItems(tx Tx) ([]*Published, error) {
	pubs, err := tx.CurrentPublished()
	if err != nil {
		return nil, err
	}
	var out []*Published
	for _, p := range pubs {
		if p.Kind == PubItem {
			out = append(out, p)
		}
	}
	return out, nil
}

// Catalog lists the published items with their versions.
func (s *Service) Catalog(ctx context.Context) ([]CatalogItem, error) {
	var out []CatalogItem
	err := s.store.View(ctx, func(tx Tx) error {
		pubs, err := publishedItems(tx)
		if err != nil {
			return err
		}
		idx := map[string]int{}
		for _, p := range pubs {
			var it domain.Item
			if err := json.Unmarshal(p.Body, &it); err != nil {
				return fmt.Errorf("catalog %s: %w", p.Key, err)
			}
			v := ItemVersion{Code: it.Code, Version: it.Version, Name: it.Name, HandlingItem: it.HandlingItem, Type: it.Type,
				Kind: it.Kind, Department: it.Department, HandledAt: it.HandledAt, Status: it.Status, Promised: it.PromisedLimit,
				Legal: it.LegalLimit, Materials: len(it.Materials), Catalog: p.Catalog, Published: p.Published}
			i, ok := idx[it.Code]
			if !ok {
				i = len(out)
				idx[it.Code] = i
				out = append(out, CatalogItem{Code: it.Code})
			}
			out[i].Versions = append(out[i].Versions, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		vs := out[i].Versions
		slices.SortFunc(vs, func(a, b ItemVersion) int { return b.Version - a.Version })
		out[i].Latest, out[i].Name = vs[0].Version, vs[0].Name
		if vs[0].HandlingItem != "" {
			out[i].Name += "（" + vs[0].HandlingItem + "）"
		}
	}
	slices.SortFunc(out, func(a, b CatalogItem) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// CatalogItem returns the full text of one published item version;
// version 0 means the newest.
func (s *Service) CatalogItem(ctx context.Context, code string, version int) (*domain.Item, error) {
	var out *domain.Item
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = latestItem(tx, code, version)
		return err
	})
	return out, err
}

func latestItem(tx Tx, code string, version int) (*domain.Item, error) {
	if version > 0 {
		p, err := tx.LatestPublished("item:" + code + "@" + fmt.Sprint(version))
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, errNoItem(code, version)
		}
		var it domain.Item
		if err := json.Unmarshal(p.Body, &it); err != nil {
			return nil, fmt.Errorf("item %s: %w", p.Key, err)
		}
		return &it, nil
	}
	pubs, err := publishedItems(tx)
	if err != nil {
		return nil, err
	}
	var best *domain.Item
	for _, p := range pubs {
		if !strings.HasPrefix(p.Key, "item:"+code+"@") {
			continue
		}
		var it domain.Item
		if err := json.Unmarshal(p.Body, &it); err != nil {
			return nil, fmt.Errorf("item %s: %w", p.Key, err)
		}
		if it.Code == code && (best == nil || it.Version > best.Version) {
			best = &it
		}
	}
	if best == nil {
		return nil, errNoItem(code, 0)
	}
	return best, nil
}

func errNoItem(code string, version int) error {
	return domain.Errorf(domain.ENotFound, "事项清单中找不到该事项（"+code+"）。", "item %s@%d not published", code, version)
}

// PublishItemVersion publishes an edited item as its next version: the
// version number is one above the newest published (whatever it says), the
// status is "published", and the result goes to every station like any
// catalog. catalog names the catalog version it is recorded under;
// empty gives "CODE@vN".
func (s *Service) PublishItemVersion(ctx context.Context, it *domain.Item, catalog string) (PublishResult, error) {
	if it == nil || strings.TrimSpace(it.Code) == "" {
		return PublishResult{}, domain.Errorf(domain.EInvalid, "事项缺少实施编码。", "item: implementation code required")
	}
	var latest int
	err := s.store.View(ctx, func(tx Tx) error {
		prev, err := latestItem(tx, it.Code, 0)
		if domain.ErrorCode(err) == domain.ENotFound {
			return nil
		}
		if err != nil {
			return err
		}
		latest = prev.Version
		return nil
	})
	if err != nil {
		return PublishResult{}, err
	}
	cp := *it
	cp.Version, cp.Status = latest+1, domain.ItemPublished
	if strings.TrimSpace(catalog) == "" {
		catalog = fmt.Sprintf("%s@v%d", cp.Code, cp.Version)
	}
	return s.publishItems(ctx, catalog, &cp)
}

// SetItemStatus republishes one item version with a new status: suspended
// or cancelled items open no new cases; published brings one back. The
// content of a version never changes.
func (s *Service) SetItemStatus(ctx context.Context, code string, version int, status string) (PublishResult, error) {
	switch status {
	case domain.ItemPublished, domain.ItemSuspended, domain.ItemCancelled:
	default:
		return PublishResult{}, domain.Errorf(domain.EInvalid, "事项状态须为已发布、暂停或取消。", "item status %q", status)
	}
	it, err := s.CatalogItem(ctx, code, version)
	if err != nil {
		return PublishResult{}, err
	}
	it.Status = status
	return s.publishItems(ctx, fmt.Sprintf("%s@v%d-%s", code, it.Version, status), it)
}

func (s *Service) publishItems(ctx context.Context, catalog string, items ...*domain.Item) (PublishResult, error) {
	data, err := json.Marshal(domain.Catalog{Version: catalog, Items: items})
	if err != nil {
		return PublishResult{}, fmt.Errorf("publish %s: %w", catalog, err)
	}
	return s.PublishCatalog(ctx, data)
}

// CalendarYear is one year of the working-day calendar as the console
// shows it.
type CalendarYear struct {
	workday.YearSpec
	Published bool `json:"published"` // by the hall; otherwise built in
}

// CalendarYears lists every known year, built in or published, newest first.
func (s *Service) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	pub := map[int]bool{}
	err = s.store.View(ctx, func(tx Tx) error {
		ps, err := tx.CurrentPublished()
		for _, p := range ps {
			if p.Kind == PubCalendar {
				var y workday.YearSpec
				if json.Unmarshal(p.Body, &y) == nil {
					pub[y.Year] = true
				}
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	years := cal.Years()
	out := make([]CalendarYear, 0, len(years))
	for i := len(years) - 1; i >= 0; i-- {
		spec, _ := cal.Spec(years[i])
		out = append(out, CalendarYear{YearSpec: spec, Published: pub[years[i]]})
	}
	return out, nil
}
