package sim

import (
	"context"
	"fmt"
	"path/filepath"

	"yizhan/app/hallclient"
	"yizhan/hall"
	"yizhan/hall/bundleimport"
)

// usbFile is a bundle on a USB stick somewhere between a station and the hall.
type usbFile struct {
	station string
	path    string
}

// newUSBPath names a new file in the run's "USB" folder.
func (w *world) newUSBPath(kind string) string {
	w.usbSeq++
	return filepath.Join(w.dir, "usb", fmt.Sprintf("%04d-%s.bundle", w.usbSeq, kind))
}

// export writes a station's export bundle; it goes into the pile for the hall.
func (s *stationNode) export() {
	if s.cl == nil {
		return
	}
	w := s.w
	file := w.newUSBPath("export-" + s.code)
	var res hallclient.ExportResult
	var o hallclient.ExportOptions
	if s.usbOnly {
		o.AttachBytes = w.attachBudget
	}
	err, died := s.op(func(ctx context.Context) error {
		var err error
		res, err = hallclient.Export(ctx, s.st, file, o)
		return err
	})
	switch {
	case died:
		w.logf("%s export: died", s.code)
	case err != nil:
		w.logf("%s export: %v", s.code, err)
		w.violation("station %s: bundle export failed: %v", s.code, err)
	default:
		w.logf("%s export: %d events in %d requests, cursor %d, attachments %d (%d left)", s.code, res.Events, res.Requests, res.Cursor,
			res.Attachments, len(res.AttachmentsLeft))
		for _, l := range res.AttachmentsLeft {
			switch l.Reason {
			case hallclient.LeftTooLarge:
				// The export said a scan is larger than the budget and to
				// raise it: the clerk does.
				w.logf("%s: attachment %s larger than the budget; the clerk raises it", s.code, short(l.SHA256))
				w.attachBudget = 0
			case hallclient.LeftDamaged:
				w.violation("station %s: attachment %s damaged", s.code, l.SHA256)
			}
		}
		w.toHall = append(w.toHall, usbFile{station: s.code, path: file})
	}
}

// carryToHall takes one export bundle, in any order, to the hall: it may be
// lost on the way, or copied so that it arrives again later.
func (w *world) carryToHall() {
	if len(w.toHall) == 0 || w.hall.down {
		return
	}
	i := w.rng.IntN(len(w.toHall))
	f := w.toHall[i]
	if !w.calm && w.chance(0.1) {
		w.fault("bundle-lost")
		w.toHall = append(w.toHall[:i], w.toHall[i+1:]...)
		w.logf("export %s lost", filepath.Base(f.path))
		return
	}
	keep := !w.calm && w.chance(0.2)
	if keep {
		w.fault("bundle-duplicated")
	} else {
		w.toHall = append(w.toHall[:i], w.toHall[i+1:]...)
	}
	reply := w.newUSBPath("reply-" + f.station)
	var rep *bundleimport.HallReport
	err, died := w.hall.guarded(w.rates.hallCrash*3, func(svc *hall.Service) error {
		var err error
		rep, err = bundleimport.HallImport(context.Background(), w.hall.bundleSide(), f.path, reply)
		return err
	})
	switch {
	case died:
		w.logf("hall import %s: hall died", filepath.Base(f.path))
		if !keep {
			w.toHall = append(w.toHall, f) // the clerk tries again later
		}
	case err != nil:
		w.logf("hall import %s: %v", filepath.Base(f.path), err)
		w.violation("hall: import of %s failed: %v", filepath.Base(f.path), err)
	default:
		w.logf("hall import %s: %d events, acks %+v, %d pages, cursor %d, attachments %+v", filepath.Base(f.path), rep.Events, rep.Acks,
			rep.Pages, rep.Cursor, rep.Attachments)
		w.rep.Faults["usb-attachments-stored"] += rep.Attachments.Stored
		if rep.Attachments.Refused > 0 {
			w.violation("hall refused %d attachments of %s", rep.Attachments.Refused, filepath.Base(f.path))
		}
		w.toStation = append(w.toStation, usbFile{station: f.station, path: reply})
	}
}

// carryToStation takes one reply back to its station, in any order: lost,
// copied, or imported twice. It returns what the import did (nil: none).
func (w *world) carryToStation() *hallclient.ImportResult {
	if len(w.toStation) == 0 {
		return nil
	}
	i := w.rng.IntN(len(w.toStation))
	f := w.toStation[i]
	s := w.station(f.station)
	if !w.calm && w.chance(0.1) {
		w.fault("reply-lost")
		w.toStation = append(w.toStation[:i], w.toStation[i+1:]...)
		w.logf("reply %s lost", filepath.Base(f.path))
		return nil
	}
	if !w.calm && w.chance(0.2) {
		w.fault("reply-duplicated")
	} else {
		w.toStation = append(w.toStation[:i], w.toStation[i+1:]...)
	}
	var res hallclient.ImportResult
	err, died := s.op(func(ctx context.Context) error {
		var err error
		res, err = hallclient.ImportReply(ctx, s.st, f.path)
		return err
	})
	switch {
	case died:
		w.logf("%s import %s: died", s.code, filepath.Base(f.path))
	case err != nil:
		w.logf("%s import %s: %v", s.code, filepath.Base(f.path), err)
		w.violation("station %s: reply import %s failed: %v", s.code, filepath.Base(f.path), err)
	default:
		if res.Already {
			w.fault("reply-reimported")
		}
		w.logf("%s import %s: already %v, acks %+v, pulled %d, attachments %d, cursor %d", s.code, filepath.Base(f.path), res.Already,
			res.Acks, res.Pulled, res.Attachments, res.Cursor)
		w.checkCursor(s)
		return &res
	}
	return nil
}

// usbRound is one whole trip by stick for a station, on a calm day: export,
// import at the hall, reply imported. It returns how much moved.
func (w *world) usbRound(s *stationNode) int {
	before := w.stationPending(s)
	w.toHall, w.toStation = nil, nil
	s.export()
	w.carryToHall()
	res := w.carryToStation()
	if res == nil {
		return 0
	}
	return before - w.stationPending(s) + res.Pulled + res.Published
}
