package io.github.idempotency.spring.actuate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;

/**
 * The version an operator reads and a fenced delete presents. It identifies a record the way
 * {@link io.github.idempotency.core.store.IdempotencyStore#deleteIfUnchanged} compares records (the owner of an ongoing
 * record, the state and end of retention of a finished one), hashed so that the owner token, the fencing token of
 * the running execution, never leaves the application.
 */
final class RecordVersion {

	private RecordVersion() {
	}

	static String of(IdempotencyRecord record) {
		String identity = (record.state() == RecordState.ONGOING) ? record.owner().value()
				: record.expiresAt().toString();
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(("idempotency-record-version-v1\n" + record.state().name() + "\n" + identity)
				.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest.digest(), 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to provide SHA-256
			throw new IllegalStateException(ex);
		}
	}

}
