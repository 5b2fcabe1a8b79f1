package io.creditrobot.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

class CreditDecisionRulesTest {

    private static CreditRequest request(String amount, int term, String income, String debt) {
        return new CreditRequest("Ada Lovelace", "ada@example.com", new BigDecimal(amount), term,
                new BigDecimal(income), new BigDecimal(debt));
    }

    @Test
    void approvesWhenEveryRatioIsWithinTheAutomaticLimits() {
        CreditAssessment a = CreditDecisionRules.assess(request("10000", 36, "60000", "500"));
        assertEquals(Decision.APPROVED, a.decision());
        assertEquals(new BigDecimal("317.53"), a.monthlyInstallment(), "annuity at 8.9% over 36 months");
        assertEquals(new BigDecimal("0.1635"), a.debtToIncome(), "(500 + 317.53) / 5000");
        assertTrue(a.score() > 700 && a.score() <= 1000, "score " + a.score());
    }

    @Test
    void refersWhenDebtToIncomeIsAboveTheAutomaticLimit() {
        CreditAssessment a = CreditDecisionRules.assess(request("10000", 36, "60000", "1600"));
        assertEquals(Decision.REFERRED, a.decision());
        assertTrue(a.reasons().get(0).startsWith("Debt-to-income 38.4%"), a.reasons().toString());
    }

    @Test
    void refersAnAmountAboveTheAutoApprovalLimit() {
        CreditAssessment a = CreditDecisionRules.assess(request("60000", 120, "200000", "0"));
        assertEquals(Decision.REFERRED, a.decision());
        assertEquals(1, a.reasons().size(), a.reasons().toString());
        assertTrue(a.reasons().get(0).contains("50000.00 automatic-approval limit"), a.reasons().toString());
    }

    @Test
    void declinesWhenDebtToIncomeExceedsTheMaximum() {
        CreditAssessment a = CreditDecisionRules.assess(request("10000", 12, "30000", "1000"));
        assertEquals(Decision.DECLINED, a.decision());
        assertTrue(a.reasons().get(0).contains("exceeds the 50.0% maximum"), a.reasons().toString());
    }

    @Test
    void declinesAboveTheLendingLimitWhateverTheIncome() {
        CreditAssessment a = CreditDecisionRules.assess(request("300000", 360, "10000000", "0"));
        assertEquals(Decision.DECLINED, a.decision());
        assertTrue(a.reasons().get(0).contains("250000.00 lending limit"), a.reasons().toString());
    }

    @Test
    void aDeclineOutranksAReferralAndListsOnlyTheDeclineReasons() {
        CreditAssessment a = CreditDecisionRules.assess(request("90000", 60, "80000", "3000"));
        assertEquals(Decision.DECLINED, a.decision());
        assertTrue(a.reasons().stream().noneMatch(r -> r.contains("automatic-approval")), a.reasons().toString());
    }

    @Test
    void theSameRequestAlwaysGetsTheSameAssessment() {
        CreditRequest r = request("12345.67", 48, "45678.90", "321.00");
        assertEquals(CreditDecisionRules.assess(r), CreditDecisionRules.assess(r));
    }

    @Test
    void scoreStaysWithinZeroAndAThousand() {
        assertEquals(0, CreditDecisionRules.score(new BigDecimal("3"), new BigDecimal("5")));
        assertEquals(1000, CreditDecisionRules.score(BigDecimal.ZERO, BigDecimal.ZERO));
    }

    private static Decision judged(String dti, String lti, String amount) {
        return CreditDecisionRules.judge(new BigDecimal(dti), new BigDecimal(lti), new BigDecimal(amount)).decision();
    }

    /** Every limit is inclusive: exactly at it is still the better outcome; one step above is not. */
    @Test
    void eachThresholdIsInclusiveAtItsExactValue() {
        assertEquals(Decision.APPROVED, judged("0.36", "0.1", "1000"), "debt-to-income exactly 36 %");
        assertEquals(Decision.REFERRED, judged("0.3600000001", "0.1", "1000"));
        assertEquals(Decision.REFERRED, judged("0.50", "0.1", "1000"), "debt-to-income exactly 50 %");
        assertEquals(Decision.DECLINED, judged("0.5000000001", "0.1", "1000"));
        assertEquals(Decision.APPROVED, judged("0.1", "0.5", "1000"), "loan exactly half a year's income");
        assertEquals(Decision.REFERRED, judged("0.1", "0.5000000001", "1000"));
        assertEquals(Decision.REFERRED, judged("0.1", "1", "1000"), "loan exactly one year's income");
        assertEquals(Decision.DECLINED, judged("0.1", "1.0000000001", "1000"));
        assertEquals(Decision.APPROVED, judged("0.1", "0.1", "50000"), "exactly the automatic-approval limit");
        assertEquals(Decision.REFERRED, judged("0.1", "0.1", "50000.01"));
        assertEquals(Decision.REFERRED, judged("0.1", "0.1", "250000"), "exactly the lending limit");
        assertEquals(Decision.DECLINED, judged("0.1", "0.1", "250000.01"));
    }

    /** The income boundaries through the whole assessment, where the loan-to-income is exact. */
    @Test
    void halfAndOneYearsIncomeAreExactBoundariesOfTheAssessment() {
        assertEquals(Decision.APPROVED, CreditDecisionRules.assess(request("25000", 360, "50000", "0")).decision());
        assertEquals(Decision.REFERRED, CreditDecisionRules.assess(request("25000.01", 360, "50000", "0")).decision());
        assertEquals(Decision.REFERRED, CreditDecisionRules.assess(request("40000", 360, "40000", "0")).decision());
        assertEquals(Decision.DECLINED, CreditDecisionRules.assess(request("40000.01", 360, "40000", "0")).decision());
    }

    @Test
    void theLargestDebtToIncomeAValidRequestCanReachFitsTheColumn() {
        CreditAssessment a = CreditDecisionRules.assess(request("1000000", 6, "0.01", "10000000"));
        assertEquals(Decision.DECLINED, a.decision());
        assertTrue(a.debtToIncome().precision() <= 16 && a.debtToIncome().scale() == 4,
                "numeric(16, 4) holds " + a.debtToIncome());
    }
}
