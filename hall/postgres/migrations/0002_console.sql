-- Hall database on PostgreSQL, schema 2: the hall console. Never edit once
-- shipped: add a new file. Mirrors hall/sqlite's 0002_console.sql.

-- Search and statistics columns of cases, written by PutCase from the folded
-- case and filled here from the bodies of cases stored before.
ALTER TABLE cases ADD COLUMN item_code text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN item_name text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN serial text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN received_at timestamptz;
ALTER TABLE cases ADD COLUMN eval_level integer NOT NULL DEFAULT 0;
UPDATE cases SET
	item_code = coalesce(body::jsonb->>'item_code', ''),
	item_name = coalesce(body::jsonb->>'item_name', ''),
	serial = coalesce(body::jsonb->>'serial', ''),
	received_at = (body::jsonb->>'received_at')::timestamptz,
	eval_level = coalesce((body::jsonb->'evaluation'->>'level')::integer, 0);
CREATE INDEX cases_received ON cases (received_at);
CREATE INDEX cases_item ON cases (item_code, received_at);
CREATE INDEX cases_bad_review ON cases (eval_level) WHERE eval_level BETWEEN 1 AND 2;

-- Hall console accounts. Passwords are argon2id hashes; failed counts wrong
-- passwords in a row, and locked_until ends a lockout.
CREATE TABLE staff (
	login         text COLLATE "C" PRIMARY KEY,
	name          text NOT NULL,
	role          text NOT NULL CHECK (role IN ('clerk', 'approver', 'supervisor', 'admin')),
	password_hash text NOT NULL,
	failed        integer NOT NULL DEFAULT 0,
	locked_until  timestamptz,
	disabled      boolean NOT NULL DEFAULT false,
	created_at    timestamptz NOT NULL,
	last_login    timestamptz
);

-- Console sessions, by the SHA-256 of the cookie's token (the token itself
-- is never stored).
CREATE TABLE console_sessions (
	token_hash text PRIMARY KEY,
	login      text COLLATE "C" NOT NULL REFERENCES staff (login),
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL,
	last_seen  timestamptz NOT NULL
);
CREATE INDEX console_sessions_login ON console_sessions (login);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- Call-backs of bad reviews (差评回访), one per rated case.
CREATE TABLE review_callbacks (
	case_id     text PRIMARY KEY,
	status      text NOT NULL CHECK (status IN ('fixed', 'fixed_by_deadline', 'explained', 'appealed')),
	callback    text NOT NULL,
	result      text NOT NULL,
	fix_by      text NOT NULL DEFAULT '',
	called_at   timestamptz NOT NULL,
	recorded_by text NOT NULL,
	updated_at  timestamptz NOT NULL
);

-- The console reads the access log by person and by time.
CREATE INDEX access_log_actor ON access_log (actor, at);
CREATE INDEX access_log_at ON access_log (at);
