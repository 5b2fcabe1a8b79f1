-- Every request the API accepts must be storable. The largest debt-to-income a valid request can have is
-- (10 000 000 monthly debt + about 171 000 installment) / (0.01 annual income / 12), about 1.2e10: a real,
-- declinable application, which numeric(8, 4) (at most 9999.9999) could not store.
ALTER TABLE credit_application ALTER COLUMN debt_to_income TYPE numeric(16, 4);

-- The listing's order comes from the database, never from each instance's clock: created_at is the database's
-- time, and seq (assigned by the database at insert) orders the listing and anchors its keyset cursor.
ALTER TABLE credit_application ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE credit_application ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE credit_application ADD CONSTRAINT uk_credit_application_seq UNIQUE (seq);

DROP INDEX ix_credit_application_created;
DROP INDEX ix_credit_application_decision_created;
CREATE INDEX ix_credit_application_decision_seq ON credit_application (decision, seq DESC);
