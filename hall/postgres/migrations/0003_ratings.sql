-- Hall database, schema 3: a rating is a record of its own, never a step of
-- the case (issue 18). Never edit once shipped: add a new file.
--
-- Before this version an evaluate event moved a concluded or delivered case
-- to "evaluated", where no step was left: a rating given before the delivery
-- was recorded made the station's later delivery a conflict. The evaluate
-- event stays in the log (the rating is kept); the case goes back to the
-- state it was rated in, which is what its log now folds to
-- (domain.Case.Apply), so a rebuild from the log agrees.
UPDATE cases SET
	state = coalesce((SELECT l.event::jsonb ->> 'from' FROM log l
		WHERE l.case_id = cases.id AND l.kind = 'evaluate' AND l.status = 'accepted'
			AND l.event::jsonb ->> 'from' IN ('concluded', 'delivered')
		ORDER BY l.seq LIMIT 1), 'concluded')
WHERE state = 'evaluated';
UPDATE cases SET body = jsonb_set(body::jsonb, '{state}', to_jsonb(state))::text
WHERE body::jsonb ->> 'state' = 'evaluated';
