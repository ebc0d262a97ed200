package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every event it receives, for assertions. Thread-safe.
 */
class RecordingListener implements IdempotencyListener {

	final List<RequestOutcome> outcomes = new CopyOnWriteArrayList<>();

	final List<StoreCall> storeCalls = new CopyOnWriteArrayList<>();

	final List<StoreOperation> fencedWrites = new CopyOnWriteArrayList<>();

	final List<Integer> storedBytes = new CopyOnWriteArrayList<>();

	final List<StoreOperation> retriedWrites = new CopyOnWriteArrayList<>();

	final List<StoreOperation> failedWrites = new CopyOnWriteArrayList<>();

	final List<Duration> renewalLags = new CopyOnWriteArrayList<>();

	@Override
	public void onWriteRetried(String endpoint, StoreOperation operation) {
		this.retriedWrites.add(operation);
	}

	@Override
	public void onWriteFailed(String endpoint, StoreOperation operation) {
		this.failedWrites.add(operation);
	}

	@Override
	public void onLeaseRenewed(String endpoint, Duration lag) {
		this.renewalLags.add(lag);
	}

	@Override
	public void onOutcome(String endpoint, RequestOutcome outcome) {
		this.outcomes.add(outcome);
	}

	@Override
	public void onStoreOperation(String store, StoreOperation operation, StoreOperationResult result,
			Duration elapsed) {
		this.storeCalls.add(new StoreCall(store, operation, result, elapsed));
	}

	@Override
	public void onFencedWrite(String endpoint, StoreOperation operation) {
		this.fencedWrites.add(operation);
	}

	@Override
	public void onResponseStored(String endpoint, int bytes) {
		this.storedBytes.add(bytes);
	}

	long count(StoreOperation operation, StoreOperationResult result) {
		return this.storeCalls.stream().filter((call) -> call.operation() == operation && call.result() == result).count();
	}

	long count(StoreOperation operation) {
		return this.storeCalls.stream().filter((call) -> call.operation() == operation).count();
	}

	record StoreCall(String store, StoreOperation operation, StoreOperationResult result, Duration elapsed) {
	}

}
