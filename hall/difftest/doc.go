// Package difftest holds the hall's differential test: one seeded random
// sequence of operations (enrolments, pushes with duplicates and conflicts,
// routing, hall approvals, publication, pulls) runs against a hall on
// SQLite and a hall on PostgreSQL in lockstep, and every answer, every
// delivered page and the final case states must be the same. It has only
// tests; this file exists to name the package.
package difftest
