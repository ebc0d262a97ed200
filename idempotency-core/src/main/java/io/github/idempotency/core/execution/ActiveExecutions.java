package io.github.idempotency.core.execution;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executions that hold a key in this JVM right now, with their start, for the executor's gauges and for the
 * read-only {@link RunningExecution} snapshots that operators see.
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

	/** {@return the executions running now, oldest first} */
	List<RunningExecution> snapshot() {
		return this.active.keySet()
			.stream()
			.map(Execution::snapshot)
			.sorted(Comparator.comparing(RunningExecution::startedAt))
			.toList();
	}

	Optional<Instant> oldestStart() {
		return this.active.values().stream().min(Instant::compareTo);
	}

}
