package io.creditrobot.application;

import java.util.List;

/**
 * One page of applications, newest first.
 *
 * @param items the applications on this page
 * @param page the offset page asked for, or null when a cursor was used
 * @param size the page size
 * @param total applications matching the filter now
 * @param nextCursor pass as {@code cursor} for the next page (stable under concurrent inserts), or null at the end
 */
public record ApplicationPage(List<CreditApplicationView> items, Integer page, int size, long total,
        String nextCursor) {
}
