package io.creditrobot.application;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Generated;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A stored credit application with the decision taken when it was submitted. Schema: Flyway V1 to V4. */
@Entity
@Table(name = "credit_application")
public class CreditApplication extends PanacheEntityBase {

    @Id
    public UUID id;

    /** The subject of the submitting applicant's access token; null for rows stored before access control (V3). */
    @Column(updatable = false)
    public String owner;

    @Column(name = "idempotency_key", updatable = false)
    public String idempotencyKey;

    /** SHA-256 of the request, to tell a true retry from a different request reusing a key. */
    @Column(name = "request_hash", nullable = false, updatable = false)
    public String requestHash;

    @Column(name = "applicant_name", nullable = false)
    public String applicantName;

    @Column(nullable = false)
    public String email;

    @Column(nullable = false)
    public BigDecimal amount;

    @Column(name = "term_months", nullable = false)
    public int termMonths;

    @Column(name = "annual_income", nullable = false)
    public BigDecimal annualIncome;

    @Column(name = "monthly_debt", nullable = false)
    public BigDecimal monthlyDebt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Decision decision;

    @Column(nullable = false)
    public int score;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public List<String> reasons;

    @Column(name = "monthly_installment", nullable = false)
    public BigDecimal monthlyInstallment;

    @Column(name = "debt_to_income", nullable = false)
    public BigDecimal debtToIncome;

    /** The database's clock at insert (column default), read back by Hibernate. */
    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    /**
     * Assigned by the database at insert: with {@code xact} (the inserting transaction's id, column default, not
     * mapped), the listing's order. Never shown to clients.
     */
    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;
}
