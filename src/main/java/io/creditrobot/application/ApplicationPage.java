package io.creditrobot.application;

import java.util.List;

/**
 * One page of applications, newest first.
 *
 * @param items the applications on this page
 * @param page the offset page asked for, or null when a cursor was used
 * @param size the page size
 * @param total applications matching the filter now, counted up to {@code totalLimit}: {@code totalLimit} itself when
 *        more match ({@code totalExact} false)
 * @param totalExact whether {@code total} is every match, or only the most that is counted
 * @param nextCursor pass as {@code cursor} for the next page (stable under concurrent inserts), or null at the end
 */
public record ApplicationPage(List<CreditApplicationView> items, Integer page, int size, long total,
        boolean totalExact, String nextCursor) {
}
