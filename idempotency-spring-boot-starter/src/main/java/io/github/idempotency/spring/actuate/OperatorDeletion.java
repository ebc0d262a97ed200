package io.github.idempotency.spring.actuate;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * An operator's delete of one record: fenced by the version the operator read (the store compares the record
 * itself, atomically, through {@link IdempotencyStore#deleteIfUnchanged}), or forced. Every delete is logged and
 * reported to the {@link RecordDeletionListener}.
 */
final class OperatorDeletion {

	// the endpoint's logger name, which operators set levels and appenders for
	private static final Log logger = LogFactory.getLog(IdempotencyEndpoint.class);

	private final IdempotencyStore store;

	private final RecordDeletionListener listener;

	private final Clock clock;

	OperatorDeletion(IdempotencyStore store, RecordDeletionListener listener, Clock clock) {
		this.store = store;
		this.listener = listener;
		this.clock = clock;
	}

	/**
	 * Deletes the record of a key.
	 * @param key the hashed key
	 * @param endpoint the endpoint's name, for the log and the listener
	 * @param version the version read, for a fenced delete
	 * @param force {@code true} for a forced delete, instead of a version
	 * @return the outcome, or a problem
	 */
	WebEndpointResponse<Object> delete(StorageKey key, String endpoint, @Nullable String version,
			@Nullable Boolean force) {
		boolean forced = Boolean.TRUE.equals(force);
		if (forced == (version != null)) {
			return OperatorProblem.badRequest("Give either the 'version' of the record as read from "
					+ "/actuator/idempotency/" + key.value() + " (deleted only if unchanged), or force=true");
		}
		try {
			return forced ? forceDelete(key, endpoint) : fencedDelete(key, endpoint, version);
		}
		catch (IdempotencyStoreException ex) {
			logger.warn("Operator delete of idempotency record " + key + " (" + endpoint + ") failed: the store "
					+ "could not be reached", ex);
			return OperatorProblem.storeUnavailable(String.valueOf(ex.getMessage()));
		}
	}

	private WebEndpointResponse<Object> forceDelete(StorageKey key, String endpoint) {
		if (!this.store.delete(key)) {
			return ended(key, endpoint, RecordDeletionOutcome.ABSENT, OperatorProblem.absent(key.value()));
		}
		logger.warn("Operator force-deleted idempotency record " + key + " (" + endpoint + ") whatever its state: "
				+ "a retry of its key runs again");
		return ended(key, endpoint, RecordDeletionOutcome.FORCED, deleted(key, RecordDeletionOutcome.FORCED));
	}

	private WebEndpointResponse<Object> fencedDelete(StorageKey key, String endpoint, String version) {
		Optional<IdempotencyRecord> current;
		try {
			current = this.store.find(key, this.clock.instant());
		}
		catch (CorruptRecordException ex) {
			return ended(key, endpoint, RecordDeletionOutcome.UNREADABLE, OperatorProblem.unreadable(key.value()));
		}
		if (current.isEmpty()) {
			return ended(key, endpoint, RecordDeletionOutcome.ABSENT, OperatorProblem.absent(key.value()));
		}
		IdempotencyRecord record = current.get();
		// the store compares the record itself, atomically: the version check only ties it to what the operator saw
		if (!RecordVersion.of(record).equals(version)
				|| !this.store.deleteIfUnchanged(key, record, this.clock.instant())) {
			return ended(key, endpoint, RecordDeletionOutcome.CHANGED, changed(key));
		}
		logger.warn("Operator deleted idempotency record " + key + " (" + endpoint + ", " + record.state()
				+ ", version " + version + "): a retry of its key runs again");
		return ended(key, endpoint, RecordDeletionOutcome.DELETED, deleted(key, RecordDeletionOutcome.DELETED));
	}

	private WebEndpointResponse<Object> changed(StorageKey key) {
		Map<String, Object> current = new LinkedHashMap<>();
		try {
			this.store.find(key, this.clock.instant()).ifPresent((record) -> {
				current.put("state", record.state().name());
				current.put("version", RecordVersion.of(record));
			});
		}
		catch (CorruptRecordException ex) {
			// the refusal stands; what replaced the record cannot be shown
		}
		return OperatorProblem.changed(key.value(), current);
	}

	private WebEndpointResponse<Object> ended(StorageKey key, String endpoint, RecordDeletionOutcome outcome,
			WebEndpointResponse<Object> response) {
		if (outcome != RecordDeletionOutcome.DELETED && outcome != RecordDeletionOutcome.FORCED) {
			logger.info("Operator delete of idempotency record " + key + " (" + endpoint + ") refused: "
					+ outcome.tagValue());
		}
		this.listener.onDeletion(endpoint, outcome);
		return response;
	}

	private static WebEndpointResponse<Object> deleted(StorageKey key, RecordDeletionOutcome outcome) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", key.value());
		body.put("outcome", outcome.tagValue());
		return new WebEndpointResponse<>(body);
	}

}
