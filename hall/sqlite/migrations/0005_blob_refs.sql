-- Hall database, schema 3: which case references which attachment, so that
-- attachments no case references can be collected after a grace period,
-- and a per-station sum of attachment bytes for the hall's quota. Never
-- edit once shipped: add a new file.

-- Written by PutCase from the folded case (materials' scans and the power
-- of attorney), filled here from the bodies of cases stored before. A case
-- only ever adds scans, so rows are never removed.
CREATE TABLE blob_refs (
	hash    TEXT NOT NULL,
	case_id TEXT NOT NULL,
	PRIMARY KEY (hash, case_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO blob_refs (hash, case_id)
	SELECT b.value, c.id FROM cases c, json_each(c.body, '$.materials') m, json_each(m.value, '$.blobs') b
	WHERE b.type = 'text' AND length(b.value) = 64;
INSERT OR IGNORE INTO blob_refs (hash, case_id)
	SELECT json_extract(c.body, '$.agent.attorney_blob'), c.id FROM cases c
	WHERE length(json_extract(c.body, '$.agent.attorney_blob')) = 64;

CREATE INDEX blob_owners_station ON blob_owners (station);
