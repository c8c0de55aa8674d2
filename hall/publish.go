package hall

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"yizhan/domain"
	"yizhan/workday"
)

// PublishResult says what a catalog publication did.
type PublishResult struct {
	Catalog       string `json:"catalog"`
	Items         int    `json:"items"`
	Added         int    `json:"added"`
	StatusChanged int    `json:"status_changed"`
	Unchanged     int    `json:"unchanged"`
}

// PublishCatalog publishes a catalog file (the JSON form of
// hall/testdata/township-sample.json) to every station. Item versions are
// immutable: republishing a version with the same content does nothing, a
// status change (suspend, cancel) is published again, and any other change
// refuses the whole file, because cases opened under the version keep
// pointing at what it said.
func (s *Service) PublishCatalog(ctx context.Context, data []byte) (PublishResult, error) {
	cat, err := domain.ParseCatalog(data)
	if err != nil {
		return PublishResult{}, err
	}
	res := PublishResult{Catalog: cat.Version, Items: len(cat.Items)}
	now := s.Now()
	err = s.store.Update(ctx, func(tx Tx) error {
		res = PublishResult{Catalog: cat.Version, Items: len(cat.Items)}
		var refs []Ref
		for _, it := range cat.Items {
			body, err := json.Marshal(it)
			if err != nil {
				return fmt.Errorf("publish %s: %w", it.Key(), err)
			}
			key := "item:" + it.Key()
			prev, err := tx.LatestPublished(key)
			if err != nil {
				return err
			}
			switch {
			case prev == nil:
				res.Added++
			case bytes.Equal(prev.Body, body):
				res.Unchanged++
				continue
			case onlyStatusDiffers(prev.Body, it):
				res.StatusChanged++
			default:
				return domain.Errorf(domain.EConflict,
					fmt.Sprintf("事项“%s”第 %d 版已发布且内容不同；已发布的版本不能修改，请发布新版本。", it.Name, it.Version),
					"item %s: published version differs", it.Key())
			}
			seq, err := tx.Publish(&Published{Key: key, Kind: PubItem, Catalog: cat.Version, Body: body, Published: now})
			if err != nil {
				return err
			}
			refs = append(refs, Ref{PubSeq: seq})
		}
		if err := fanOutPublished(tx, refs); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: actorFrom(ctx).ID, Action: "catalog.publish",
			Detail: fmt.Sprintf("%s: %d items, %d new, %d status", cat.Version, res.Items, res.Added, res.StatusChanged)})
	})
	return res, err
}

func onlyStatusDiffers(prevBody []byte, it *domain.Item) bool {
	var old domain.Item
	if json.Unmarshal(prevBody, &old) != nil {
		return false
	}
	old.Status = it.Status
	a, err1 := json.Marshal(&old)
	b, err2 := json.Marshal(it)
	return err1 == nil && err2 == nil && bytes.Equal(a, b)
}

// PublishCalendar publishes one year's holidays and make-up days to every
// station. Republishing the same year with the same days does nothing; a
// corrected year replaces the old one (stations overwrite by year).
func (s *Service) PublishCalendar(ctx context.Context, y workday.YearSpec) (bool, error) {
	if err := y.Validate(); err != nil {
		return false, err
	}
	body, err := json.Marshal(y)
	if err != nil {
		return false, fmt.Errorf("publish calendar %d: %w", y.Year, err)
	}
	now := s.Now()
	changed := false
	err = s.store.Update(ctx, func(tx Tx) error {
		changed = false // a store may run this again after a conflict
		key := "calendar:" + strconv.Itoa(y.Year)
		prev, err := tx.LatestPublished(key)
		if err != nil {
			return err
		}
		if prev != nil && bytes.Equal(prev.Body, body) {
			return nil
		}
		changed = true
		seq, err := tx.Publish(&Published{Key: key, Kind: PubCalendar, Body: body, Published: now})
		if err != nil {
			return err
		}
		if err := fanOutPublished(tx, []Ref{{PubSeq: seq}}); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: actorFrom(ctx).ID, Action: "calendar.publish", Detail: strconv.Itoa(y.Year) + " " + y.Source})
	})
	if err == nil && changed {
		s.dropCalendar()
	}
	return changed, err
}

// fanOutPublished queues published rows for every enrolled station; a
// station enrolling later gets the current rows from Enroll.
func fanOutPublished(tx Tx, refs []Ref) error {
	if len(refs) == 0 {
		return nil
	}
	codes, err := tx.ActiveStations()
	if err != nil {
		return err
	}
	for _, c := range codes {
		if err := tx.Enqueue(c, refs); err != nil {
			return err
		}
	}
	return nil
}
