package io.creditrobot.api;

/** Examples shown in the OpenAPI document and Swagger UI (real answers of the API, shortened ids). */
final class ApiDocs {

    static final String REQUEST = """
            {"applicantName": "Ada Lovelace", "email": "ada@example.com", "amount": 12000, "termMonths": 36,
             "annualIncome": 55000, "monthlyDebt": 300}""";

    static final String APPLICATION = """
            {"id": "13fb0adc-2bc7-41d7-97b3-c05f69b13784", "applicantName": "Ada Lovelace",
             "email": "ada@example.com", "amount": 12000.00, "termMonths": 36, "annualIncome": 55000.00,
             "monthlyDebt": 300.00, "decision": "APPROVED", "score": 808,
             "reasons": ["Debt-to-income 14.9% and loan-to-income 0.22 are within the automatic-approval limits"],
             "monthlyInstallment": 381.04, "debtToIncome": 0.1486, "createdAt": "2026-11-24T06:56:30.328657Z"}""";

    static final String INVALID = """
            {"status": 400, "error": "Bad Request", "message": "Invalid input: amount, email",
             "violations": [{"field": "amount", "message": "must be greater than 0"},
                            {"field": "email", "message": "must be a well-formed email address"}]}""";

    static final String UNAVAILABLE = """
            {"status": 503, "error": "Service Unavailable",
             "message": "The database is unavailable; nothing was stored. Retry later."}""";

    private ApiDocs() {
    }
}
