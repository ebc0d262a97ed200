package io.github.idempotency.faultsuite.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every call of a run, recorded by any number of client threads.
 */
public final class CallHistory {

	private final List<CallRecord> calls = new ArrayList<>();

	synchronized void add(CallRecord call) {
		this.calls.add(call);
	}

	public synchronized List<CallRecord> calls() {
		return List.copyOf(this.calls);
	}

	/**
	 * The calls grouped by principal and key, each group in the order the calls started.
	 * @return the histories per scoped key
	 */
	public synchronized Map<String, List<CallRecord>> byScopedKey() {
		return this.calls.stream()
			.sorted(java.util.Comparator.comparingLong(CallRecord::startNanos))
			.collect(Collectors.groupingBy((call) -> call.principal() + "/" + call.key(),
					java.util.LinkedHashMap::new, Collectors.toList()));
	}

}
