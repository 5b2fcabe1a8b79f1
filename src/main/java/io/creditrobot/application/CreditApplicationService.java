package io.creditrobot.application;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Submits, reads and lists credit applications. Every write is committed before the caller is answered. */
@ApplicationScoped
public class CreditApplicationService {

    private final Counter concurrentRetries;
    private final ApplicationReads reads;
    private final ApplicationWrites writes;

    CreditApplicationService(MeterRegistry registry, ApplicationReads reads, ApplicationWrites writes) {
        this.reads = reads;
        this.writes = writes;
        this.concurrentRetries = Counter.builder("creditrobot.idempotency.concurrent.retries")
                .description("Submissions that lost the insert race to a concurrent one with the same Idempotency-Key "
                        + "(settled by the unique constraint) and answered with its record")
                .register(registry);
    }

    /** A listing's total is counted up to this many applications: past it, the page says "at least". */
    public static final long TOTAL_LIMIT = 10_000;

    /**
     * Decides and stores an application owned by {@code caller}. With an idempotency key, a retry of the same request
     * by the same caller returns the record stored by the first call; the database's unique constraint settles
     * concurrent retries. Another caller's key is never seen.
     *
     * <p>
     * At most two round trips, each one autocommit statement through the pool (no JTA transaction): with a key, the
     * replay lookup; then {@link ApplicationWrites#insert}, which inserts and commits in one statement and takes no
     * lock. Only a concurrent retry that lost the race reads once more, for the winner's record.
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
        Optional<CreditApplicationView> created = writes.insert(UUID.randomUUID(), owner, idempotencyKey, hash,
                normalized(request), CreditDecisionRules.assess(request));
        if (created.isPresent()) {
            return new SubmissionResult(created.get(), false);
        }
        // A concurrent call with the same key committed first (ON CONFLICT DO NOTHING): answer with its record.
        concurrentRetries.increment();
        return replay(owner, idempotencyKey, hash)
                .orElseThrow(() -> new IllegalStateException("An idempotency conflict without a stored record"));
    }

    /** The application with this id, if {@code caller} may read it: another owner's id is not found either. */
    public Optional<CreditApplicationView> find(UUID id, Caller caller) {
        return reads.find(id, caller);
    }

    /**
     * A page of applications, newest first: by offset ({@code page}), or after the previous page's last application
     * ({@code after}), which stays stable while others insert. Only applications below the write horizon
     * ({@link ApplicationReads#HORIZON}): one committed while an older write is still in flight is listed once that
     * write ends (a GET by id shows it at once). Only
     * {@code owner}'s applications, or every applicant's when {@code owner} is null (the caller decides who may).
     */
    public ListedPage list(Decision decision, int page, int size, UUID after, String owner) {
        return reads.list(decision, page, size, after, owner);
    }

    /** What {@link #list} found: the items, how many match in all, and where the next page starts (or null). */
    public record ListedPage(List<CreditApplicationView> items, long total, boolean totalExact, UUID nextAfter) {
    }

    private Optional<SubmissionResult> replay(String owner, String idempotencyKey, String hash) {
        Optional<ApplicationReads.Stored> earlier = reads.findByIdempotencyKey(owner, idempotencyKey);
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!earlier.get().requestHash().equals(hash)) {
            throw new IdempotencyConflictException();
        }
        return Optional.of(new SubmissionResult(earlier.get().view(), true));
    }

    /** What is stored: stripped text, money at the database's scale (so the 201 and a later GET agree). */
    private static CreditRequest normalized(CreditRequest r) {
        return new CreditRequest(r.applicantName().strip(), r.email().strip(), money(r.amount()), r.termMonths(),
                money(r.annualIncome()), money(r.monthlyDebt()));
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

}
