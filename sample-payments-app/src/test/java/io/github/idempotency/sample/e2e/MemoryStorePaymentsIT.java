package io.github.idempotency.sample.e2e;

import java.util.Map;

/**
 * The default run: in-memory idempotency store and H2, with no Redis or PostgreSQL anywhere.
 */
class MemoryStorePaymentsIT extends AbstractPaymentsEndToEndIT {

	@Override
	RunningApp startApp(Map<String, String> extraProperties) {
		return RunningApp.start(null, extraProperties);
	}

}
