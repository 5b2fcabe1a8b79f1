package io.creditrobot.application;

/** A stored application and whether this call created it or replayed an earlier call with the same key. */
public record SubmissionResult(CreditApplicationView application, boolean replayed) {
}
