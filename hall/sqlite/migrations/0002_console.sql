-- Hall database, schema 2: the hall console. Never edit once shipped: add a
-- new file.

-- Search and statistics columns of cases, written by PutCase from the folded
-- case and filled here from the bodies of cases stored before (whole seconds
-- are enough for the received time: it selects days and months).
ALTER TABLE cases ADD COLUMN item_code TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN item_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN serial TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN received_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN eval_level INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET
	item_code = coalesce(json_extract(body, '$.item_code'), ''),
	item_name = coalesce(json_extract(body, '$.item_name'), ''),
	serial = coalesce(json_extract(body, '$.serial'), ''),
	received_at = coalesce(strftime('%Y-%m-%dT%H:%M:%S', json_extract(body, '$.received_at')) || '.000000000Z', ''),
	eval_level = coalesce(json_extract(body, '$.evaluation.level'), 0);
CREATE INDEX cases_received ON cases (received_at);
CREATE INDEX cases_item ON cases (item_code, received_at);
CREATE INDEX cases_bad_review ON cases (eval_level) WHERE eval_level BETWEEN 1 AND 2;

-- Hall console accounts. Passwords are argon2id hashes; failed counts wrong
-- passwords in a row, and locked_until ends a lockout.
CREATE TABLE staff (
	login         TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('clerk', 'approver', 'supervisor', 'admin')),
	password_hash TEXT NOT NULL,
	failed        INTEGER NOT NULL DEFAULT 0,
	locked_until  TEXT NOT NULL DEFAULT '',
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	last_login    TEXT NOT NULL DEFAULT ''
);

-- Console sessions, by the SHA-256 of the cookie's token (the token itself
-- is never stored).
CREATE TABLE console_sessions (
	token_hash TEXT PRIMARY KEY,
	login      TEXT NOT NULL REFERENCES staff (login),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	last_seen  TEXT NOT NULL
);
CREATE INDEX console_sessions_login ON console_sessions (login);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- Call-backs of bad reviews (差评回访), one per rated case.
CREATE TABLE review_callbacks (
	case_id     TEXT PRIMARY KEY,
	status      TEXT NOT NULL CHECK (status IN ('fixed', 'fixed_by_deadline', 'explained', 'appealed')),
	callback    TEXT NOT NULL,
	result      TEXT NOT NULL,
	fix_by      TEXT NOT NULL DEFAULT '',
	called_at   TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

-- The console reads the access log by person and by time.
CREATE INDEX access_log_actor ON access_log (actor, at);
CREATE INDEX access_log_at ON access_log (at);
