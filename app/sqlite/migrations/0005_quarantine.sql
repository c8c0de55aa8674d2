-- Station database, schema 5: events of pull pages set aside. Never edit once
-- shipped: add a new file.

-- An event the hall delivered that this station could not apply (out of
-- bounds, or a case it cannot store beside one it holds) is kept here, as it
-- came, instead of failing the page: the rest of the page applies, and the
-- station reports it to the hall (reported_at) and lists it as a conflict.
CREATE TABLE quarantine (
	event_id    TEXT PRIMARY KEY,
	case_id     TEXT NOT NULL,
	hall_seq    INTEGER NOT NULL DEFAULT 0,
	kind        TEXT NOT NULL,
	office      TEXT NOT NULL,
	event       TEXT NOT NULL,
	code        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	zh          TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	reported_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX quarantine_case ON quarantine (case_id);
CREATE INDEX quarantine_unreported ON quarantine (created_at) WHERE reported_at = '';
