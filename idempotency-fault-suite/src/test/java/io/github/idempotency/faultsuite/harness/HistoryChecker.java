package io.github.idempotency.faultsuite.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link CallHistory} and checks, per scoped key (principal and key):
 * <ul>
 * <li>at most one completed execution (an answer that is neither a replay nor a refusal);</li>
 * <li>every replay is byte-identical (status and body hash) to the first completed response;</li>
 * <li>no replay's response arrived before the execution's request was sent;</li>
 * <li>no 409 for a request sent after the execution's response had arrived;</li>
 * <li>optionally, every answer is the execution, a replay, or a 409 with {@code Retry-After}.</li>
 * </ul>
 * Times are the client's ({@link System#nanoTime()}), so the checks hold whatever the network delays: a replay of a
 * response can only arrive once that execution's request has been sent, and a response the client holds has been
 * stored.
 */
public final class HistoryChecker {

	private static final int MAX_REPORTED = 10;

	private HistoryChecker() {
	}

	/**
	 * Checks a history.
	 * @param history the calls
	 * @param onlyExecutionReplayOrConflict whether any other answer (such as a 503 or a 500) is a violation too
	 * @return the executions found and the violations
	 */
	public static Result check(CallHistory history, boolean onlyExecutionReplayOrConflict) {
		List<String> violations = new ArrayList<>();
		int violationCount = 0;
		long executions = 0;
		for (Map.Entry<String, List<CallRecord>> entry : history.byScopedKey().entrySet()) {
			List<String> found = checkKey(entry.getValue(), onlyExecutionReplayOrConflict);
			executions += entry.getValue().stream().filter(CallRecord::isExecution).count();
			violationCount += found.size();
			for (String violation : found) {
				if (violations.size() < MAX_REPORTED) {
					violations.add(entry.getKey() + ": " + violation);
				}
			}
		}
		return new Result(executions, violationCount, violations);
	}

	private static List<String> checkKey(List<CallRecord> calls, boolean onlyExecutionReplayOrConflict) {
		List<String> violations = new ArrayList<>();
		List<CallRecord> executions = calls.stream().filter(CallRecord::isExecution).toList();
		if (executions.size() > 1) {
			violations.add(executions.size() + " completed executions");
		}
		CallRecord first = executions.isEmpty() ? null : executions.get(0);
		CallRecord reference = (first != null) ? first
				: calls.stream().filter(CallRecord::replayed).findFirst().orElse(null);
		for (CallRecord call : calls) {
			if (call.replayed() && reference != null
					&& (call.status() != reference.status() || !call.bodyHash().equals(reference.bodyHash()))) {
				violations.add("a replay (" + call.status() + ((call.problemType() != null)
						? " " + call.problemType().substring(call.problemType().lastIndexOf('/') + 1) : "")
						+ ") differs from the first response (" + reference.status() + ")");
			}
			if (call.replayed() && first != null && call.endNanos() < first.startNanos()) {
				violations.add("a replay arrived before the execution's request was sent");
			}
			if (call.status() == 409 && first != null && call.startNanos() > first.endNanos()) {
				violations.add("409 for a request sent after the response had completed");
			}
			if (call.status() == 409 && call.retryAfter() == null) {
				violations.add("409 without Retry-After");
			}
			if (onlyExecutionReplayOrConflict && !call.isExecution() && !call.replayed() && call.status() != 409) {
				violations.add("unexpected answer " + call.status() + " " + call.problemType());
			}
		}
		return violations;
	}

	/**
	 * What a check found.
	 *
	 * @param executions completed executions over all keys, as the clients saw them
	 * @param violationCount every violation found
	 * @param violations the first few, described
	 */
	public record Result(long executions, int violationCount, List<String> violations) {

		public boolean passed() {
			return this.violationCount == 0;
		}

	}

}
