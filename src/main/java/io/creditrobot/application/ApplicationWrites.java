package io.creditrobot.application;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.creditrobot.database.DatabaseFailures;

/**
 * The one write: an application inserted and committed in one autocommit statement through the application's pool,
 * with no lock: the listing shows it once every write begun before it has ended ({@link ApplicationReads#HORIZON}),
 * so concurrent submissions commit side by side and PostgreSQL flushes them together. Every submission of the fleet
 * used to queue on one advisory lock held to its commit (issue 35).
 */
@ApplicationScoped
public class ApplicationWrites {

    /** An idempotency key already stored by the same owner makes it insert nothing (no row returned), not an error. */
    static final String INSERT = "INSERT INTO credit_application (id, owner, idempotency_key, request_hash, "
            + "applicant_name, email, amount, term_months, annual_income, monthly_debt, decision, score, reasons, "
            + "monthly_installment, debt_to_income) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (owner, idempotency_key) DO NOTHING RETURNING created_at";

    private final AgroalDataSource dataSource;

    ApplicationWrites(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores the application; empty when {@code owner} already stored one under {@code idempotencyKey} (a
     * concurrent retry that committed first).
     *
     * @throws CommitOutcomeUnknownException when the session was lost once the statement was sent: the server may
     *         have committed it
     */
    Optional<CreditApplicationView> insert(UUID id, String owner, String idempotencyKey, String hash,
            CreditRequest request, CreditAssessment assessment) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                int i = 1;
                statement.setObject(i++, id);
                statement.setString(i++, owner);
                statement.setString(i++, idempotencyKey);
                statement.setString(i++, hash);
                statement.setString(i++, request.applicantName());
                statement.setString(i++, request.email());
                statement.setBigDecimal(i++, request.amount());
                statement.setInt(i++, request.termMonths());
                statement.setBigDecimal(i++, request.annualIncome());
                statement.setBigDecimal(i++, request.monthlyDebt());
                statement.setString(i++, assessment.decision().name());
                statement.setInt(i++, assessment.score());
                statement.setArray(i++, connection.createArrayOf("text", assessment.reasons().toArray()));
                statement.setBigDecimal(i++, assessment.monthlyInstallment());
                statement.setBigDecimal(i, assessment.debtToIncome());
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new CreditApplicationView(id, request.applicantName(), request.email(),
                            request.amount(), request.termMonths(), request.annualIncome(), request.monthlyDebt(),
                            assessment.decision(), assessment.score(), assessment.reasons(),
                            assessment.monthlyInstallment(), assessment.debtToIncome(),
                            rs.getObject("created_at", OffsetDateTime.class)));
                }
            } catch (SQLException e) {
                if (DatabaseFailures.isConnectionLoss(e)) {
                    // Sent, then the session was lost (at worst after the server committed): nobody can tell here.
                    throw new CommitOutcomeUnknownException(e);
                }
                throw new DatabaseException(e);
            }
        } catch (SQLException e) {
            // No session to send it on: nothing was sent, so nothing was stored.
            throw new DatabaseException(e);
        }
    }
}
