-- The listing's order is the inserting transaction's id (xid8, which PostgreSQL hands out in the order transactions
-- first write and never reuses, a failover included), then seq; a listing shows only rows below the oldest write
-- still in flight (pg_snapshot_xmin(pg_current_snapshot())). A row committed late has an id at or above that horizon
-- until it commits, so it can never appear below a cursor that has passed its position: no insert takes a lock for
-- it (every insert used to queue on one advisory lock, issue 35), and a bare INSERT by any client is covered too.
-- Rows stored before this migration are all below any horizon: 0, in seq order.
ALTER TABLE credit_application ADD COLUMN xact xid8 NOT NULL DEFAULT '0';
ALTER TABLE credit_application ALTER COLUMN xact SET DEFAULT pg_current_xact_id();

DROP INDEX ix_credit_application_decision_seq;
DROP INDEX ix_credit_application_owner_seq;
CREATE INDEX ix_credit_application_xact ON credit_application (xact DESC, seq DESC);
CREATE INDEX ix_credit_application_decision_xact ON credit_application (decision, xact DESC, seq DESC);
CREATE INDEX ix_credit_application_owner_xact ON credit_application (owner, xact DESC, seq DESC);
