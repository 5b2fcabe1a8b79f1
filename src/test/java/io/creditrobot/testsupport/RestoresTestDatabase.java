package io.creditrobot.testsupport;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, the suite's {@link TestDatabase} is as the next test expects it, whatever the test did through its
 * controls and however it ended: thawed, running, and with no database-level {@code default_transaction_read_only}.
 * Each step does nothing when there is nothing to undo. Use with {@code @ExtendWith(RestoresTestDatabase.class)}; a
 * test that changes more (a {@code REVOKE}, a lock) takes that back itself, in a {@code finally}.
 */
public final class RestoresTestDatabase implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        TestDatabase db = TestDatabase.current();
        db.thaw();
        db.start();
        db.readOnly(false, false);
    }
}
