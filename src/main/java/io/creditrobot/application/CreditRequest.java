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
        @NotBlank @Size(max = 200) @Pattern(regexp = NAME, message = NAME_MESSAGE) String applicantName,
        @NotBlank @Email @Size(max = 254) @Pattern(regexp = EMAIL, message = EMAIL_MESSAGE) String email,
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
    /**
     * A name: at least one letter that shows (not the Hangul fillers, which are letters that render as nothing), and
     * no control, surrogate or formatting character (zero-width space, byte-order mark, soft hyphen, the bidi
     * overrides such as U+202E that make a name display as another) but the zero-width joiners some scripts need.
     */
    static final String NAME = "(?U)(?=.*?[\\p{L}&&[^\\u115F\\u1160\\u3164\\uFFA0]])"
            + "(?:[^\\p{Cc}\\p{Cs}\\p{Cf}]|[\\u200C\\u200D])++";
    static final String NAME_MESSAGE = "must contain a letter and no control or invisible formatting characters";

    /** An address a mail server can route: visible characters, one {@code @}, a domain with a dot in it. */
    static final String EMAIL = "[^\\s@\\p{Cc}\\p{Cf}\\p{Cs}]++@(?:[^\\s@.\\p{Cc}\\p{Cf}\\p{Cs}]++\\.)++"
            + "[^\\s@.\\p{Cc}\\p{Cf}\\p{Cs}]++";
    static final String EMAIL_MESSAGE = "must be an address such as name@example.com";
}
