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
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What an applicant submits. The bounds are sanity limits on input (a typo of three extra zeros is rejected with
 * 400); lending policy lives in {@link CreditDecisionRules}. Every bound matches the schema (V1, V2), so every
 * request that passes is storable: text fits its column and holds no control character (PostgreSQL refuses NUL)
 * nor unpaired surrogate (it would be stored as '?'), numbers fit their columns' precision.
 */
public record CreditRequest(
        @NotBlank @Size(max = 200) @Pattern(regexp = TEXT, message = TEXT_MESSAGE) String applicantName,
        @NotBlank @Email @Size(max = 254) @Pattern(regexp = TEXT, message = TEXT_MESSAGE) String email,
        @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("1000000") @Digits(integer = 7, fraction = 2)
        BigDecimal amount,
        @NotNull @Min(6) @Max(360) Integer termMonths,
        @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("100000000") @Digits(integer = 9, fraction = 2)
        BigDecimal annualIncome,
        @NotNull @DecimalMin("0") @DecimalMax("10000000") @Digits(integer = 8, fraction = 2)
        BigDecimal monthlyDebt) {

    /**
     * At least one visible character; no control character (NUL, tab, line breaks…) and no unpaired surrogate.
     * Possessive quantifiers keep the match linear (no backtracking on a long run of spaces).
     */
    static final String TEXT = "(?U)[\\s&&[^\\p{Cc}]]*+[^\\p{Cc}\\p{Cs}\\s][^\\p{Cc}\\p{Cs}]*+";
    static final String TEXT_MESSAGE = "must contain visible characters and no control characters";
}
