package sqlite

import (
	"context"
)

// SQLiteVersion returns the version of the SQLite library in use.
func (db *DB) SQLiteVersion(ctx context.Context) (string, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v)
	return v, err
}

// PersonalStrings lists every name, ID number, phone number and address
// the station holds, for the support diagnostics' scrubber: a log line or
// an error message that quoted one of them is masked in the zip.
func (db *DB) PersonalStrings(ctx context.Context) ([]string, error) {
	queries := []string{
		`SELECT applicant_name, applicant_id, applicant_phone,
			coalesce(json_extract(body,'$.applicant.address'),''), coalesce(json_extract(body,'$.applicant.legal_rep'),''),
			coalesce(json_extract(body,'$.applicant.contact'),''), coalesce(json_extract(body,'$.applicant.addressee'),''),
			coalesce(json_extract(body,'$.applicant.addressee_tel'),''), coalesce(json_extract(body,'$.applicant.delivery_addr'),''),
			coalesce(json_extract(body,'$.agent.name'),''), coalesce(json_extract(body,'$.agent.id_number'),''),
			coalesce(json_extract(body,'$.agent.phone'),''), coalesce(json_extract(body,'$.delivery.address'),''),
			coalesce(json_extract(body,'$.delivery.addressee'),''), coalesce(json_extract(body,'$.delivery.signed_by'),'')
		 FROM cases`,
		`SELECT name, id_number, phone, company FROM appointments`,
		`SELECT name FROM staff`,
		`SELECT contact, comment FROM evaluations`,
	}
	var out []string
	for _, q := range queries {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		strs := make([]string, len(cols))
		for i := range vals {
			vals[i] = &strs[i]
		}
		for rows.Next() {
			if err := rows.Scan(vals...); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, strs...)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Counts returns, for the support diagnostics, table sizes (and the
// attachments not yet uploaded), cases by state and events by sync status;
// what could not be counted is appended to errs.
func (db *DB) Counts(ctx context.Context, errs *[]string) (map[string]int, map[string]int, map[string]int) {
	n := map[string]int{}
	for _, t := range []string{"cases", "events", "audit", "tickets", "appointments", "evaluations", "rectifications", "blobs", "staff", "catalog_items", "calendar_years"} {
		var c int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&c); err != nil {
			*errs = append(*errs, t+": "+err.Error())
			continue
		}
		n[t] = c
	}
	var c int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM blobs WHERE uploaded=0`).Scan(&c); err == nil {
		n["blobs_not_uploaded"] = c
	}
	group := func(q string) map[string]int {
		m := map[string]int{}
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			*errs = append(*errs, err.Error())
			return m
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var v int
			if rows.Scan(&k, &v) == nil {
				m[k] = v
			}
		}
		return m
	}
	return n, group(`SELECT state, count(*) FROM cases GROUP BY state`), group(`SELECT status, count(*) FROM events GROUP BY status`)
}
