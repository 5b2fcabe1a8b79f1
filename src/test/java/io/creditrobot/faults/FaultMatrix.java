package io.creditrobot.faults;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Every way the suite makes PostgreSQL refuse the service, as data: one row per fault, with how it is injected and
 * what every signal must say. {@code FaultMatrixIT} injects each row into a real PostgreSQL (SCRAM password
 * authentication on TCP, so a rotation is real) under the packaged jar and checks it; {@code FaultMatrixReadmeTest}
 * checks that README's table is {@link #markdown()} of these rows. A new way of refusing is one more row.
 *
 * <p>
 * Bounds are derived from the monitor's configuration that the IT runs with (the defaults, {@link Limits}), never
 * written as numbers; the IT adds the suite's one slack ({@code Slack}).
 */
public final class FaultMatrix {

    private FaultMatrix() {
    }

    /** The monitor's defaults (DatabaseConfig), which the IT runs with. */
    public static final class Limits {
        public static final Duration INTERVAL = Duration.ofSeconds(1);
        public static final Duration DEADLINE = Duration.ofMillis(500);
        public static final Duration DOWN_AFTER = Duration.ofSeconds(2);
        public static final Duration NEW_SESSION_EVERY = Duration.ofSeconds(5);

        private Limits() {
        }
    }

    /** When readiness must show the fault, from injection on. */
    public enum Bound {
        /** The next validation: one interval. */
        INTERVAL("interval", Limits.INTERVAL),
        /** A stall tolerated for deadline + down-after, seen by the next tick. */
        STALL("deadline + down-after + interval", Limits.DEADLINE.plus(Limits.DOWN_AFTER).plus(Limits.INTERVAL)),
        /** A lock (or a held listing) tolerated for down-after, first seen by the next validation. */
        LOCK("down-after + 2 × interval", Limits.DOWN_AFTER.plus(Limits.INTERVAL.multipliedBy(2))),
        /** A wait that traffic can cause for a moment counts from the second write trial in a row. */
        WRITE_WAIT("2 × interval", Limits.INTERVAL.multipliedBy(2)),
        /** Only new sessions are refused: the monitor proves one every new-session-every. */
        NEW_SESSION("new-session-every + interval", Limits.NEW_SESSION_EVERY.plus(Limits.INTERVAL));

        public final String text;
        public final Duration duration;

        Bound(String text, Duration duration) {
            this.text = text;
            this.duration = duration;
        }
    }

    /**
     * What readiness says while the fault lasts: {@code check} DOWN with {@code reason} (and {@code sqlState} when
     * given); or UP throughout ({@code check} null); or, for a fault shorter than one validation can be sure to see
     * ({@code mayDip}), UP or briefly DOWN with that reason; or ({@code wellness}) UP throughout while the wellness
     * check {@code check} says DOWN with {@code reason}.
     */
    public record Readiness(String check, String reason, String sqlState, boolean mayDip, boolean wellness) {

        static Readiness down(String check, String reason) {
            return new Readiness(check, reason, null, false, false);
        }

        static Readiness down(String check, String reason, String sqlState) {
            return new Readiness(check, reason, sqlState, false, false);
        }

        static Readiness upThroughout() {
            return new Readiness(null, null, null, false, false);
        }

        static Readiness mayDip(String check, String reason) {
            return new Readiness(check, reason, null, true, false);
        }

        /** Readiness UP throughout; the wellness check {@code check} DOWN with {@code reason}. */
        static Readiness wellnessDown(String check, String reason, String sqlState) {
            return new Readiness(check, reason, sqlState, false, true);
        }

        /** The health group that says it. */
        public String path() {
            return wellness ? "/q/health/well" : "/q/health/ready";
        }

        public boolean staysUp() {
            return check == null;
        }

        String markdown() {
            if (staysUp()) {
                return "UP throughout";
            }
            String what = "`" + check + "` DOWN `" + reason + "`" + (sqlState == null ? "" : " " + sqlState);
            return wellness ? "UP; wellness " + what : mayDip ? "UP, or briefly " + what : what;
        }
    }

    /** How a row injects its fault and takes it back, against the lab's database. */
    public interface Step {
        void run(FaultLab lab) throws Exception;
    }

    /**
     * One fault.
     *
     * @param name short and stable: the IT's log and README's first column
     * @param injection how it is injected, as README shows it
     * @param readiness what readiness says while it lasts
     * @param within when readiness says it (ignored when it stays UP)
     * @param post the codes a POST may get while it lasts (never 500; every 503 with Retry-After; a refused POST
     *        stores nothing)
     * @param get the codes a GET of a stored application may get while it lasts
     * @param atBoot also injected before the application starts: readiness says the same, and it becomes ready once
     *        the fault is taken back, without a restart
     * @param lasts how long the fault is held while the service runs (at least until readiness says it and the API
     *        has answered or waited 3 s); no check may flap meanwhile
     * @param inject injects it
     * @param restore takes it back
     */
    public record Fault(String name, String injection, Readiness readiness, Bound within, Set<Integer> post,
            Set<Integer> get, boolean atBoot, Duration lasts, Step inject, Step restore) {
    }

    private static final Set<Integer> REFUSED = Set.of(503);
    /** Sessions already in the pool may still serve while new ones are refused. */
    private static final Set<Integer> POOL_MAY_SERVE_POST = Set.of(201, 503);
    private static final Set<Integer> POOL_MAY_SERVE_GET = Set.of(200, 503);
    private static final Set<Integer> SERVED_POST = Set.of(201);
    private static final Set<Integer> SERVED_GET = Set.of(200);
    /** A POST that waits for a lock held elsewhere: refused at the pool's lock_timeout, or stored once it is free. */
    private static final Set<Integer> WAITED_POST = Set.of(201, 503);
    /** A POST on a full disk: stored while a page of the table has room left, refused (53100) once it must grow. */
    private static final Set<Integer> FITS_POST = Set.of(201, 503);

    /** The rows, in the order the IT runs them. */
    public static final List<Fault> ROWS = List.of(
            new Fault("stopped", "`pg_ctl stop -m fast`", Readiness.down("database", "unreachable"), Bound.INTERVAL,
                    REFUSED, REFUSED, true, Duration.ZERO, lab -> lab.db().stop(), lab -> lab.db().start()),
            new Fault("frozen shorter than down-after", "SIGSTOP every PostgreSQL process for 1.5 s",
                    Readiness.upThroughout(), Bound.STALL, SERVED_POST, SERVED_GET, false, Duration.ofMillis(1500),
                    lab -> lab.db().freeze(), lab -> lab.db().thaw()),
            new Fault("frozen longer", "SIGSTOP every PostgreSQL process for 11 s (the port accepts TCP, nothing "
                    + "answers)", Readiness.down("database", "timeout"), Bound.STALL, POOL_MAY_SERVE_POST,
                    POOL_MAY_SERVE_GET, true, Duration.ofSeconds(11), lab -> lab.db().freeze(), lab -> lab.db().thaw()),
            new Fault("port never answers", "the network path dies after the handshake for 30 s (a relay holds every "
                    + "byte; the server runs on)", Readiness.down("database", "timeout"), Bound.STALL,
                    POOL_MAY_SERVE_POST, POOL_MAY_SERVE_GET, true, Duration.ofSeconds(30),
                    lab -> lab.proxy().blackHole(true), lab -> lab.proxy().blackHole(false)),
            new Fault("port accepts nothing", "every packet dropped for 12 s, as by a firewall: new connects time out "
                    + "(the relay's accept queue is full, so SYNs are dropped) and open connections hear nothing",
                    Readiness.down("database", "timeout"), Bound.STALL, POOL_MAY_SERVE_POST, POOL_MAY_SERVE_GET, true,
                    Duration.ofSeconds(12), lab -> lab.proxy().acceptNothing(true),
                    lab -> lab.proxy().acceptNothing(false)),
            new Fault("restarted", "`pg_ctl restart -m fast` (every session dropped)",
                    Readiness.mayDip("database", "unreachable"), Bound.INTERVAL, POOL_MAY_SERVE_POST,
                    POOL_MAY_SERVE_GET, false, Duration.ZERO, lab -> lab.db().restart(), lab -> {
                    }),
            new Fault("sessions terminated", "`pg_terminate_backend` on every session of the database (57P01)",
                    Readiness.mayDip("database", "unreachable"), Bound.INTERVAL, POOL_MAY_SERVE_POST,
                    POOL_MAY_SERVE_GET, false, Duration.ZERO, FaultLab::terminateSessions, lab -> {
                    }),
            new Fault("read-only database", "`ALTER DATABASE … SET default_transaction_read_only = on`, sessions "
                    + "terminated", Readiness.down("database", "read-only"), Bound.INTERVAL, REFUSED,
                    POOL_MAY_SERVE_GET, true, Duration.ZERO, lab -> lab.db().readOnly(true, true),
                    lab -> lab.readOnlyDatabaseReset()),
            new Fault("read-only server", "`ALTER SYSTEM SET default_transaction_read_only = on`, reload",
                    Readiness.down("database", "read-only"), Bound.INTERVAL, REFUSED, POOL_MAY_SERVE_GET, true,
                    Duration.ZERO, lab -> lab.system("default_transaction_read_only", "on"),
                    lab -> lab.system("default_transaction_read_only", null)),
            new Fault("standby in recovery", "restarted as a hot standby (`standby.signal`, every session dropped), "
                    + "later `pg_ctl promote`", Readiness.down("database", "read-only"), Bound.INTERVAL, REFUSED,
                    POOL_MAY_SERVE_GET, true, Duration.ZERO, lab -> lab.db().restartAsStandby(),
                    lab -> lab.db().promote()),
            new Fault("password rotated", "`ALTER ROLE … PASSWORD` (open sessions live on, new ones fail)",
                    Readiness.down("database", "error", "28P01"), Bound.NEW_SESSION, POOL_MAY_SERVE_POST,
                    POOL_MAY_SERVE_GET, true, Duration.ZERO, lab -> lab.role("PASSWORD 'rotated-elsewhere'"),
                    lab -> lab.role("PASSWORD '" + lab.db().password() + "'")),
            new Fault("login revoked", "`ALTER ROLE … NOLOGIN`", Readiness.down("database", "error", "28000"),
                    Bound.NEW_SESSION, POOL_MAY_SERVE_POST, POOL_MAY_SERVE_GET, true, Duration.ZERO,
                    lab -> lab.role("NOLOGIN"), lab -> lab.role("LOGIN")),
            new Fault("role connection limit", "`ALTER ROLE … CONNECTION LIMIT 0`",
                    Readiness.down("database", "error", "53300"), Bound.NEW_SESSION, POOL_MAY_SERVE_POST,
                    POOL_MAY_SERVE_GET, true, Duration.ZERO, lab -> lab.role("CONNECTION LIMIT 0"),
                    lab -> lab.role("CONNECTION LIMIT -1")),
            new Fault("max_connections exhausted", "other clients hold every free slot",
                    Readiness.down("database", "error", "53300"), Bound.NEW_SESSION, POOL_MAY_SERVE_POST,
                    POOL_MAY_SERVE_GET, true, Duration.ZERO, FaultLab::fillConnectionSlots,
                    FaultLab::releaseConnectionSlots),
            new Fault("connections disallowed", "`ALTER DATABASE … ALLOW_CONNECTIONS false`",
                    Readiness.down("database", "error", "55000"), Bound.NEW_SESSION, POOL_MAY_SERVE_POST,
                    POOL_MAY_SERVE_GET, true, Duration.ZERO, lab -> lab.allowConnections(false),
                    lab -> lab.allowConnections(true)),
            new Fault("database renamed", "`ALTER DATABASE … RENAME` (sessions terminated first)",
                    Readiness.down("database", "error", "3D000"), Bound.INTERVAL, REFUSED, REFUSED, true,
                    Duration.ZERO, lab -> lab.renameDatabase(true), lab -> lab.renameDatabase(false)),
            new Fault("table locked", "`LOCK TABLE credit_application IN ACCESS EXCLUSIVE MODE`, held",
                    Readiness.down("database", "locked"), Bound.LOCK, REFUSED, REFUSED, true, Duration.ZERO,
                    lab -> lab.lockTable("ACCESS EXCLUSIVE"), FaultLab::unlockTable),
            new Fault("table renamed", "`ALTER TABLE credit_application RENAME …` (schema drift)",
                    Readiness.down("schema", "drift"), Bound.INTERVAL, REFUSED, REFUSED, true, Duration.ZERO,
                    lab -> lab.renameTable(true), lab -> lab.renameTable(false)),
            new Fault("insert revoked", "`REVOKE INSERT ON credit_application`", Readiness.wellnessDown("writes",
                    "privilege", "42501"), Bound.INTERVAL, REFUSED, SERVED_GET, false, Duration.ZERO,
                    lab -> lab.grantInsert(false), lab -> lab.grantInsert(true)),
            new Fault("column renamed", "`ALTER TABLE credit_application RENAME COLUMN email …` (schema drift)",
                    Readiness.wellnessDown("writes", "drift", "42703"), Bound.INTERVAL, REFUSED, REFUSED, false,
                    Duration.ZERO, lab -> lab.renameColumn(true), lab -> lab.renameColumn(false)),
            new Fault("NOT NULL column added", "a newer version's migration: `ADD COLUMN … NOT NULL DEFAULT …`, then "
                    + "`DROP DEFAULT`", Readiness.wellnessDown("writes", "drift", "23502"), Bound.INTERVAL, REFUSED,
                    SERVED_GET, false, Duration.ZERO, lab -> lab.notNullColumn(true), lab -> lab.notNullColumn(false)),
            new Fault("table share-locked", "`LOCK TABLE credit_application IN SHARE MODE`, held",
                    Readiness.wellnessDown("writes", "lock-wait", "55P03"), Bound.WRITE_WAIT, WAITED_POST, SERVED_GET,
                    false, Duration.ZERO, lab -> lab.lockTable("SHARE"), FaultLab::unlockTable),
            new Fault("write left open", "another client's `INSERT`, its transaction left open, and an application "
                    + "committed after it", Readiness.wellnessDown("listing", "held", null), Bound.LOCK, SERVED_POST,
                    SERVED_GET, false, Duration.ZERO, FaultLab::leaveWriteOpen, FaultLab::endOpenWrite),
            new Fault("data disk full", "the database's tablespace (a small tmpfs) filled to its last block",
                    Readiness.wellnessDown("writes", "resources", "53100"), Bound.INTERVAL, FITS_POST, SERVED_GET,
                    false, Duration.ZERO, FaultLab::fillDisk, FaultLab::emptyDisk));

    /** README's table of the rows. */
    public static String markdown() {
        StringBuilder table = new StringBuilder()
                .append("| fault | injected by | readiness | within | POST | GET | at boot too |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Fault f : ROWS) {
            table.append("| ").append(f.name()).append(" | ").append(f.injection()).append(" | ")
                    .append(f.readiness().markdown()).append(" | ")
                    .append(f.readiness().staysUp() ? "—" : f.within().text + " (" + seconds(f.within().duration) + ")")
                    .append(" | ").append(codes(f.post())).append(" | ").append(codes(f.get())).append(" | ")
                    .append(f.atBoot() ? "yes" : "—").append(" |\n");
        }
        return table.toString();
    }

    private static String codes(Set<Integer> codes) {
        return String.join(" or ", codes.stream().sorted().map(String::valueOf).toList());
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
