-- Hall database on PostgreSQL, schema 1. Never edit once shipped: add a new
-- file. The tables mirror hall/sqlite's; what differs, and why, is said
-- beside it. Times are timestamptz (NULL for "never"); event, case and
-- published bodies are text, kept byte for byte as they travel (jsonb would
-- reorder keys inside event payloads).

-- The station registry. Secrets are stored only as SHA-256 hashes. rev
-- counts writes of the row: UpdateStation writes only if the row still has
-- the rev the transaction read, so two hall processes cannot lose each
-- other's update (two enrolments with one code, two syncs of one station).
CREATE TABLE stations (
	code          text COLLATE "C" PRIMARY KEY, -- byte order, as SQLite and Go's sort order codes
	name          text NOT NULL,
	region        text NOT NULL DEFAULT '',
	enrol_hash    text UNIQUE,             -- one-time enrolment code; NULL once used
	enrol_expires timestamptz,
	token_hash    text NOT NULL DEFAULT '',
	sign_key      text NOT NULL DEFAULT '',
	age_key       text NOT NULL DEFAULT '',
	app_version   text NOT NULL DEFAULT '',
	created_at    timestamptz NOT NULL,
	enrolled_at   timestamptz,
	revoked_at    timestamptz,
	last_seen     timestamptz,
	cursor        bigint NOT NULL DEFAULT 0,
	audit_seq     bigint NOT NULL DEFAULT 0,
	audit_hash    text NOT NULL DEFAULT '',
	tampered_at   timestamptz,
	tamper_note   text NOT NULL DEFAULT '',
	rev           bigint NOT NULL DEFAULT 0
);

-- The per-station delivery counter, one row per station, apart from the
-- registry row: Enqueue locks counter rows in station code order, while a
-- sync writes its own registry row at its end; kept in one row, the two
-- would lock in different orders and deadlock (see Enqueue in delivery.go).
CREATE TABLE station_queues (
	station   text COLLATE "C" PRIMARY KEY REFERENCES stations (code),
	last_dseq bigint NOT NULL DEFAULT 0
);

-- The global append-only event log. seq comes from an identity sequence: it
-- orders the events of one case (appends to a case hold the case's lock, so
-- they take seqs in commit order), but across cases a later seq may commit
-- first and a rolled-back append leaves a gap. Nothing reads the log by seq
-- range across cases; stations page by their own dseq.
CREATE TABLE log (
	seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	event_id    text NOT NULL UNIQUE,
	case_id     text NOT NULL,
	station     text NOT NULL, -- authenticated sender, or 'hall'
	office      text NOT NULL, -- the event's office (equals station once authorised)
	kind        text NOT NULL,
	hlc         text COLLATE "C" NOT NULL, -- stamps sort as bytes, as in SQLite
	status      text NOT NULL CHECK (status IN ('accepted', 'conflict')),
	code        text NOT NULL DEFAULT '',
	reason      text NOT NULL DEFAULT '',
	zh          text NOT NULL DEFAULT '',
	event       text NOT NULL, -- the event as JSON, exactly as it travels
	received_at timestamptz NOT NULL
);
CREATE INDEX log_case ON log (case_id, seq);
CREATE INDEX log_office_hlc ON log (office, hlc);
CREATE INDEX log_station_conflicts ON log (station) WHERE status = 'conflict';

-- Pushed events the hall refused: not in the log, kept so a repeated push
-- gets the same answer.
CREATE TABLE rejections (
	event_id    text PRIMARY KEY,
	case_id     text NOT NULL,
	station     text NOT NULL,
	code        text NOT NULL,
	reason      text NOT NULL,
	zh          text NOT NULL,
	received_at timestamptz NOT NULL
);

-- The hall's folded state of every case (rebuildable from the log).
CREATE TABLE cases (
	id         text PRIMARY KEY,
	number     text NOT NULL,
	station    text NOT NULL,
	holder     text NOT NULL,
	state      text NOT NULL,
	updated_at timestamptz,
	last_seq   bigint NOT NULL REFERENCES log (seq),
	body       text NOT NULL
);
CREATE INDEX cases_state ON cases (state, last_seq);
CREATE INDEX cases_station ON cases (station, last_seq);
CREATE INDEX cases_holder ON cases (holder, last_seq);
CREATE INDEX cases_last_seq ON cases (last_seq);

-- Which stations a case is delivered to: its origin and every station it was
-- ever routed to. Rows are never removed.
CREATE TABLE case_scope (
	case_id   text NOT NULL,
	station   text COLLATE "C" NOT NULL,
	since_seq bigint NOT NULL,
	PRIMARY KEY (case_id, station)
);

-- Published catalog item versions and calendar years; the newest row of a key
-- is current.
CREATE TABLE published (
	seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	key          text NOT NULL,
	kind         text NOT NULL CHECK (kind IN ('item', 'calendar')),
	catalog      text NOT NULL DEFAULT '',
	body         text NOT NULL,
	published_at timestamptz NOT NULL
);
CREATE INDEX published_key ON published (key, seq);

-- Per-station delivery queues. dseq comes from station_queues.last_dseq,
-- taken under that row's lock, so one station's dseqs commit in order (see
-- hall.Tx.Enqueue).
CREATE TABLE deliveries (
	station text COLLATE "C" NOT NULL REFERENCES stations (code),
	dseq    bigint NOT NULL,
	log_seq bigint REFERENCES log (seq),
	pub_seq bigint REFERENCES published (seq),
	PRIMARY KEY (station, dseq),
	CHECK ((log_seq IS NULL) <> (pub_seq IS NULL))
);

-- Which station uploaded (and so may reference) which attachment.
CREATE TABLE blob_owners (
	hash        text NOT NULL,
	station     text COLLATE "C" NOT NULL REFERENCES stations (code),
	size        bigint NOT NULL,
	uploaded_at timestamptz NOT NULL,
	PRIMARY KEY (hash, station)
);

-- Who looked at or changed what at the hall, and why.
CREATE TABLE access_log (
	id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at      timestamptz NOT NULL,
	actor   text NOT NULL,
	action  text NOT NULL,
	case_id text NOT NULL DEFAULT '',
	detail  text NOT NULL DEFAULT ''
);
CREATE INDEX access_log_case ON access_log (case_id, at);
