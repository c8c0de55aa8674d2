package sim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/bundleimport"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
)

// errCrash is what every store call returns once the hall "process" died.
var errCrash = errors.New("sim: hall process died")

// hallNode is the hall: hall.Service on a SQLite file behind the real HTTP
// handler. A restart closes the store and opens a fresh Service on the same
// files, as a process restart does.
type hallNode struct {
	w       *world
	dir     string
	dbPath  string
	store   *crashStore
	svc     *hall.Service
	handler http.Handler
	down    bool // crashed and not restarted yet
	ids     *idSource
	rnd     seededReader
}

func newHall(w *world) *hallNode {
	h := &hallNode{w: w, dir: filepath.Join(w.dir, "hall")}
	h.dbPath = filepath.Join(h.dir, "hall.db")
	h.ids = &idSource{rng: w.sub(), now: w.Now}
	h.rnd = seededReader{rng: w.sub()}
	return h
}

// start opens the store and the service.
func (h *hallNode) start() error {
	ctx := context.Background()
	if err := os.MkdirAll(h.dir, 0o700); err != nil {
		return fmt.Errorf("hall start: %w", err)
	}
	inner, err := hallsqlite.Open(ctx, h.dbPath)
	if err != nil {
		return fmt.Errorf("hall start: %w", err)
	}
	h.store = &crashStore{Store: inner}
	cfg := hall.Config{Dir: h.dir, Now: h.w.Now, NewID: h.ids.New, Rand: h.rnd,
		PageEntries: h.w.pageEntries, SeenEvery: time.Minute}
	svc, err := hall.New(ctx, h.store, cfg)
	if err != nil {
		_ = inner.Close() // the error being returned says more
		return fmt.Errorf("hall start: %w", err)
	}
	h.svc, h.handler, h.down = svc, httpapi.New(svc, nil), false
	return nil
}

// stop closes the store: a clean stop, or the aftermath of a crash.
func (h *hallNode) stop() {
	if h.store != nil {
		_ = h.store.Store.Close() // a stop, clean or after a crash: the next start checks the file
		h.store = nil
	}
	h.svc, h.handler, h.down = nil, nil, true
}

// restart stops (if up) and starts the hall again.
func (h *hallNode) restart() error {
	h.stop()
	return h.start()
}

// arm makes the hall die at its n-th store call from now (n >= 1).
func (h *hallNode) arm(n int) {
	if h.store != nil {
		h.store.left = n
	}
}

// disarm cancels a pending crash and reports whether the hall died.
func (h *hallNode) disarm() (died bool) {
	if h.store == nil {
		return h.down
	}
	h.store.left = 0
	if h.store.crashed {
		h.stop()
		return true
	}
	return false
}

// guarded runs fn (a hall command or a bundle import) with a crash armed
// with probability p, and reports whether the hall died during it.
func (h *hallNode) guarded(p float64, fn func(svc *hall.Service) error) (err error, died bool) {
	if h.down {
		return errors.New("hall is down"), false
	}
	if h.w.chance(p) {
		h.arm(1 + h.w.rng.IntN(12))
	}
	err = fn(h.svc)
	if h.disarm() {
		h.w.fault("hall-crash")
		return err, true
	}
	return err, false
}

// bundleSide is what bundleimport.HallImport needs, with the simulation's clock
// and IDs.
func (h *hallNode) bundleSide() *bundleimport.Hall {
	b := bundleimport.BundleSide(h.svc)
	b.Now, b.NewID = h.w.Now, h.ids.New
	return b
}

// actor is the hall clerk of the simulation.
var hallActor = hall.Actor{ID: "sim-hall-clerk", Name: "大厅审批员"}

// crashStore wraps a hall.Store so the process can die at any store call:
// the call and everything after it fail, the open transaction rolls back
// (as an uncommitted SQLite transaction does when its process is killed),
// and the hall stays down until restarted. With left counting down to the
// crash, "any store call" includes the moment between a transaction's last
// statement and its commit, and the moment just after the commit.
type crashStore struct {
	hall.Store
	left    int // store calls until the crash; 0: none armed
	crashed bool
}

// point is called before every store call.
func (s *crashStore) point() error {
	if s.crashed {
		return errCrash
	}
	if s.left > 0 {
		s.left--
		if s.left == 0 {
			s.crashed = true
			return errCrash
		}
	}
	return nil
}

// Update runs fn in a write transaction that may die part-way.
func (s *crashStore) Update(ctx context.Context, fn func(hall.Tx) error) error {
	if err := s.point(); err != nil {
		return err
	}
	err := s.Store.Update(ctx, func(tx hall.Tx) error {
		if err := fn(&crashTx{Tx: tx, s: s}); err != nil {
			return err
		}
		return s.point() // dies before the commit
	})
	if err != nil {
		return err
	}
	return s.point() // dies just after the commit
}

// View runs fn in a read transaction that may die part-way.
func (s *crashStore) View(ctx context.Context, fn func(hall.Tx) error) error {
	if err := s.point(); err != nil {
		return err
	}
	return s.Store.View(ctx, func(tx hall.Tx) error { return fn(&crashTx{Tx: tx, s: s}) })
}

// crashTx passes every call on after a crash point. Methods added to
// hall.Tx later pass through the embedded Tx without one.
type crashTx struct {
	hall.Tx
	s *crashStore
}

func (t *crashTx) CreateStation(st *hall.StationRecord) error {
	if err := t.s.point(); err != nil {
		return err
	}
	return t.Tx.CreateStation(st)
}

func (t *crashTx) Station(code string) (*hall.StationRecord, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.Station(code)
}

func (t *crashTx) StationByEnrolHash(hash string) (*hall.StationRecord, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.StationByEnrolHash(hash)
}

func (t *crashTx) UpdateStation(st *hall.StationRecord) error {
	if err := t.s.point(); err != nil {
		return err
	}
	return t.Tx.UpdateStation(st)
}

func (t *crashTx) ActiveStations() ([]string, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.ActiveStations()
}

func (t *crashTx) AppendLog(e *hall.LogEntry) (int64, error) {
	if err := t.s.point(); err != nil {
		return 0, err
	}
	return t.Tx.AppendLog(e)
}

func (t *crashTx) LogByEventID(id string) (*hall.LogEntry, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.LogByEventID(id)
}

func (t *crashTx) CaseLog(caseID string, before int64) ([]*hall.LogEntry, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.CaseLog(caseID, before)
}

func (t *crashTx) PutRejection(r *hall.Rejection) error {
	if err := t.s.point(); err != nil {
		return err
	}
	return t.Tx.PutRejection(r)
}

func (t *crashTx) Rejection(id string) (*hall.Rejection, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.Rejection(id)
}

func (t *crashTx) Case(id string) (*domain.Case, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.Case(id)
}

func (t *crashTx) PutCase(c *domain.Case, seq int64) error {
	if err := t.s.point(); err != nil {
		return err
	}
	return t.Tx.PutCase(c, seq)
}

func (t *crashTx) CaseScope(caseID string) ([]string, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.CaseScope(caseID)
}

func (t *crashTx) AddScope(caseID, station string, seq int64) (bool, error) {
	if err := t.s.point(); err != nil {
		return false, err
	}
	return t.Tx.AddScope(caseID, station, seq)
}

func (t *crashTx) Enqueue(station string, refs []hall.Ref) error {
	if err := t.s.point(); err != nil {
		return err
	}
	return t.Tx.Enqueue(station, refs)
}

func (t *crashTx) Deliveries(station string, after int64, limit int) ([]*hall.Delivery, error) {
	if err := t.s.point(); err != nil {
		return nil, err
	}
	return t.Tx.Deliveries(station, after, limit)
}

func (t *crashTx) Publish(p *hall.Published) (int64, error) {
	if err := t.s.point(); err != nil {
		return 0, err
	}
	return t.Tx.Publish(p)
}

func (t *crashTx) BlobOwned(hash, station string) (bool, error) {
	if err := t.s.point(); err != nil {
		return false, err
	}
	return t.Tx.BlobOwned(hash, station)
}

func (t *crashTx) AddBlobOwner(hash, station string, size int64, at time.Time) error {
	if err := t.s.point(); err != nil {
		return err
	}
	return t.Tx.AddBlobOwner(hash, station, size, at)
}

func (t *crashTx) RecordAccess(a *hall.Access) error {
	if err := t.s.point(); err != nil {
		return err
	}
	return t.Tx.RecordAccess(a)
}
