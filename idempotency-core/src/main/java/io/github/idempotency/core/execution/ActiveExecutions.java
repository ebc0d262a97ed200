package io.github.idempotency.core.execution;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executions that hold a key in this JVM right now, with their start, for the executor's gauges.
 */
final class ActiveExecutions {

	private final Map<Execution, Instant> active = new ConcurrentHashMap<>();

	void started(Execution execution) {
		this.active.put(execution, execution.startedAt());
	}

	void ended(Execution execution) {
		this.active.remove(execution);
	}

	int count() {
		return this.active.size();
	}

	Optional<Instant> oldestStart() {
		return this.active.values().stream().min(Instant::compareTo);
	}

}
