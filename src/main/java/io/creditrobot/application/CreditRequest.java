package io.creditrobot.application;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * What an applicant submits. The bounds are sanity limits on input (a typo of three extra zeros is rejected with
 * 400); lending policy lives in {@link CreditDecisionRules}.
 */
public record CreditRequest(
        @NotBlank @Size(max = 200) String applicantName,
        @NotBlank @Email @Size(max = 254) String email,
        @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("1000000") @Digits(integer = 7, fraction = 2)
        BigDecimal amount,
        @NotNull @Min(6) @Max(360) Integer termMonths,
        @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("100000000") @Digits(integer = 9, fraction = 2)
        BigDecimal annualIncome,
        @NotNull @DecimalMin("0") @DecimalMax("10000000") @Digits(integer = 8, fraction = 2)
        BigDecimal monthlyDebt) {
}
