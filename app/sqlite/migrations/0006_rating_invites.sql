-- Station database, schema 6: rating invitations (issue 18, 一次一评). Never
-- edit once shipped: add a new file.
--
-- After a visit the clerk's screen offers the rating; the citizen gives it on
-- a separate rating pad or the kiosk screen of that window, never on the
-- clerk's own screen. An invitation ties the rating to the window, the
-- ticket, the case and the clerk who served. The pad may run in another
-- process (a browser against `station serve-ui`), so invitations live here.
CREATE TABLE rating_invites (
	id         TEXT PRIMARY KEY,             -- UUIDv7: the pad's proof that it was invited
	window     TEXT NOT NULL,
	ticket_id  TEXT NOT NULL DEFAULT '',
	case_id    TEXT NOT NULL DEFAULT '',
	staff_id   TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	rating_id  TEXT NOT NULL DEFAULT ''      -- set when the citizen rated
);
CREATE INDEX rating_invites_window ON rating_invites (window, created_at);
