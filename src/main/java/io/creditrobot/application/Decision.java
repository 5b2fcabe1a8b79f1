package io.creditrobot.application;

/** Outcome of the credit rules for one application. */
public enum Decision {
    /** Within every automatic limit. */
    APPROVED,
    /** Acceptable only after a human underwriter has looked at it. */
    REFERRED,
    /** Outside a hard limit; no offer is made. */
    DECLINED
}
