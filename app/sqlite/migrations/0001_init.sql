-- Station database, schema 1. Never edit once shipped: add a new file.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE catalog_items (
	code        TEXT NOT NULL,
	version     INTEGER NOT NULL,
	basic_code  TEXT NOT NULL,
	name        TEXT NOT NULL,
	handling    TEXT NOT NULL,
	kind        TEXT NOT NULL,
	status      TEXT NOT NULL,
	handled_at  TEXT NOT NULL,
	initials    TEXT NOT NULL, -- pinyin initials for search
	body        TEXT NOT NULL, -- the item as JSON: immutable per version
	catalog     TEXT NOT NULL, -- catalog version it came with
	imported_at TEXT NOT NULL,
	PRIMARY KEY (code, version)
);

CREATE TABLE staff (
	id            TEXT PRIMARY KEY,
	login         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	failed        INTEGER NOT NULL DEFAULT 0,
	locked_until  TEXT NOT NULL DEFAULT '',
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL
);

CREATE TABLE cases (
	id              TEXT PRIMARY KEY,
	number          TEXT NOT NULL UNIQUE,
	station         TEXT NOT NULL,
	holder          TEXT NOT NULL,
	item_code       TEXT NOT NULL,
	item_version    INTEGER NOT NULL,
	item_name       TEXT NOT NULL,
	state           TEXT NOT NULL,
	result          TEXT NOT NULL DEFAULT '',
	channel         TEXT NOT NULL,
	applicant_name  TEXT NOT NULL,
	applicant_id    TEXT NOT NULL,
	applicant_idrev TEXT NOT NULL, -- reversed ID number: suffix search on an index
	applicant_phone TEXT NOT NULL,
	received_at     TEXT NOT NULL,
	accepted_at     TEXT NOT NULL DEFAULT '',
	concluded_at    TEXT NOT NULL DEFAULT '',
	due_date        TEXT NOT NULL DEFAULT '', -- promised limit
	legal_due_date  TEXT NOT NULL DEFAULT '',
	provisional     INTEGER NOT NULL DEFAULT 0,
	paused          INTEGER NOT NULL DEFAULT 0,
	updated_at      TEXT NOT NULL,
	body            TEXT NOT NULL -- domain.Case as JSON, folded from events
);
CREATE INDEX cases_state ON cases (state, received_at);
CREATE INDEX cases_received ON cases (received_at);
CREATE INDEX cases_due ON cases (due_date) WHERE due_date <> '';
CREATE INDEX cases_item ON cases (item_code, received_at);
CREATE INDEX cases_idno ON cases (applicant_id);
CREATE INDEX cases_idrev ON cases (applicant_idrev);
CREATE INDEX cases_phone ON cases (applicant_phone);

-- Characters and character pairs of applicant names: a two-character name is
-- found by one index lookup, not a scan of every case.
CREATE TABLE case_name_grams (
	gram    TEXT NOT NULL,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	PRIMARY KEY (gram, case_id)
) WITHOUT ROWID;
CREATE INDEX case_name_grams_case ON case_name_grams (case_id);

-- Every change to every case, made here or pulled from the hall. local_seq is
-- the order this station learned of it; hall_seq the hall's log position once
-- the hall has accepted it (NULL while pending).
CREATE TABLE events (
	local_seq  INTEGER PRIMARY KEY AUTOINCREMENT,
	id         TEXT NOT NULL UNIQUE,
	case_id    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	from_state TEXT NOT NULL DEFAULT '',
	payload    BLOB,
	actor      TEXT NOT NULL,
	actor_name TEXT NOT NULL DEFAULT '',
	office     TEXT NOT NULL,
	hlc        TEXT NOT NULL,
	at         TEXT NOT NULL,
	hall_seq   INTEGER UNIQUE,
	status     TEXT NOT NULL DEFAULT 'pending', -- pending, accepted, conflict, rejected
	reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_case ON events (case_id, local_seq);
CREATE INDEX events_pending ON events (status, local_seq) WHERE status = 'pending';

CREATE TABLE conflicts (
	event_id    TEXT PRIMARY KEY,
	case_id     TEXT NOT NULL,
	kind        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	zh          TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	resolved_at TEXT NOT NULL DEFAULT '',
	resolved_by TEXT NOT NULL DEFAULT '',
	resolution  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);

CREATE TABLE tickets (
	id          TEXT PRIMARY KEY,
	number      TEXT NOT NULL,
	day         TEXT NOT NULL,
	item_code   TEXT NOT NULL DEFAULT '',
	window      TEXT NOT NULL DEFAULT '',
	staff_id    TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL, -- waiting, serving, done, transferred, absent
	issued_at   TEXT NOT NULL,
	called_at   TEXT NOT NULL DEFAULT '',
	started_at  TEXT NOT NULL DEFAULT '',
	ended_at    TEXT NOT NULL DEFAULT '',
	transfers   TEXT NOT NULL DEFAULT '[]',
	case_id     TEXT NOT NULL DEFAULT '',
	appointment TEXT NOT NULL DEFAULT '',
	UNIQUE (day, number)
);
CREATE INDEX tickets_day ON tickets (day, status);

CREATE TABLE appointments (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	id_number  TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL,
	company    TEXT NOT NULL DEFAULT '',
	uscc       TEXT NOT NULL DEFAULT '',
	item_code  TEXT NOT NULL,
	day        TEXT NOT NULL,
	slot       TEXT NOT NULL,
	status     TEXT NOT NULL, -- pending, served, cancelled, no_show
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX appointments_day ON appointments (day, slot);

-- Counter visit ratings. No ID numbers here, by rule.
CREATE TABLE evaluations (
	id         TEXT PRIMARY KEY,
	case_id    TEXT NOT NULL DEFAULT '',
	ticket_id  TEXT NOT NULL DEFAULT '',
	staff_id   TEXT NOT NULL DEFAULT '',
	level      INTEGER NOT NULL,
	efficiency INTEGER NOT NULL DEFAULT 0,
	service    INTEGER NOT NULL DEFAULT 0,
	attitude   INTEGER NOT NULL DEFAULT 0,
	comment    TEXT NOT NULL DEFAULT '',
	source     TEXT NOT NULL,
	real_name  INTEGER NOT NULL DEFAULT 0,
	contact    TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE INDEX evaluations_created ON evaluations (created_at);

CREATE TABLE rectifications (
	id            TEXT PRIMARY KEY,
	evaluation_id TEXT NOT NULL UNIQUE REFERENCES evaluations (id),
	responsible   TEXT NOT NULL,
	due_date      TEXT NOT NULL,
	status        TEXT NOT NULL, -- open, fixed, fixed_by_deadline, explained, appealed
	callback      TEXT NOT NULL DEFAULT '',
	result        TEXT NOT NULL DEFAULT '',
	closed_at     TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL
);

CREATE TABLE extended_sessions (
	id         TEXT PRIMARY KEY,
	day        TEXT NOT NULL,
	kind       TEXT NOT NULL, -- lunch, evening, weekend, appointment
	start_time TEXT NOT NULL,
	end_time   TEXT NOT NULL,
	staff      TEXT NOT NULL,
	served     INTEGER NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE blobs (
	sha256     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	mime       TEXT NOT NULL,
	name       TEXT NOT NULL,
	uploaded   INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);

CREATE TABLE calendar_years (
	year INTEGER PRIMARY KEY,
	spec TEXT NOT NULL
);

-- Append-only, hash-chained: each row's hash covers the previous row's hash,
-- so editing or deleting any row breaks every hash after it.
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	office    TEXT NOT NULL,
	action    TEXT NOT NULL,
	target    TEXT NOT NULL,
	fields    TEXT NOT NULL DEFAULT '',
	purpose   TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
