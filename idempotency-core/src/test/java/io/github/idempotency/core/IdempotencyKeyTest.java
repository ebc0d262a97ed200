package io.github.idempotency.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class IdempotencyKeyTest {

	@Test
	void rejectsEmptyKey() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> IdempotencyKey.of("alice", "POST /payments", ""))
			.withMessageContaining("empty");
	}

	@Test
	void rejectsNullKey() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> IdempotencyKey.of("alice", "POST /payments", null));
	}

	@Test
	void accepts255Characters() {
		String key = "k".repeat(255);
		assertThat(IdempotencyKey.of("alice", "POST /payments", key).clientKey()).isEqualTo(key);
	}

	@Test
	void rejects256Characters() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> IdempotencyKey.of("alice", "POST /payments", "k".repeat(256)))
			.withMessageContaining("255");
	}

	@Test
	void configuredMaxLengthIsHonouredButNeverAbove255() {
		assertThatNoException().isThrownBy(() -> IdempotencyKey.validate("k".repeat(10), 10));
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> IdempotencyKey.validate("k".repeat(11), 10));
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> IdempotencyKey.validate("k".repeat(256), 1000));
	}

	@Test
	void rejectsNonAsciiWithoutEchoingTheKey() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> IdempotencyKey.of("alice", "POST /payments", "café-secret"))
			.withMessageContaining("position 3")
			.withMessageNotContaining("secret");
	}

	@Test
	void rejectsControlCharacters() {
		for (String key : new String[] { "a\tb", "a\nb", "a\u0000b", "a\u001fb", "a\u007fb" }) {
			assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
				.as("key with control character %s", (int) key.charAt(1))
				.isThrownBy(() -> IdempotencyKey.of("alice", "POST /payments", key));
		}
	}

	@Test
	void acceptsEveryPrintableAsciiCharacter() {
		StringBuilder all = new StringBuilder();
		for (char c = 0x20; c <= 0x7E; c++) {
			all.append(c);
		}
		assertThatNoException().isThrownBy(() -> IdempotencyKey.of("", "op", all.toString()));
	}

	@Test
	void storageKeyHasFixedLengthWhateverTheKeyLength() {
		StorageKey shortKey = IdempotencyKey.of("alice", "POST /payments", "a").storageKey();
		StorageKey longKey = IdempotencyKey.of("alice", "POST /payments", "a".repeat(255)).storageKey();
		assertThat(shortKey.value()).hasSize(StorageKey.LENGTH).matches("[0-9a-f]{64}");
		assertThat(longKey.value()).hasSize(StorageKey.LENGTH).matches("[0-9a-f]{64}");
		assertThat(shortKey).isNotEqualTo(longKey);
	}

	@Test
	void storageKeyRevealsNoneOfTheRawText() {
		IdempotencyKey key = IdempotencyKey.of("alice", "POST /payments", "order-12345");
		assertThat(key.storageKey().value()).doesNotContain("alice", "payments", "order", "12345");
		assertThat(key.toString()).doesNotContain("alice", "order-12345").contains(key.storageKey().value());
	}

	@Test
	void sameScopeOperationAndKeyGiveTheSameStorageKey() {
		assertThat(IdempotencyKey.of("alice", "POST /payments", "k1"))
			.isEqualTo(IdempotencyKey.of("alice", "POST /payments", "k1"))
			.hasSameHashCodeAs(IdempotencyKey.of("alice", "POST /payments", "k1"));
	}

	@Test
	void scopesAreSeparated() {
		assertThat(IdempotencyKey.of("alice", "POST /payments", "k1").storageKey())
			.isNotEqualTo(IdempotencyKey.of("bob", "POST /payments", "k1").storageKey());
		assertThat(IdempotencyKey.of("", "POST /payments", "k1").storageKey())
			.isNotEqualTo(IdempotencyKey.of("alice", "POST /payments", "k1").storageKey());
	}

	@Test
	void operationsAreSeparated() {
		assertThat(IdempotencyKey.of("alice", "POST /payments", "k1").storageKey())
			.isNotEqualTo(IdempotencyKey.of("alice", "POST /orders", "k1").storageKey());
	}

	@Test
	void partsNeverRunIntoEachOther() {
		assertThat(IdempotencyKey.of("ab", "c", "k").storageKey())
			.isNotEqualTo(IdempotencyKey.of("a", "bc", "k").storageKey());
		assertThat(IdempotencyKey.of("a", "b", "ck").storageKey())
			.isNotEqualTo(IdempotencyKey.of("a", "bc", "k").storageKey());
	}

	@Test
	void downstreamKeyIsDeterministicAndDistinctFromStorageKey() {
		IdempotencyKey key = IdempotencyKey.of("alice", "POST /payments", "k1");
		String downstream = key.downstreamKey();
		assertThat(downstream).matches("[0-9a-f]{64}")
			.isEqualTo(IdempotencyKey.of("alice", "POST /payments", "k1").downstreamKey())
			.isNotEqualTo(key.storageKey().value())
			.doesNotContain("alice", "k1");
		assertThat(IdempotencyKey.of("bob", "POST /payments", "k1").downstreamKey()).isNotEqualTo(downstream);
	}

	@Test
	void storageAndDownstreamKeysAreStableAcrossReleases() {
		// stored records and downstream systems are keyed by these values, so they must never change between
		// library versions (known answers: SHA-256 over length-prefixed parts)
		IdempotencyKey key = IdempotencyKey.of("", "charge", "k1");
		assertThat(key.storageKey().value())
			.isEqualTo("ad408c84e2469952b766eee41beb98676a4372ff7dbf18ddcf1749b67efcd2e8");
		assertThat(key.downstreamKey()).isEqualTo("50dc39f1f3f6f8e909d4a1bbeac6fd8494c84772adeeefaac4925c06587d0967");
	}

	@Test
	void storageKeyRejectsAnythingButLowerCaseHex() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> new StorageKey("ABC"));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new StorageKey("A".repeat(64)));
		assertThatNoException().isThrownBy(() -> new StorageKey("a".repeat(64)));
	}

}
