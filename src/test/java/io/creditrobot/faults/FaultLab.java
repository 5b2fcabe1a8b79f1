package io.creditrobot.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.creditrobot.testsupport.TestDatabase;

/**
 * The faults {@link FaultMatrix}'s rows inject that need more than {@link TestDatabase}'s own controls: statements as
 * the cluster's superuser, sessions held open by other clients, a lock held in an open transaction. Every loop is
 * bounded; everything held is released by the matching restore step.
 */
public final class FaultLab {

    static final String OTHER_CLIENT = "other_client";
    private static final String MOVED = "_moved";

    private final TestDatabase db;
    private final BlackHoleProxy proxy;
    private final SmallDisk disk;
    private final List<Connection> otherClients = new ArrayList<>();
    private Connection lockHolder;

    /** {@code disk}: the database's default tablespace, or null when the lab has none (a row needing it is not run). */
    FaultLab(TestDatabase db, BlackHoleProxy proxy, SmallDisk disk) {
        this.db = db;
        this.proxy = proxy;
        this.disk = disk;
    }

    /** A row this lab cannot inject, and why: reported, not counted as a miss. */
    static final class NotHere extends RuntimeException {
        NotHere(String why) {
            super(why);
        }
    }

    /**
     * Makes the small disk the database's default tablespace, before the application opens a session: the database's
     * files move there ({@code ALTER DATABASE … SET TABLESPACE}), the WAL stays in the data directory.
     */
    static void moveDatabaseTo(TestDatabase db, SmallDisk disk) {
        db.superuserExecute("postgres", "CREATE TABLESPACE fault_disk LOCATION '" + disk.directory() + "'",
                "ALTER DATABASE " + TestDatabase.DATABASE + " SET TABLESPACE fault_disk");
    }

    /**
     * The data disk full: no free block left on the database's tablespace, and another client's inserts fill the
     * table's last pages (until PostgreSQL refuses one with 53100, at most {@link #FILL_ROWS}), so that a submission
     * needs a new block too.
     */
    void fillDisk() throws java.io.IOException, SQLException {
        if (disk == null) {
            throw new NotHere("no small disk (mounting a tmpfs needs root)");
        }
        disk.fill();
        try (Connection c = db.superuserConnection(TestDatabase.DATABASE); Statement s = c.createStatement()) {
            for (int i = 0; i < FILL_ROWS; i++) {
                try {
                    s.execute(bareInsert("Disk Filler"));
                } catch (SQLException e) {
                    if ("53100".equals(e.getSQLState())) {
                        return;
                    }
                    throw e;
                }
            }
        }
        throw new IllegalStateException(FILL_ROWS + " rows inserted on a full disk without a refusal");
    }

    private static final int FILL_ROWS = 10_000;

    void emptyDisk() throws java.io.IOException {
        disk.empty();
    }

    public TestDatabase db() {
        return db;
    }

    /** The relay the application reaches the database through. */
    BlackHoleProxy proxy() {
        return proxy;
    }

    /** The application's settings: its database through the relay. */
    Map<String, String> applicationSettings() {
        return Map.of("quarkus.datasource.jdbc.url",
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + TestDatabase.DATABASE);
    }

    /** {@code ALTER ROLE <application role> <clause>}, as the superuser. */
    void role(String clause) {
        db.superuserExecute("postgres", "ALTER ROLE " + TestDatabase.USER + " " + clause);
    }

    /** {@code ALTER SYSTEM SET name = value} (or {@code RESET} for null) and a configuration reload. */
    void system(String name, String value) {
        db.superuserExecute("postgres", value == null ? "ALTER SYSTEM RESET " + name
                : "ALTER SYSTEM SET " + name + " = '" + value + "'", "SELECT pg_reload_conf()");
    }

    /** Takes back {@code TestDatabase.readOnly}: the database-level setting removed, not set to off. */
    void readOnlyDatabaseReset() {
        db.readOnly(false, false);
        db.superuserExecute("postgres", "ALTER DATABASE " + TestDatabase.DATABASE + " RESET default_transaction_read_only");
    }

    void allowConnections(boolean allow) {
        db.superuserExecute("postgres", "ALTER DATABASE " + TestDatabase.DATABASE + " ALLOW_CONNECTIONS " + allow);
    }

    void terminateSessions() {
        db.superuserExecute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + TestDatabase.DATABASE + "' AND pid <> pg_backend_pid()");
    }

    /**
     * Renames the application's database away (or back). PostgreSQL renames only a database nobody is connected to,
     * and the application reconnects at once: new connections are refused first ({@code ALLOW_CONNECTIONS false}),
     * then the sessions are terminated.
     */
    void renameDatabase(boolean away) throws InterruptedException {
        String from = away ? TestDatabase.DATABASE : TestDatabase.DATABASE + MOVED;
        String to = away ? TestDatabase.DATABASE + MOVED : TestDatabase.DATABASE;
        db.superuserExecute("postgres", "ALTER DATABASE " + from + " ALLOW_CONNECTIONS false");
        for (int attempt = 1;; attempt++) {
            try {
                db.superuserExecute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                        + "datname = '" + from + "'", "ALTER DATABASE " + from + " RENAME TO " + to);
                break;
            } catch (IllegalStateException e) {
                // A terminated backend may not have exited yet (55006, "being accessed by other users").
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        db.superuserExecute("postgres", "ALTER DATABASE " + to + " ALLOW_CONNECTIONS true");
    }

    /** Renames the API's table away (schema drift) or back, as its owner. */
    void renameTable(boolean away) {
        db.execute(away ? "ALTER TABLE credit_application RENAME TO credit_application" + MOVED
                : "ALTER TABLE credit_application" + MOVED + " RENAME TO credit_application");
    }

    /** Takes a lock on the API's table in {@code mode}, in a transaction left open until {@link #unlockTable}. */
    void lockTable(String mode) throws SQLException {
        lockHolder = db.superuserConnection(TestDatabase.DATABASE);
        lockHolder.setAutoCommit(false);
        try (Statement s = lockHolder.createStatement()) {
            s.execute("LOCK TABLE credit_application IN " + mode + " MODE");
        }
    }

    /**
     * Another client inserts an application and leaves its transaction open; a second client's application commits
     * after it began: the listing holds that one (and every later one) back until {@link #endOpenWrite}.
     */
    void leaveWriteOpen() throws SQLException {
        lockHolder = db.superuserConnection(TestDatabase.DATABASE);
        lockHolder.setAutoCommit(false);
        try (Statement s = lockHolder.createStatement()) {
            s.execute(bareInsert("Left Open"));
        }
        try (Connection committed = db.superuserConnection(TestDatabase.DATABASE);
                Statement s = committed.createStatement()) {
            s.execute(bareInsert("Committed Behind"));
        }
    }

    void endOpenWrite() throws SQLException {
        try (Connection c = lockHolder) {
            c.rollback();
        }
        lockHolder = null;
    }

    private static String bareInsert(String name) {
        return "INSERT INTO credit_application (id, request_hash, applicant_name, email, amount, term_months, "
                + "annual_income, monthly_debt, decision, score, reasons, monthly_installment, debt_to_income) VALUES ("
                + "gen_random_uuid(), 'lab', '" + name + "', 'lab@example.com', 1, 6, 1, 0, 'DECLINED', 0, '{}', 1, 0)";
    }

    /** {@code REVOKE} (or {@code GRANT}) the application role's INSERT on the API's table, as the superuser. */
    void grantInsert(boolean grant) {
        db.superuserExecute(TestDatabase.DATABASE, grant ? "GRANT INSERT ON credit_application TO " + TestDatabase.USER
                : "REVOKE INSERT ON credit_application FROM " + TestDatabase.USER);
    }

    /** Renames a column the API writes away (schema drift), or back, as the table's owner. */
    void renameColumn(boolean away) {
        db.execute(away ? "ALTER TABLE credit_application RENAME COLUMN email TO email" + MOVED
                : "ALTER TABLE credit_application RENAME COLUMN email" + MOVED + " TO email");
    }

    /**
     * What the next version's migration may do in a rolling upgrade: a {@code NOT NULL} column this version does not
     * fill (added with a default for the rows already there, then without one), or takes it away again.
     */
    void notNullColumn(boolean add) {
        if (add) {
            db.execute("ALTER TABLE credit_application ADD COLUMN next_version_field text NOT NULL DEFAULT 'x'",
                    "ALTER TABLE credit_application ALTER COLUMN next_version_field DROP DEFAULT");
        } else {
            db.execute("ALTER TABLE credit_application DROP COLUMN next_version_field");
        }
    }

    void unlockTable() throws SQLException {
        try (Connection c = lockHolder) {
            c.rollback();
        }
        lockHolder = null;
    }

    /**
     * Other clients open sessions until PostgreSQL refuses one for want of a slot (53300): every slot but the
     * superuser's reserved ones is taken, as by a connection leak elsewhere. Bounded by {@code max_connections}.
     */
    void fillConnectionSlots() throws SQLException {
        int max;
        try (Connection c = db.superuserConnection("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('max_connections')::int, "
                        + "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + OTHER_CLIENT + "')")) {
            rs.next();
            max = rs.getInt(1);
            if (!rs.getBoolean(2)) {
                s.execute("CREATE ROLE " + OTHER_CLIENT + " LOGIN");
            }
        }
        String url = "jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres";
        for (int i = 0; i < max; i++) {
            try {
                otherClients.add(DriverManager.getConnection(url, OTHER_CLIENT, ""));
            } catch (SQLException e) {
                if ("53300".equals(e.getSQLState())) {
                    return;
                }
                throw e;
            }
        }
        throw new IllegalStateException("opened " + max + " sessions without running out of slots");
    }

    void releaseConnectionSlots() {
        for (Connection c : otherClients) {
            try {
                c.close();
            } catch (SQLException e) {
                // Gone either way.
            }
        }
        otherClients.clear();
    }
}
