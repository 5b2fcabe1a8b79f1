package io.creditrobot.application;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The JSON shape of a stored application. */
public record CreditApplicationView(
        UUID id,
        String applicantName,
        String email,
        BigDecimal amount,
        int termMonths,
        BigDecimal annualIncome,
        BigDecimal monthlyDebt,
        Decision decision,
        int score,
        List<String> reasons,
        BigDecimal monthlyInstallment,
        BigDecimal debtToIncome,
        OffsetDateTime createdAt) {
}
