-- Station database, schema 3: the dashboard's figures without reading every
-- case (docs/performance.md: 1.8 s at 1,000,000 cases). Never edit once
-- shipped: add a new file.

-- Handling time reads this month's conclusions from the index alone, both
-- times in it, instead of each case row.
DROP INDEX cases_concluded;
CREATE INDEX cases_concluded_accepted ON cases (concluded_at, accepted_at) WHERE concluded_at <> '';

-- Tallies of cases, kept by the station's one writer of cases (putCase,
-- app/cases.go) in the same transaction as every write to cases (the
-- counter, a pull, a refold, a calendar change), so they always equal a
-- count of cases. A tally that reaches zero is deleted: each table holds
-- exactly what the GROUP BY of its key over cases gives. (Triggers would do
-- the same but turn every case write into a statement with a statement
-- journal: 30% more CPU per pulled event.)

-- Cases by state and promised due date: open, overdue, due soon and by
-- state are sums over a few thousand rows instead of 550,000 index entries.
CREATE TABLE case_tally_state (
	state    TEXT NOT NULL,
	due_date TEXT NOT NULL,
	n        INTEGER NOT NULL,
	PRIMARY KEY (state, due_date)
) WITHOUT ROWID;

-- Cases by the UTC hour they were received (the first 13 characters of
-- received_at, "2006-01-02T15"), channel and item: the month's channels,
-- top items and the 30-day series. China's days start at a UTC hour, so
-- "received_at >= a China midnight" is exactly "hour >= its first 13
-- characters".
CREATE TABLE case_tally_hour (
	hour      TEXT NOT NULL,
	channel   TEXT NOT NULL,
	item_name TEXT NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (hour, channel, item_name)
) WITHOUT ROWID;

INSERT INTO case_tally_state (state, due_date, n)
	SELECT state, due_date, count(*) FROM cases GROUP BY state, due_date;
INSERT INTO case_tally_hour (hour, channel, item_name, n)
	SELECT substr(received_at, 1, 13), channel, item_name, count(*) FROM cases GROUP BY 1, 2, 3;
