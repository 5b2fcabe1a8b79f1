package io.creditrobot.application;

import java.math.BigDecimal;
import java.util.List;

/** The result of {@link CreditDecisionRules#assess(CreditRequest)}. */
public record CreditAssessment(
        Decision decision,
        int score,
        List<String> reasons,
        BigDecimal monthlyInstallment,
        BigDecimal debtToIncome) {
}
