-- Hall database on PostgreSQL, schema 3: which case references which
-- attachment, and a per-station index for the attachment quota. Never edit
-- once shipped: add a new file. Mirrors hall/sqlite's 0003_blob_refs.sql.

CREATE TABLE blob_refs (
	hash    text NOT NULL,
	case_id text NOT NULL,
	PRIMARY KEY (hash, case_id)
);
INSERT INTO blob_refs (hash, case_id)
	SELECT DISTINCT b.value, c.id FROM cases c
	CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.body::jsonb->'materials') = 'array'
		THEN c.body::jsonb->'materials' ELSE '[]'::jsonb END) m
	CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(m->'blobs') = 'array'
		THEN m->'blobs' ELSE '[]'::jsonb END) b(value)
	WHERE length(b.value) = 64
	ON CONFLICT DO NOTHING;
INSERT INTO blob_refs (hash, case_id)
	SELECT c.body::jsonb->'agent'->>'attorney_blob', c.id FROM cases c
	WHERE length(c.body::jsonb->'agent'->>'attorney_blob') = 64
	ON CONFLICT DO NOTHING;

CREATE INDEX blob_owners_station ON blob_owners (station);
