-- Station database, schema 2: indexes the benchmarks at 1,000,000 cases asked
-- for (docs/performance.md). Never edit once shipped: add a new file.

-- Restoring the clock at start reads the newest stamp of this office.
CREATE INDEX events_office_hlc ON events (office, hlc);
-- The dashboard's handling time reads this month's conclusions.
CREATE INDEX cases_concluded ON cases (concluded_at) WHERE concluded_at <> '';
-- Overdue and due-soon counts read open cases by state and due date.
CREATE INDEX cases_state_due ON cases (state, due_date);
