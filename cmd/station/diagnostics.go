package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/app/sqlite"
	"yizhan/desktop"
	"yizhan/domain"
	"yizhan/internal/diagnostics"
	"yizhan/internal/disk"
	"yizhan/internal/logfile"
	"yizhan/internal/scrub"
)

func init() {
	register(command{"diagnostics", "FILE.zip: logs, versions, sync status and database checks for support (no personal data; no sign-in needed)", cmdDiagnostics})
}

// stationChecks is checks.json in the diagnostics zip: counts and results,
// never a record.
type stationChecks struct {
	DataDir       string            `json:"data_dir"`
	DiskFree      int64             `json:"disk_free_bytes"`
	DBBytes       int64             `json:"db_bytes"`
	WALBytes      int64             `json:"wal_bytes"`
	Schema        int               `json:"schema"`
	SchemaLatest  int               `json:"schema_latest"`
	SQLiteVersion string            `json:"sqlite_version,omitempty"`
	Integrity     string            `json:"integrity_check"`
	OpenError     *errInfo          `json:"open_error,omitempty"`
	Audit         *app.AuditReport  `json:"audit,omitempty"`
	Counts        map[string]int    `json:"counts,omitempty"`
	CaseStates    map[string]int    `json:"cases_by_state,omitempty"`
	EventStatus   map[string]int    `json:"events_by_status,omitempty"`
	BlobFiles     int               `json:"blob_files"`
	BlobBytes     int64             `json:"blob_bytes"`
	Station       map[string]string `json:"station,omitempty"`
	Errors        []string          `json:"errors,omitempty"`
}

type errInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"zh"`
}

func toErrInfo(err error) *errInfo {
	return &errInfo{Code: domain.ErrorCode(err), Message: domain.ErrorMessage(err), Zh: domain.ZhMessage(err)}
}

// cmdDiagnostics writes the support zip. It works on a station that does
// not open (a database from a newer version, a damaged file): what could
// not be read is reported inside the zip.
func cmdDiagnostics(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("diagnostics", flag.ContinueOnError), args, 1, "FILE.zip")
	if err != nil {
		return err
	}
	out := pos[0]
	ctx := e.ctx
	dbPath := filepath.Join(e.dir, app.DBFile)
	ck := stationChecks{DataDir: scrub.HomeRel(e.dir), DiskFree: disk.Free(e.dir),
		DBBytes: disk.FileSize(dbPath), WALBytes: disk.FileSize(dbPath + "-wal")}
	if ms, err := sqlite.Migrations(); err == nil && len(ms) > 0 {
		ck.SchemaLatest = ms[len(ms)-1].Version
	}
	ck.BlobBytes, ck.BlobFiles = disk.DirSize(filepath.Join(e.dir, "blobs"))

	// Read-only checks first: they work even when the app would refuse the file.
	if ck.DBBytes < 0 {
		ck.Integrity = "no database"
	} else if schema, err := sqlite.CheckBackup(ctx, dbPath); err != nil {
		ck.Schema = schema
		ck.Integrity = err.Error()
	} else {
		ck.Schema = schema
		ck.Integrity = "ok"
	}

	var personal []string
	var status *hallclient.Status
	if ck.DBBytes >= 0 {
		st, err := e.station()
		if err != nil {
			ck.OpenError = toErrInfo(err)
		} else {
			personal, err = e.db.PersonalStrings(ctx)
			if err != nil {
				// Without the list the zip could leak a name: refuse.
				return fmt.Errorf("diagnostics: read what to mask: %w", err)
			}
			ck.SQLiteVersion, _ = e.db.SQLiteVersion(ctx)
			if rep, err := st.VerifyAudit(ctx); err != nil {
				ck.Errors = append(ck.Errors, "audit: "+err.Error())
			} else {
				ck.Audit = &rep
			}
			ck.Counts, ck.CaseStates, ck.EventStatus = e.db.Counts(ctx, &ck.Errors)
			if id, err := st.Identity(ctx); err == nil {
				ck.Station = map[string]string{"code": id.Code, "name": id.Name, "region": id.Region, "kind": id.Kind}
			}
			if s, err := hallclient.StatusOf(ctx, st); err != nil {
				ck.Errors = append(ck.Errors, "sync status: "+err.Error())
			} else {
				status = &s
			}
		}
	}

	d, err := diagnostics.New(out, scrub.New(personal))
	if err != nil {
		return domain.Errorf(domain.EInvalid, "无法写入诊断文件："+out, "diagnostics: %v", err)
	}
	write := func() error {
		if err := d.Text("README.txt", diagnostics.Readme("Yizhan station")); err != nil {
			return err
		}
		v := diagnostics.SystemVersions("station", desktop.Version)
		if err := d.JSON("versions.json", map[string]any{"station": v, "schema": ck.Schema, "schema_latest": ck.SchemaLatest, "sqlite": ck.SQLiteVersion}); err != nil {
			return err
		}
		if err := d.JSON("checks.json", ck); err != nil {
			return err
		}
		if status != nil {
			if err := d.JSON("sync-status.json", status); err != nil {
				return err
			}
		}
		return d.Logs(logfile.Dir(e.dir))
	}
	if err := write(); err != nil {
		d.Abort()
		return fmt.Errorf("diagnostics: %w", err)
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("diagnostics: %w", err)
	}
	summary := map[string]any{"file": out, "entries": d.Entries, "integrity": ck.Integrity}
	if ck.Audit != nil {
		summary["audit_ok"] = ck.Audit.OK
	}
	return e.out(summary, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s (%s)\n", out, strings.Join(d.Entries, ", "))
		fmt.Fprintf(w, "integrity: %s", ck.Integrity)
		if ck.Audit != nil {
			fmt.Fprintf(w, ", audit chain ok: %v (%d rows)", ck.Audit.OK, ck.Audit.Rows)
		}
		if ck.OpenError != nil {
			fmt.Fprintf(w, ", open: %s", ck.OpenError.Message)
		}
		fmt.Fprintf(w, "\n诊断信息已写入 %s，其中不含姓名、身份证号、手机号，可发送给技术支持。\n", out)
	})
}
