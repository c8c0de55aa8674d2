-- Hall database on PostgreSQL, schema 4: who may do what, and what a station
-- cannot hide. Never edit once shipped: add a new file. Mirrors hall/sqlite's
-- 0004_authority.sql.

ALTER TABLE stations ADD COLUMN kind text NOT NULL DEFAULT 'township'
	CHECK (kind IN ('village', 'township', 'postal', 'helper'));
ALTER TABLE stations ADD COLUMN office_sends integer NOT NULL DEFAULT 3;
ALTER TABLE stations ADD COLUMN audit_verified_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE stations ADD COLUMN audit_verified_hash text NOT NULL DEFAULT '';
ALTER TABLE stations ADD COLUMN audit_named text NOT NULL DEFAULT '[]';
ALTER TABLE stations ADD COLUMN audit_proven boolean NOT NULL DEFAULT false;
ALTER TABLE stations ADD COLUMN audit_misses integer NOT NULL DEFAULT 0;

CREATE INDEX cases_number ON cases (number);

CREATE TABLE quarantine (
	station     text NOT NULL REFERENCES stations (code),
	event_id    text NOT NULL,
	case_id     text NOT NULL,
	log_seq     bigint NOT NULL DEFAULT 0,
	code        text NOT NULL,
	reason      text NOT NULL,
	reported_at timestamptz NOT NULL,
	PRIMARY KEY (station, event_id)
);
