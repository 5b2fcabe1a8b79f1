package io.creditrobot.application;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/**
 * Reads that write nothing, at the database's floor: one autocommit statement through the application's pool (a
 * listing page and its bounded total included), no
 * JTA transaction (its BEGIN and COMMIT were two round trips of three) and no managed entity. Issue 35 measured GET
 * by id through Hibernate's session and Narayana at 0.12–0.14× of the same SELECT by pgbench.
 */
@ApplicationScoped
public class ApplicationReads {

    static final String COLUMNS = "id, applicant_name, email, amount, term_months, annual_income, monthly_debt, "
            + "decision, score, reasons, monthly_installment, debt_to_income, created_at";

    private final AgroalDataSource dataSource;

    ApplicationReads(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The application with this id, if {@code caller} may read it: another owner's id is not found either. */
    public Optional<CreditApplicationView> find(UUID id, Caller caller) {
        String sql = "SELECT " + COLUMNS + " FROM credit_application WHERE id = ?"
                + (caller.officer() ? "" : " AND owner = ?");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, id);
            if (!caller.officer()) {
                statement.setString(2, caller.subject());
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(view(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Only rows below this are listed: the oldest transaction still in flight (PostgreSQL's snapshot {@code xmin}).
     * Every row at or above it may yet be joined by one that commits later with a lower position, so a cursor that
     * passed them could skip it; once every write begun before a row has ended, nothing can ever commit below it.
     */
    static final String HORIZON = "xact < pg_snapshot_xmin(pg_current_snapshot())";

    /** The listing's order: the inserting transaction's id, then {@code seq} (one transaction, several rows). */
    static final String ORDER = " ORDER BY xact DESC, seq DESC";

    /**
     * One page, newest first, and its total counted up to {@link CreditApplicationService#TOTAL_LIMIT} + 1, in one
     * statement; a second one counts only when the page is empty (past the end, or nothing matches).
     */
    public CreditApplicationService.ListedPage list(Decision decision, int page, int size, UUID after, String owner) {
        long limit = CreditApplicationService.TOTAL_LIMIT + 1;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        listSql(owner != null, decision != null, after != null))) {
            int i = bindFilter(statement, 1, owner, decision);
            statement.setLong(i++, limit);
            i = bindFilter(statement, i, owner, decision);
            if (after != null) {
                statement.setObject(i++, after);
            }
            // One more than asked for tells whether a next page exists.
            statement.setInt(i++, size + 1);
            statement.setLong(i, after != null ? 0 : (long) page * size);
            List<CreditApplicationView> rows = new ArrayList<>();
            long counted = -1;
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(view(rs));
                    counted = rs.getLong("counted");
                }
            }
            if (counted < 0) {
                counted = countOnly(connection, owner, decision, limit);
            }
            boolean more = rows.size() > size;
            List<CreditApplicationView> shown = more ? rows.subList(0, size) : rows;
            return new CreditApplicationService.ListedPage(List.copyOf(shown),
                    Math.min(counted, CreditApplicationService.TOTAL_LIMIT),
                    counted <= CreditApplicationService.TOTAL_LIMIT, more ? shown.get(size - 1).id() : null);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * A page's statement: parameters are the filter's, the count's limit, the filter's again, the previous page's last
     * id (with {@code after}), the page's limit and its offset.
     */
    static String listSql(boolean owner, boolean decision, boolean after) {
        // Below the last application of the previous page, wherever it is now: by its id, never its position.
        String below = after ? " AND (xact, seq) < (SELECT xact, seq FROM credit_application WHERE id = ?)" : "";
        return "SELECT " + COLUMNS + ", " + countSql(owner, decision) + " AS counted FROM credit_application"
                + filter(owner, decision) + below + ORDER + " LIMIT ? OFFSET ?";
    }

    /**
     * The bounded count, ordered as the page is, so that PostgreSQL's generic plan for it (pgjdbc prepares it on the
     * server from the fifth execution) walks the owner's index whoever the owner is: unordered, it chose a sequential
     * scan that reads the whole table for an owner with few rows when another owner has most of them.
     */
    private static String countSql(boolean owner, boolean decision) {
        return "(SELECT count(*) FROM (SELECT 1 FROM credit_application" + filter(owner, decision) + ORDER
                + " LIMIT ?) counted)";
    }

    private static String filter(boolean owner, boolean decision) {
        return " WHERE " + HORIZON + (owner ? " AND owner = ?" : "") + (decision ? " AND decision = ?" : "");
    }

    private static long countOnly(Connection connection, String owner, Decision decision, long limit)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT "
                + countSql(owner != null, decision != null))) {
            statement.setLong(bindFilter(statement, 1, owner, decision), limit);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Binds the filter's parameters from {@code index} on; the next free index. */
    private static int bindFilter(PreparedStatement statement, int index, String owner, Decision decision)
            throws SQLException {
        int i = index;
        if (owner != null) {
            statement.setString(i++, owner);
        }
        if (decision != null) {
            statement.setString(i++, decision.name());
        }
        return i;
    }

    /** A stored application and the hash of the request that stored it. */
    public record Stored(CreditApplicationView view, String requestHash) {
    }

    /** The application {@code owner} stored under {@code idempotencyKey}, if any (idempotency keys are per owner). */
    public Optional<Stored> findByIdempotencyKey(String owner, String idempotencyKey) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + ", request_hash "
                        + "FROM credit_application WHERE owner = ? AND idempotency_key = ?")) {
            statement.setString(1, owner);
            statement.setString(2, idempotencyKey);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(view(rs), rs.getString("request_hash"))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    static CreditApplicationView view(ResultSet rs) throws SQLException {
        Array reasons = rs.getArray("reasons");
        return new CreditApplicationView(rs.getObject("id", UUID.class), rs.getString("applicant_name"),
                rs.getString("email"), rs.getBigDecimal("amount"), rs.getInt("term_months"),
                rs.getBigDecimal("annual_income"), rs.getBigDecimal("monthly_debt"),
                Decision.valueOf(rs.getString("decision")), rs.getInt("score"),
                List.of((String[]) reasons.getArray()), rs.getBigDecimal("monthly_installment"),
                rs.getBigDecimal("debt_to_income"), rs.getObject("created_at", OffsetDateTime.class));
    }
}
