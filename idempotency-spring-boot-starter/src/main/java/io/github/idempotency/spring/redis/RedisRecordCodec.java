package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.CorruptRecordException;
import org.jspecify.annotations.Nullable;

import static io.github.idempotency.spring.redis.RecordBytes.corrupt;

/**
 * The stored form of a record, version 2. One Redis string per record, so that every write is a single
 * {@code SET ... PX} and no record exists without an expiry; compact, so that a finished record with a 128-byte body
 * and its key fit in 300 bytes of Redis memory:
 *
 * <pre>
 * '2'                   format version
 * 'O' | 'K' | 'E'       ongoing, finished ok, finished error
 * 6 bytes               lease deadline or end of retention, epoch milliseconds by Redis's clock, big-endian
 * fingerprint           its version number (1 byte, 1 to 255) and its 32-byte SHA-256; or 0, a length byte and
 *                       the text, for a fingerprint that the first form would not give back exactly
 * owner                 a length byte and the token, empty once finished
 * response              only once finished, see {@link CompactResponseFormat}
 * </pre>
 *
 * The scripts read the state, the deadline and the owner, and copy the fingerprint (record-prelude.lua); only Java
 * reads the response. Records of version 1 ({@link LegacyRecordFormat}), written before an upgrade, are read too.
 */
final class RedisRecordCodec {

	static final byte VERSION = '2';

	private static final int SHA_256_LENGTH = 32;

	private static final int MAX_LENGTH = 255;

	private RedisRecordCodec() {
	}

	/**
	 * The one-character code of a finished state, as the completion script writes it.
	 * @param state a finished state
	 * @return its code
	 */
	static String stateCode(RecordState state) {
		return switch (state) {
			case FINISHED_OK -> "K";
			case FINISHED_ERROR -> "E";
			default -> throw new IllegalArgumentException("A completion finishes the record, not " + state);
		};
	}

	static RecordState state(byte code) {
		return switch (code) {
			case 'O' -> RecordState.ONGOING;
			case 'K' -> RecordState.FINISHED_OK;
			case 'E' -> RecordState.FINISHED_ERROR;
			default -> throw corrupt("its state is unknown");
		};
	}

	/**
	 * The fingerprint as the claim script stores it.
	 * @param fingerprint the fingerprint
	 * @return its stored bytes
	 */
	static byte[] encodeFingerprint(RequestFingerprint fingerprint) {
		String value = fingerprint.value();
		int colon = value.indexOf(':');
		int version = compactVersion(value, 1, colon);
		if (version > 0 && value.length() - colon - 1 == 2 * SHA_256_LENGTH) {
			// the digest's hex digits, parsed straight into the stored form
			byte[] encoded = new byte[1 + SHA_256_LENGTH];
			encoded[0] = (byte) version;
			for (int i = 0, hex = colon + 1; i < SHA_256_LENGTH; i++, hex += 2) {
				encoded[1 + i] = (byte) HexFormat.fromHexDigits(value, hex, hex + 2);
			}
			return encoded;
		}
		byte[] text = value.getBytes(StandardCharsets.UTF_8);
		if (text.length > MAX_LENGTH) {
			throw new IllegalArgumentException("A fingerprint to store is at most " + MAX_LENGTH + " bytes");
		}
		byte[] encoded = new byte[2 + text.length];
		encoded[1] = (byte) text.length;
		System.arraycopy(text, 0, encoded, 2, text.length);
		return encoded;
	}

	/**
	 * Whether decoding a fingerprint's stored form gives back exactly that fingerprint: always for the compact form,
	 * since a {@link RequestFingerprint} is a {@code v}, decimal digits, a colon and 64 lower-case hex digits, and the
	 * compact form is used only when the digits are the version's decimal form.
	 * @param stored a fingerprint's {@link #encodeFingerprint stored form}
	 * @return {@code true} when decoding gives back an equal fingerprint
	 */
	static boolean readsBackExactly(byte[] stored) {
		return stored.length == 1 + SHA_256_LENGTH && stored[0] != 0;
	}

	/**
	 * The response as the completion script stores it.
	 * @param response the response
	 * @return its stored bytes
	 */
	static byte[] encodeResponse(StoredResponse response) {
		return CompactResponseFormat.encode(response);
	}

	/**
	 * Decodes a stored record of either version.
	 * @param value the stored bytes
	 * @return the record
	 * @throws CorruptRecordException when the bytes are not a record of a known version
	 */
	static IdempotencyRecord decode(byte[] value) {
		return decode(value, null, null);
	}

	/**
	 * Decodes a stored record of either version, taking {@code known} as its fingerprint when the record stores
	 * exactly {@code knownStored}: the record that a claim finds usually holds the fingerprint of the request that
	 * claims (a replay), so its digest need not be formatted as text again.
	 * @param value the stored bytes
	 * @param known a fingerprint whose stored form {@link #readsBackExactly reads back exactly}, or
	 * {@code null}
	 * @param knownStored its stored bytes, or {@code null}
	 * @return the record
	 * @throws CorruptRecordException when the bytes are not a record of a known version
	 */
	static IdempotencyRecord decode(byte[] value, @Nullable RequestFingerprint known, byte @Nullable [] knownStored) {
		try {
			if (value.length > 0 && value[0] == LegacyRecordFormat.VERSION) {
				return LegacyRecordFormat.decode(value);
			}
			return doDecode(value, known, knownStored);
		}
		catch (CorruptRecordException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new CorruptRecordException("An idempotency record in Redis cannot be decoded", ex);
		}
	}

	private static IdempotencyRecord doDecode(byte[] value, @Nullable RequestFingerprint known,
			byte @Nullable [] knownStored) {
		if (value.length < 2 || value[0] != VERSION) {
			throw corrupt("it is not a record of a known version");
		}
		RecordState state = state(value[1]);
		RecordBytes reader = new RecordBytes(value, 2);
		Instant expiresAt = Instant.ofEpochMilli(reader.unsigned(6));
		RequestFingerprint fingerprint = (known != null && knownStored != null && reader.skipIfNext(knownStored))
				? known : decodeFingerprint(reader);
		String owner = reader.string(reader.next());
		if (state == RecordState.ONGOING) {
			if (reader.remaining() != 0) {
				throw corrupt("an ongoing record holds a response");
			}
			return IdempotencyRecord.ongoing(new OwnerToken(owner), fingerprint, expiresAt);
		}
		if (!owner.isEmpty()) {
			throw corrupt("a finished record holds an owner");
		}
		return IdempotencyRecord.finished(state, fingerprint, CompactResponseFormat.decode(reader), expiresAt);
	}

	private static RequestFingerprint decodeFingerprint(RecordBytes reader) {
		int version = reader.next();
		if (version == 0) {
			return new RequestFingerprint(reader.string(reader.next()));
		}
		return new RequestFingerprint("v" + version + ":" + HexFormat.of().formatHex(reader.bytes(SHA_256_LENGTH)));
	}

	// the version as a byte, when writing it back as decimal gives the same text; else 0
	private static int compactVersion(String value, int start, int end) {
		if (end <= start || end - start > 3 || value.charAt(start) == '0') {
			return 0;
		}
		int version = Integer.parseInt(value, start, end, 10);
		return (version <= MAX_LENGTH) ? version : 0;
	}

}
