package io.creditrobot.reason;

import java.util.Locale;

import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Why a health check is DOWN. Each check family's reasons are one enum implementing this; {@link #code()} is stable
 * and is what the check's JSON ({@code data.reason}), the transition's log line ({@code (reason: …)} and its MDC
 * field), the journal entry and the metric label {@code reason} say. A package of its own, below both
 * {@code database} and {@code health}, so that the database's reasons need no dependency on the checks.
 */
public interface Reason {

    /** The data key a check's JSON carries the code under. */
    String KEY = "reason";

    /** The enum constant's name (every implementation is an enum). */
    String name();

    /** The constant's name in lower case, {@code _} as {@code -}: {@code NO_ANSWER} is {@code no-answer}. */
    default String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code builder} DOWN, with {@code reason}'s code under {@link #KEY}. */
    static HealthCheckResponseBuilder down(HealthCheckResponseBuilder builder, Reason reason) {
        return builder.down().withData(KEY, reason.code());
    }
}
