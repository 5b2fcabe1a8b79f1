-- GET /api/applications/{id} as an applicant (ApplicationReads.find): :id and :owner given with -D.
SELECT id, applicant_name, email, amount, term_months, annual_income, monthly_debt, decision, score, reasons, monthly_installment, debt_to_income, created_at FROM credit_application WHERE id = :id AND owner = :owner;
