package desktop

import (
	"context"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
)

// SyncStatus returns the sync panel's figures; it never contacts the hall.
func (s *API) SyncStatus() (*hallclient.Status, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	c := s.syncer
	s.mu.Unlock()
	if c != nil {
		stt := c.Status(s.context())
		return &stt, nil
	}
	stt, err := hallclient.StatusOf(s.context(), st)
	return &stt, err
}

// SyncNow syncs once, now (the "同步" button). The background loop keeps
// running either way.
func (s *API) SyncNow() (*hallclient.Result, error) {
	if _, _, err := s.session(); err != nil {
		return nil, err
	}
	c, err := s.client()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(s.context(), 5*time.Minute)
	defer cancel()
	res, err := c.SyncOnce(ctx)
	return &res, err
}

// Enroll exchanges the hall's one-time code for this station's credentials
// and starts background sync. Only the head of station may: it decides
// which hall receives every case from now on.
func (s *API) Enroll(hallURL, code string) (*AppInfo, error) {
	st, _, err := s.session(app.RoleHead)
	if err != nil {
		return nil, err
	}
	if _, err := hallclient.Enroll(s.context(), st, hallURL, code); err != nil {
		return nil, err
	}
	s.startSync()
	return s.Info()
}

// ExportBundle writes everything the hall has not acknowledged to a sealed
// file for a USB stick.
func (s *API) ExportBundle(path string) (*hallclient.ExportResult, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	res, err := hallclient.ExportBundle(s.context(), st, path)
	return &res, err
}

// ImportBundle applies a reply bundle the hall wrote.
func (s *API) ImportBundle(path string) (*hallclient.ImportResult, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	res, err := hallclient.ImportReply(s.context(), st, path)
	return &res, err
}

// client returns the sync client, creating it once the station is enrolled.
func (s *core) client() (*hallclient.Client, error) {
	s.mu.Lock()
	c := s.syncer
	s.mu.Unlock()
	if c != nil {
		return c, nil
	}
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	c, err = hallclient.New(st)
	if err != nil {
		return nil, err
	}
	c.Logger = logger()
	s.mu.Lock()
	if s.syncer == nil {
		s.syncer = c
	}
	c = s.syncer
	s.mu.Unlock()
	return c, nil
}

// startSync starts the background sync loop when the station is enrolled; a
// station that is not stays fully usable offline.
func (s *core) startSync() {
	st, err := s.station()
	if err != nil {
		return
	}
	if k, err := hallclient.LoadKeys(st.Dir()); err != nil || !k.Enrolled() {
		return
	}
	c, err := s.client()
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.syncStop != nil {
		s.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.syncStop = cancel
	s.mu.Unlock()
	go c.Run(ctx)
}
