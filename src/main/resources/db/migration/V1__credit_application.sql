-- Credit applications with the decision taken when they were submitted.
CREATE TABLE credit_application (
    id                  uuid            PRIMARY KEY,
    idempotency_key     varchar(255),
    request_hash        varchar(64)     NOT NULL,
    applicant_name      varchar(200)    NOT NULL,
    email               varchar(254)    NOT NULL,
    amount              numeric(12, 2)  NOT NULL CHECK (amount > 0),
    term_months         integer         NOT NULL CHECK (term_months > 0),
    annual_income       numeric(14, 2)  NOT NULL CHECK (annual_income > 0),
    monthly_debt        numeric(12, 2)  NOT NULL CHECK (monthly_debt >= 0),
    decision            varchar(16)     NOT NULL CHECK (decision IN ('APPROVED', 'REFERRED', 'DECLINED')),
    score               integer         NOT NULL,
    reasons             text[]          NOT NULL,
    monthly_installment numeric(12, 2)  NOT NULL,
    debt_to_income      numeric(8, 4)   NOT NULL,
    created_at          timestamptz     NOT NULL,
    -- A retried POST with the same Idempotency-Key must never create a second application.
    CONSTRAINT uk_credit_application_idempotency_key UNIQUE (idempotency_key)
);

-- Serves the newest-first listing, filtered or not.
CREATE INDEX ix_credit_application_created ON credit_application (created_at DESC, id DESC);
CREATE INDEX ix_credit_application_decision_created ON credit_application (decision, created_at DESC, id DESC);
