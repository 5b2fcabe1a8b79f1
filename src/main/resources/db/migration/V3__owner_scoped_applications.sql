-- Every application belongs to the applicant who submitted it: the subject of their access token. Rows stored before
-- access control have no owner and are visible to officers only.
ALTER TABLE credit_application ADD COLUMN owner varchar(255);

-- An Idempotency-Key is the client's, so it is unique per owner: the same key from two applicants makes two
-- applications and never replays the other's.
ALTER TABLE credit_application DROP CONSTRAINT uk_credit_application_idempotency_key;
ALTER TABLE credit_application ADD CONSTRAINT uk_credit_application_owner_idempotency_key
    UNIQUE (owner, idempotency_key);

-- Serves an applicant's own listing, newest first.
CREATE INDEX ix_credit_application_owner_seq ON credit_application (owner, seq DESC);
