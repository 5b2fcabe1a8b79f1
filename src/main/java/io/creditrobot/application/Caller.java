package io.creditrobot.application;

/**
 * Who is asking, as the verified access token says: its subject (the owner of what they submit) and whether they are
 * an officer, who reads every applicant's applications. An applicant sees only their own.
 */
public record Caller(String subject, boolean officer) {
}
