-- Hall database, schema 6: the console finds a case by its applicant's
-- exact name or ID number, for a telephone enquiry (issue 18). Never edit
-- once shipped: add a new file.
ALTER TABLE cases ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN applicant_id TEXT NOT NULL DEFAULT '';
UPDATE cases SET
	applicant_name = trim(coalesce(json_extract(body, '$.applicant.name'), '')),
	applicant_id = upper(trim(coalesce(json_extract(body, '$.applicant.id_number'), '')));
CREATE INDEX cases_applicant_name ON cases (applicant_name) WHERE applicant_name <> '';
CREATE INDEX cases_applicant_id ON cases (applicant_id) WHERE applicant_id <> '';
