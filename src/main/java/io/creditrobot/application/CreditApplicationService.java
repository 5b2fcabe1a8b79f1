package io.creditrobot.application;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Submits, reads and lists credit applications. Every write is committed before the caller is answered. */
@ApplicationScoped
public class CreditApplicationService {

    private final Counter concurrentRetries;
    private final ApplicationReads reads;

    CreditApplicationService(MeterRegistry registry, ApplicationReads reads) {
        this.reads = reads;
        this.concurrentRetries = Counter.builder("creditrobot.idempotency.concurrent.retries")
                .description("Submissions that lost the insert race to a concurrent one with the same Idempotency-Key "
                        + "(settled by the unique constraint) and answered with its record")
                .register(registry);
    }

    /** A listing's total is counted up to this many applications: past it, the page says "at least". */
    public static final long TOTAL_LIMIT = 10_000;

    /** PostgreSQL's SQLSTATE for a unique-constraint violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    /**
     * The transaction-level advisory lock every insert takes just before its INSERT and holds until it commits:
     * listing positions ({@code seq}, assigned at INSERT) are then handed out in commit order, so no application can
     * commit below a position a cursor has already passed ("no application is skipped"). It serializes only the
     * INSERT and the COMMIT of concurrent submissions (a few milliseconds); a wait past the pool's
     * {@code lock_timeout} answers 503.
     */
    public static final long LISTING_ORDER_LOCK = 0x4352_4544_4954L;

    /**
     * Decides and stores an application owned by {@code caller}. With an idempotency key, a retry of the same request
     * by the same caller returns the record stored by the first call; the database's unique constraint settles
     * concurrent retries. Another caller's key is never seen.
     */
    public SubmissionResult submit(CreditRequest request, String idempotencyKey, Caller caller) {
        String hash = requestHash(request);
        String owner = caller.subject();
        if (idempotencyKey != null) {
            Optional<SubmissionResult> earlier = replay(owner, idempotencyKey, hash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        AtomicBoolean inserted = new AtomicBoolean();
        try {
            CreditApplicationView created = QuarkusTransaction.requiringNew().call(() -> {
                CreditApplicationView view = insert(request, owner, idempotencyKey, hash);
                inserted.set(true);
                return view;
            });
            return new SubmissionResult(created, false);
        } catch (RuntimeException e) {
            if (inserted.get() && !isUniqueViolation(e)) {
                // The INSERT was answered and the COMMIT failed (a connection lost while committing, at worst after
                // the server committed): whether the row is stored, nobody can tell from here.
                throw new CommitOutcomeUnknownException(e);
            }
            if (idempotencyKey == null || !isUniqueViolation(e)) {
                throw e;
            }
            // A concurrent call with the same key committed first: answer with its record.
            concurrentRetries.increment();
            return replay(owner, idempotencyKey, hash).orElseThrow(() -> e);
        }
    }

    /** The application with this id, if {@code caller} may read it: another owner's id is not found either. */
    public Optional<CreditApplicationView> find(UUID id, Caller caller) {
        return reads.find(id, caller);
    }

    /**
     * A page of applications, newest (highest {@code seq}) first: by offset ({@code page}), or after a position
     * ({@code after}, the last {@code seq} of the previous page), which stays stable while others insert. Only
     * {@code owner}'s applications, or every applicant's when {@code owner} is null (the caller decides who may).
     */
    public ListedPage list(Decision decision, int page, int size, UUID after, String owner) {
        return reads.list(decision, page, size, after, owner);
    }

    /** What {@link #list} found: the items, how many match in all, and where the next page starts (or null). */
    public record ListedPage(List<CreditApplicationView> items, long total, boolean totalExact, UUID nextAfter) {
    }

    private Optional<SubmissionResult> replay(String owner, String idempotencyKey, String hash) {
        Optional<CreditApplication> earlier = QuarkusTransaction.requiringNew()
                .call(() -> CreditApplication.findByIdempotencyKey(owner, idempotencyKey));
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!earlier.get().requestHash.equals(hash)) {
            throw new IdempotencyConflictException();
        }
        return Optional.of(new SubmissionResult(CreditApplicationView.of(earlier.get()), true));
    }

    private static CreditApplicationView insert(CreditRequest request, String owner, String idempotencyKey,
            String hash) {
        CreditAssessment assessment = CreditDecisionRules.assess(request);
        CreditApplication application = new CreditApplication();
        application.id = UUID.randomUUID();
        application.owner = owner;
        application.idempotencyKey = idempotencyKey;
        application.requestHash = hash;
        application.applicantName = request.applicantName().strip();
        application.email = request.email().strip();
        application.amount = money(request.amount());
        application.termMonths = request.termMonths();
        application.annualIncome = money(request.annualIncome());
        application.monthlyDebt = money(request.monthlyDebt());
        application.decision = assessment.decision();
        application.score = assessment.score();
        application.reasons = assessment.reasons();
        application.monthlyInstallment = assessment.monthlyInstallment();
        application.debtToIncome = assessment.debtToIncome();
        // Before the INSERT (and so before its seq): a native query flushes pending changes first.
        CreditApplication.getEntityManager()
                .createNativeQuery("SELECT count(*) FROM pg_advisory_xact_lock(" + LISTING_ORDER_LOCK + ")")
                .getSingleResult();
        application.persistAndFlush();
        return CreditApplicationView.of(application);
    }

    static String requestHash(CreditRequest r) {
        String canonical = String.join("\u001f", r.applicantName().strip(), r.email().strip(), plain(r.amount()),
                String.valueOf(r.termMonths()), plain(r.annualIncome()), plain(r.monthlyDebt()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** The scale the database stores, so that the 201 answer and a later GET show the same numbers. */
    private static BigDecimal money(BigDecimal value) {
        return value.setScale(2, RoundingMode.UNNECESSARY);
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
