-- Station database, schema 4: a rating is a record of its own, never a step
-- of the case (issue 18). Never edit once shipped: add a new file.
--
-- Before this version a rating of a concluded or delivered case moved it to
-- "evaluated", where no step was left: a citizen who rated on the pad before
-- the clerk recorded the delivery left a case whose delivery could never be
-- recorded. The evaluate event stays in the history (the rating is kept);
-- the case goes back to the state it was rated in, which is the state the
-- events now fold to (domain.Case.Apply), so a later refold agrees.

-- Each rating remembers the state the case was in and the event that carried
-- it to the hall (empty while it stays at the station): the later step that
-- sends every rating to the hall (issue 14) sends those without one.
ALTER TABLE evaluations ADD COLUMN case_state TEXT NOT NULL DEFAULT '';
ALTER TABLE evaluations ADD COLUMN event_id TEXT NOT NULL DEFAULT '';
-- Before, only a rating of a concluded or delivered case made an event, one
-- per case, recorded just before its row: pair each event with the case's
-- first rating made in the same second or after.
UPDATE evaluations SET event_id = m.event_id, case_state = m.from_state
FROM (SELECT e.id AS event_id, e.from_state AS from_state,
		(SELECT v.id FROM evaluations v WHERE v.case_id = e.case_id AND v.created_at >= substr(e.at, 1, 19)
			ORDER BY v.created_at LIMIT 1) AS eval_id
	FROM events e WHERE e.kind = 'evaluate') AS m
WHERE evaluations.id = m.eval_id;
CREATE INDEX evaluations_case ON evaluations (case_id, created_at) WHERE case_id <> '';
CREATE INDEX evaluations_ticket ON evaluations (ticket_id) WHERE ticket_id <> '';

-- The state a stuck case was rated in: the from of its first evaluate event
-- the hall accepted or that is still pending (concluded or delivered; the
-- old state machine allowed no other), concluded when none says.
CREATE TEMP TABLE unstick AS
	SELECT c.id AS id, coalesce((SELECT e.from_state FROM events e
		WHERE e.case_id = c.id AND e.kind = 'evaluate' AND e.status IN ('accepted', 'pending')
			AND e.from_state IN ('concluded', 'delivered')
		ORDER BY e.hall_seq IS NULL, e.hall_seq, e.local_seq LIMIT 1), 'concluded') AS state
	FROM cases c WHERE c.state = 'evaluated';

-- The dashboard's tallies (schema 3) follow the cases they count.
INSERT INTO case_tally_state (state, due_date, n)
	SELECT u.state, c.due_date, count(*) FROM unstick u JOIN cases c ON c.id = u.id WHERE 1 GROUP BY u.state, c.due_date
	ON CONFLICT (state, due_date) DO UPDATE SET n = n + excluded.n;
DELETE FROM case_tally_state WHERE state = 'evaluated';

UPDATE cases SET
	state = (SELECT u.state FROM unstick u WHERE u.id = cases.id),
	body = json_set(body, '$.state', (SELECT u.state FROM unstick u WHERE u.id = cases.id))
WHERE id IN (SELECT id FROM unstick);

DROP TABLE unstick;
