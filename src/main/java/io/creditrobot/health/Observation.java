package io.creditrobot.health;

import java.util.Map;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.creditrobot.reason.Reason;

/**
 * One check's answer as the watcher takes it: the one place a response's reason is read back (a {@link Reason}'s code
 * for ours; whatever a check of another library put under {@code reason}, or {@link #UNSPECIFIED}).
 *
 * @param reason null when up
 * @param evidence the check's data, journaled with the change
 */
record Observation(String check, boolean up, String reason, Map<String, Object> evidence) {

    static final String UNSPECIFIED = "unspecified";

    static Observation of(HealthCheckResponse response) {
        Map<String, Object> data = response.getData().orElse(Map.of());
        boolean up = response.getStatus() == HealthCheckResponse.Status.UP;
        return new Observation(response.getName(), up,
                up ? null : String.valueOf(data.getOrDefault(Reason.KEY, UNSPECIFIED)), data);
    }
}
