package io.creditrobot.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A timed GET with a hard client timeout, for probes whose answer time is what is being tested. It sends the management
 * port's operator credentials (probe paths ignore them; {@code ManagementAuthTest} checks them without).
 */
public final class Http {

    /** Far above every bound the tests assert, so that a hang shows as a slow answer rather than a stuck test. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);

    // HTTP/1.1, as kubelet and load balancers probe.
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CLIENT_TIMEOUT).build();

    private Http() {
    }

    /** What a probe saw: the status (-1 when no answer came), the body, and how long it took. */
    public record Answer(int status, String body, long millis) {
    }

    public static Answer get(String url) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(CLIENT_TIMEOUT)
                            .header("Authorization", Tokens.operatorBasic()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), elapsedMillis(start));
        } catch (IOException e) {
            return new Answer(-1, e.getClass().getName(), elapsedMillis(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted", elapsedMillis(start));
        }
    }

    /** POSTs a credit application for {@code applicantName} (a valid, approvable body) as JSON to {@code url}, as alice. */
    public static HttpResponse<String> postApplication(String url, String applicantName)
            throws IOException, InterruptedException {
        return CLIENT.send(applicationRequest(url, applicantName), HttpResponse.BodyHandlers.ofString());
    }

    /** The request {@link #postApplication} sends, for a test that sends it asynchronously. */
    public static HttpRequest applicationRequest(String url, String applicantName) {
        String body = "{\"applicantName\":\"" + applicantName + "\",\"email\":\"applicant@example.com\","
                + "\"amount\":5000,\"termMonths\":24,\"annualIncome\":80000,\"monthlyDebt\":0}";
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", Tokens.bearer())
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    public static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
