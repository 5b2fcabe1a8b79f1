package io.creditrobot.application;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The lending policy: a pure, deterministic function of the request (no clock, no database, no configuration),
 * so the same request always gets the same decision and the rules can be tested exhaustively.
 *
 * <ul>
 * <li>DECLINED when debt-to-income including the new installment exceeds 50 %, the loan exceeds one year's income,
 * or the amount exceeds the 250 000 lending limit.</li>
 * <li>REFERRED when debt-to-income exceeds 36 %, the loan exceeds half a year's income, or the amount exceeds the
 * 50 000 automatic-approval limit.</li>
 * <li>APPROVED otherwise.</li>
 * </ul>
 */
public final class CreditDecisionRules {

    /** Nominal annual rate used to price the installment that the applicant would pay. */
    static final BigDecimal ANNUAL_RATE = new BigDecimal("0.089");

    static final BigDecimal DTI_REFER_ABOVE = new BigDecimal("0.36");
    static final BigDecimal DTI_DECLINE_ABOVE = new BigDecimal("0.50");
    static final BigDecimal LTI_REFER_ABOVE = new BigDecimal("0.5");
    static final BigDecimal LTI_DECLINE_ABOVE = BigDecimal.ONE;
    static final BigDecimal AUTO_APPROVAL_LIMIT = new BigDecimal("50000");
    static final BigDecimal LENDING_LIMIT = new BigDecimal("250000");

    private static final MathContext MC = MathContext.DECIMAL64;
    private static final BigDecimal TWELVE = BigDecimal.valueOf(12);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private CreditDecisionRules() {
    }

    public static CreditAssessment assess(CreditRequest request) {
        BigDecimal installment = monthlyInstallment(request.amount(), request.termMonths());
        BigDecimal monthlyIncome = request.annualIncome().divide(TWELVE, MC);
        BigDecimal dti = request.monthlyDebt().add(installment).divide(monthlyIncome, MC);
        BigDecimal lti = request.amount().divide(request.annualIncome(), MC);

        Judgement judgement = judge(dti, lti, request.amount());
        return new CreditAssessment(judgement.decision(), score(dti, lti), judgement.reasons(),
                installment.setScale(2, RoundingMode.HALF_UP), dti.setScale(4, RoundingMode.HALF_UP));
    }

    /** A decision and the reasons given for it. */
    record Judgement(Decision decision, List<String> reasons) {
    }

    /** The thresholds alone: every limit is inclusive ("exceeds" means strictly above). */
    static Judgement judge(BigDecimal dti, BigDecimal lti, BigDecimal amount) {
        List<String> declines = new ArrayList<>();
        List<String> referrals = new ArrayList<>();
        if (dti.compareTo(DTI_DECLINE_ABOVE) > 0) {
            declines.add("Debt-to-income " + percent(dti) + " exceeds the " + percent(DTI_DECLINE_ABOVE) + " maximum");
        } else if (dti.compareTo(DTI_REFER_ABOVE) > 0) {
            referrals.add("Debt-to-income " + percent(dti) + " exceeds the " + percent(DTI_REFER_ABOVE)
                    + " automatic-approval limit");
        }
        if (lti.compareTo(LTI_DECLINE_ABOVE) > 0) {
            declines.add("Loan-to-income " + ratio(lti) + " exceeds the " + ratio(LTI_DECLINE_ABOVE) + " maximum");
        } else if (lti.compareTo(LTI_REFER_ABOVE) > 0) {
            referrals.add("Loan-to-income " + ratio(lti) + " exceeds the " + ratio(LTI_REFER_ABOVE)
                    + " automatic-approval limit");
        }
        if (amount.compareTo(LENDING_LIMIT) > 0) {
            declines.add("Amount " + money(amount) + " exceeds the " + money(LENDING_LIMIT) + " lending limit");
        } else if (amount.compareTo(AUTO_APPROVAL_LIMIT) > 0) {
            referrals.add("Amount " + money(amount) + " exceeds the " + money(AUTO_APPROVAL_LIMIT)
                    + " automatic-approval limit");
        }
        if (!declines.isEmpty()) {
            return new Judgement(Decision.DECLINED, List.copyOf(declines));
        }
        if (!referrals.isEmpty()) {
            return new Judgement(Decision.REFERRED, List.copyOf(referrals));
        }
        return new Judgement(Decision.APPROVED, List.of("Debt-to-income " + percent(dti) + " and loan-to-income "
                + ratio(lti) + " are within the automatic-approval limits"));
    }

    /** Annuity installment: amount × r / (1 − (1 + r)^−n) with r the monthly rate. */
    static BigDecimal monthlyInstallment(BigDecimal amount, int termMonths) {
        BigDecimal r = ANNUAL_RATE.divide(TWELVE, MC);
        BigDecimal growth = BigDecimal.ONE.add(r).pow(termMonths, MC);
        BigDecimal discount = BigDecimal.ONE.subtract(BigDecimal.ONE.divide(growth, MC));
        return amount.multiply(r, MC).divide(discount, MC);
    }

    /** 0 to 1000: falls with debt-to-income and, less steeply, with loan-to-income. */
    static int score(BigDecimal dti, BigDecimal lti) {
        double raw = 1000 * (1 - dti.doubleValue()) - 200 * lti.doubleValue();
        return (int) Math.max(0, Math.min(1000, Math.round(raw)));
    }

    private static String percent(BigDecimal fraction) {
        return fraction.multiply(HUNDRED).setScale(1, RoundingMode.HALF_UP).toPlainString() + "%";
    }

    private static String ratio(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String money(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
