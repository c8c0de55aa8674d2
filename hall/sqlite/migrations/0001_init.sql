-- Hall database, schema 1. Never edit once shipped: add a new file.

-- The station registry. Secrets are stored only as SHA-256 hashes.
CREATE TABLE stations (
	code          TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	region        TEXT NOT NULL DEFAULT '',
	enrol_hash    TEXT UNIQUE,             -- one-time enrolment code; NULL once used
	enrol_expires TEXT NOT NULL DEFAULT '',
	token_hash    TEXT NOT NULL DEFAULT '',
	sign_key      TEXT NOT NULL DEFAULT '',
	age_key       TEXT NOT NULL DEFAULT '',
	app_version   TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	enrolled_at   TEXT NOT NULL DEFAULT '',
	revoked_at    TEXT NOT NULL DEFAULT '',
	last_seen     TEXT NOT NULL DEFAULT '',
	cursor        INTEGER NOT NULL DEFAULT 0,
	last_dseq     INTEGER NOT NULL DEFAULT 0, -- the per-station delivery counter
	audit_seq     INTEGER NOT NULL DEFAULT 0,
	audit_hash    TEXT NOT NULL DEFAULT '',
	tampered_at   TEXT NOT NULL DEFAULT '',
	tamper_note   TEXT NOT NULL DEFAULT ''
);

-- The global append-only event log. seq is the hall's order of events, the
-- only order that counts for case state. AUTOINCREMENT: a seq is never reused.
CREATE TABLE log (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id    TEXT NOT NULL UNIQUE,
	case_id     TEXT NOT NULL,
	station     TEXT NOT NULL, -- authenticated sender, or 'hall'
	office      TEXT NOT NULL, -- the event's office (equals station once authorised)
	kind        TEXT NOT NULL,
	hlc         TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('accepted', 'conflict')),
	code        TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	zh          TEXT NOT NULL DEFAULT '',
	event       TEXT NOT NULL, -- the event as JSON, exactly as it travels
	received_at TEXT NOT NULL
);
CREATE INDEX log_case ON log (case_id, seq);
CREATE INDEX log_office_hlc ON log (office, hlc);
CREATE INDEX log_station_conflicts ON log (station) WHERE status = 'conflict';

-- Pushed events the hall refused: not in the log, kept so a repeated push
-- gets the same answer.
CREATE TABLE rejections (
	event_id    TEXT PRIMARY KEY,
	case_id     TEXT NOT NULL,
	station     TEXT NOT NULL,
	code        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	zh          TEXT NOT NULL,
	received_at TEXT NOT NULL
);

-- The hall's folded state of every case (rebuildable from the log).
CREATE TABLE cases (
	id         TEXT PRIMARY KEY,
	number     TEXT NOT NULL,
	station    TEXT NOT NULL,
	holder     TEXT NOT NULL,
	state      TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	last_seq   INTEGER NOT NULL REFERENCES log (seq),
	body       TEXT NOT NULL
);
CREATE INDEX cases_state ON cases (state, last_seq);
CREATE INDEX cases_station ON cases (station, last_seq);
CREATE INDEX cases_holder ON cases (holder, last_seq);
CREATE INDEX cases_last_seq ON cases (last_seq);

-- Which stations a case is delivered to: its origin and every station it was
-- ever routed to. Rows are never removed.
CREATE TABLE case_scope (
	case_id   TEXT NOT NULL,
	station   TEXT NOT NULL,
	since_seq INTEGER NOT NULL,
	PRIMARY KEY (case_id, station)
) WITHOUT ROWID;

-- Published catalog item versions and calendar years; the newest row of a key
-- is current.
CREATE TABLE published (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	key          TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('item', 'calendar')),
	catalog      TEXT NOT NULL DEFAULT '',
	body         TEXT NOT NULL,
	published_at TEXT NOT NULL
);
CREATE INDEX published_key ON published (key, seq);

-- Per-station delivery queues. dseq comes from stations.last_dseq, taken
-- under the write lock, so it commits in order (see hall.Tx.Enqueue).
CREATE TABLE deliveries (
	station TEXT NOT NULL REFERENCES stations (code),
	dseq    INTEGER NOT NULL,
	log_seq INTEGER REFERENCES log (seq),
	pub_seq INTEGER REFERENCES published (seq),
	PRIMARY KEY (station, dseq),
	CHECK ((log_seq IS NULL) <> (pub_seq IS NULL))
) WITHOUT ROWID;

-- Which station uploaded (and so may reference) which attachment.
CREATE TABLE blob_owners (
	hash        TEXT NOT NULL,
	station     TEXT NOT NULL REFERENCES stations (code),
	size        INTEGER NOT NULL,
	uploaded_at TEXT NOT NULL,
	PRIMARY KEY (hash, station)
) WITHOUT ROWID;

-- Who looked at or changed what at the hall, and why.
CREATE TABLE access_log (
	id      INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	case_id TEXT NOT NULL DEFAULT '',
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX access_log_case ON access_log (case_id, at);
