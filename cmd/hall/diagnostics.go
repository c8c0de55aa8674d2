package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"yizhan/hall"
	"yizhan/internal/diagnostics"
	"yizhan/internal/disk"
	"yizhan/internal/logfile"
	"yizhan/internal/scrub"
)

// Version is the hall's version; release builds set it with
// -ldflags "-X main.Version=...".
var Version = "0.1.0-dev"

// hallChecks is checks.json of a hall diagnostics zip: counts and results
// only (station codes and names are offices, not people, but even those
// stay out: support needs the numbers).
type hallChecks struct {
	DataDir       string         `json:"data_dir"`
	Store         string         `json:"store"` // sqlite or postgres
	DiskFree      int64          `json:"disk_free_bytes"`
	DBBytes       int64          `json:"db_bytes,omitempty"`
	WALBytes      int64          `json:"wal_bytes,omitempty"`
	Schema        int            `json:"schema"`
	Integrity     string         `json:"integrity_check"`
	KeysPresent   bool           `json:"keys_present"`
	BlobFiles     int            `json:"blob_files"`
	BlobBytes     int64          `json:"blob_bytes"`
	Stations      map[string]int `json:"stations_by_status,omitempty"`
	AppVersions   map[string]int `json:"station_app_versions,omitempty"`
	AuditTampered int            `json:"stations_with_broken_audit_chain"`
	AuditNeverRep int            `json:"stations_without_audit_report"`
	TotalLag      int64          `json:"deliveries_waiting"`
	Conflicts     int            `json:"conflicts"`
	CasesByState  map[string]int `json:"cases_by_state,omitempty"`
	Errors        []string       `json:"errors,omitempty"`
}

// diagnosticsCmd writes the hall's support zip: logs, versions, the station
// registry as counts, the database check and disk space.
//
//	hall diagnostics FILE.zip [--dir DATA] [--db ...] [--log-dir DIR]
func init() {
	register(
		command{"diagnostics", "FILE.zip [--log-dir DIR]: for support: logs, versions, checks; no personal data", diagnosticsCmd},
		command{"version", "the hall's version", func(e *env, args []string) error {
			return e.Out(map[string]string{"version": Version}, func(w io.Writer) { fmt.Fprintln(w, "yizhan hall "+Version) })
		}},
	)
}

func diagnosticsCmd(e *env, args []string) error {
	ctx, stdout, c := e.Ctx, e.Stdout, &e.common
	fs := flag.NewFlagSet("diagnostics", flag.ContinueOnError)
	logDir := fs.String("log-dir", os.Getenv("YIZHAN_HALL_LOG_DIR"), "log directory (default DIR/logs)")
	pos, err := parse(fs, args, 1, 1, "FILE.zip")
	if err != nil {
		return err
	}
	if c.dir == "" {
		return usageErr("--dir (or $YIZHAN_HALL_DIR) is required")
	}
	ck := hallChecks{DataDir: c.dir, Store: "sqlite", DiskFree: disk.Free(c.dir), Integrity: "not run"}
	ck.BlobBytes, ck.BlobFiles = disk.DirSize(filepath.Join(c.dir, "blobs"))
	if _, err := os.Stat(filepath.Join(c.dir, "keys")); err == nil {
		ck.KeysPresent = true
	}
	if isPostgres(c.db) {
		ck.Store = "postgres"
		ck.Integrity = "n/a (PostgreSQL: see the server's own checks)"
	} else {
		db := c.db
		if db == "" {
			db = filepath.Join(c.dir, "hall.db")
		}
		ck.DBBytes, ck.WALBytes = disk.FileSize(db), disk.FileSize(db+"-wal")
		ck.Integrity = sqliteIntegrity(ctx, db)
	}
	if ck.KeysPresent {
		diagService(ctx, c, &ck)
	} else {
		ck.Errors = append(ck.Errors, "no keys directory: not a hall data directory, or not started yet")
	}
	d, err := diagnostics.New(pos[0], scrub.New(nil))
	if err != nil {
		return err
	}
	ld := *logDir
	if ld == "" || ld == "-" {
		ld = logfile.Dir(c.dir)
	}
	write := func() error {
		if err := d.Text("README.txt", diagnostics.Readme("Yizhan hall")); err != nil {
			return err
		}
		if err := d.JSON("versions.json", map[string]any{"hall": diagnostics.SystemVersions("hall", Version), "store": ck.Store, "schema": ck.Schema}); err != nil {
			return err
		}
		if err := d.JSON("checks.json", ck); err != nil {
			return err
		}
		return d.Logs(ld)
	}
	if err := write(); err != nil {
		d.Abort()
		return fmt.Errorf("diagnostics: %w", err)
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("diagnostics: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%s)\nintegrity: %s; stations: %v; broken audit chains: %d\n诊断信息已写入 %s，不含办件或个人信息，可发送给技术支持。\n",
		pos[0], strings.Join(d.Entries, ", "), ck.Integrity, ck.Stations, ck.AuditTampered, pos[0])
	return nil
}

func sqliteIntegrity(ctx context.Context, path string) string {
	if _, err := os.Stat(path); err != nil {
		return "no database: " + err.Error()
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=15000")
	if err != nil {
		return err.Error()
	}
	defer func() { _ = db.Close() }() // read only
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err.Error()
	}
	return res
}

// diagService opens the store and fills the registry counts.
func diagService(ctx context.Context, c *common, ck *hallChecks) {
	store, err := openStore(ctx, c.dir, c.db)
	if err != nil {
		ck.Errors = append(ck.Errors, "open store: "+err.Error())
		return
	}
	defer func() { _ = store.Close() }() // read only
	if sv, ok := store.(interface {
		SchemaVersion(context.Context) (int, error)
	}); ok {
		ck.Schema, _ = sv.SchemaVersion(ctx)
	}
	svc, err := hall.New(ctx, store, hall.Config{Dir: c.dir})
	if err != nil {
		ck.Errors = append(ck.Errors, "open service: "+err.Error())
		return
	}
	list, err := svc.Stations(ctx)
	if err != nil {
		ck.Errors = append(ck.Errors, "stations: "+err.Error())
		return
	}
	ck.Stations, ck.AppVersions = map[string]int{}, map[string]int{}
	for _, st := range list {
		ck.Stations[st.Status]++
		v := st.AppVersion
		if v == "" {
			v = "unknown"
		}
		ck.AppVersions[v]++
		if st.Tampered {
			ck.AuditTampered++
		}
		if st.AuditSeq == 0 && st.Status == "enrolled" {
			ck.AuditNeverRep++
		}
		ck.TotalLag += st.Lag
		ck.Conflicts += st.Conflicts
	}
	cases, err := svc.Cases(ctx, hall.CaseFilter{Limit: -1}) // every case: these are counts
	if err != nil {
		ck.Errors = append(ck.Errors, "cases: "+err.Error())
		return
	}
	ck.CasesByState = map[string]int{}
	for _, cs := range cases {
		ck.CasesByState[string(cs.State)]++
	}
}
