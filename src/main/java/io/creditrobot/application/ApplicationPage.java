package io.creditrobot.application;

import java.util.List;

/** One page of applications, newest first. */
public record ApplicationPage(List<CreditApplicationView> items, int page, int size, long total) {
}
