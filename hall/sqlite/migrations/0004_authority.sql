-- Hall database, schema 4: who may do what, and what a station cannot hide.
-- Never edit once shipped: add a new file.

-- Each station's kind decides, with the catalog, which steps it may take.
-- Stations registered before kinds existed are township centres: they may do
-- what every station could do before.
ALTER TABLE stations ADD COLUMN kind TEXT NOT NULL DEFAULT 'township'
	CHECK (kind IN ('village', 'township', 'postal', 'helper'));
-- How many more sync answers carry the station's kind and region to it
-- (set when they change; a new station learns them at enrolment).
ALTER TABLE stations ADD COLUMN office_sends INTEGER NOT NULL DEFAULT 3;
-- The last audit head the station proved its chain extends, the heads
-- recorded since (JSON [{"seq","hash"}]), whether it ever proved one, and how
-- many requests in a row proved nothing new.
ALTER TABLE stations ADD COLUMN audit_verified_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stations ADD COLUMN audit_verified_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE stations ADD COLUMN audit_named TEXT NOT NULL DEFAULT '[]';
ALTER TABLE stations ADD COLUMN audit_proven INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stations ADD COLUMN audit_misses INTEGER NOT NULL DEFAULT 0;

-- Case numbers carry the station's code and are unique per station: the
-- push checks a new number against this index.
CREATE INDEX cases_number ON cases (number);

-- Events a station could not apply from its pull pages (quarantined there,
-- the rest of the page applied), as the station reported them.
CREATE TABLE quarantine (
	station     TEXT NOT NULL REFERENCES stations (code),
	event_id    TEXT NOT NULL,
	case_id     TEXT NOT NULL,
	log_seq     INTEGER NOT NULL DEFAULT 0,
	code        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	reported_at TEXT NOT NULL,
	PRIMARY KEY (station, event_id)
) WITHOUT ROWID;
