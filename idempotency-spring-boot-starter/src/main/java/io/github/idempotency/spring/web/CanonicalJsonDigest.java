package io.github.idempotency.spring.web;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.json.JsonFactory;

/**
 * A SHA-256 of a JSON body in canonical form, so that two bodies that mean the same document get the same digest:
 * object members in any order, any insignificant whitespace, any escape form of a string.
 * <p>
 * The body is fed as it is read ({@link #update}), through Jackson's non-blocking streaming parser: no tree, and no
 * copy of the body beyond its first bytes (below). {@link CanonicalJsonWriter} writes each token in a tagged,
 * length-prefixed encoding ({@link EncodedDocument}), never text:
 * <ul>
 * <li><strong>objects</strong>: members sorted by name ({@link OpenObjects}), nested objects first. Members are moved
 * only when they arrived out of order, and the outermost object is hashed where it lies, so a body is held only until
 * its outermost object closes.</li>
 * <li><strong>strings</strong> (values and names): the parsed characters as UTF-8, so {@code "\u0041"} and
 * {@code "A"} are the same string.</li>
 * <li><strong>numbers</strong>: by exact decimal value ({@link CanonicalNumber}), so {@code 1}, {@code 1.0},
 * {@code 1e0} and {@code 10E-1} are the same number, {@code 0} and {@code -0.0} too; no rounding to a double, so
 * {@code 1} and {@code 1.00000000000000000001} differ. A number with an exponent of more than 15 digits is left to the
 * byte digest.</li>
 * <li>{@code true}, {@code false}, {@code null} and array order are kept as they are.</li>
 * </ul>
 * A body that is not exactly one JSON document (invalid, empty, several documents in a row, or an object with a
 * member name twice, whose meaning depends on the reader) falls back to the SHA-256 of its bytes. Canonical and byte
 * digests are computed in separate domains (a tag byte first), so a body that is not JSON never matches a canonical
 * one. The fallback needs the bytes: the first {@value #MAX_HELD_BYTES} are held (a typical body is far smaller) and
 * hashed only if the bytes' digest is asked for, which a JSON document fingerprinted canonically never does; past
 * that, they are hashed as they are fed, next to the parser.
 * <p>
 * Not thread-safe: one body at a time. {@link #acquire()} hands out an instance that the current thread used before
 * (its buffers already grown, its digests cloned from a prototype rather than looked up), and {@link #release()}
 * gives it back; only the parser is created per body, since Jackson's non-blocking parser cannot be reset.
 */
final class CanonicalJsonDigest {

	// duplicate names are found while sorting, cheaper than the parser's per-object hash set
	private static final JsonFactory JSON = JsonFactory.builder().build();

	private static final HexFormat HEX = HexFormat.of();

	private static final byte CANONICAL_DOMAIN = 'J';

	private static final byte BYTES_DOMAIN = 'B';

	/** Bodies up to this size are held rather than hashed as bytes, in case their bytes' digest is never needed. */
	static final int MAX_HELD_BYTES = 8192;

	/** Looked up once; every instance clones it, which skips the provider lookup of {@code getInstance}. */
	private static final MessageDigest SHA_256 = sha256();

	/** One idle instance per thread: a request's body is digested on one thread at a time. */
	private static final ThreadLocal<CanonicalJsonDigest> IDLE = new ThreadLocal<>();

	private final MessageDigest canonical = cloneSha256();

	private final MessageDigest bytes = cloneSha256();

	private final CanonicalJsonWriter writer = new CanonicalJsonWriter();

	private final byte[] result = new byte[32];

	private JsonParser parser;

	/** The body's first bytes, while it fits in {@value #MAX_HELD_BYTES}; grown by doubling. */
	private byte[] held = new byte[256];

	private int heldLength;

	/** Whether the bytes are hashed into {@link #bytes} as they come, the body having outgrown {@link #held}. */
	private boolean bytesStreamed;

	private boolean canonicalResult;

	private @Nullable String hex;

	private @Nullable String bytesHex;

	CanonicalJsonDigest() {
		this.parser = start();
	}

	/**
	 * An instance ready for a new body, reused from this thread when one is idle.
	 * @return the digest, to {@link #release()} once its result was read
	 */
	static CanonicalJsonDigest acquire() {
		CanonicalJsonDigest idle = IDLE.get();
		if (idle == null) {
			return new CanonicalJsonDigest();
		}
		IDLE.remove();
		idle.parser = idle.start();
		return idle;
	}

	/**
	 * Gives this instance back for the next body digested on the current thread; it must not be used afterwards.
	 */
	void release() {
		if (this.hex == null) {
			this.parser.close();
		}
		// an unusually large body grew the buffers: let them go rather than keep them per thread
		if (this.writer.isSmall()) {
			IDLE.set(this);
		}
	}

	private JsonParser start() {
		this.canonical.reset();
		this.canonical.update(CANONICAL_DOMAIN);
		this.heldLength = 0;
		this.bytesStreamed = false;
		this.writer.reset();
		this.canonicalResult = false;
		this.hex = null;
		this.bytesHex = null;
		return JSON.createNonBlockingByteArrayParser(ObjectReadContext.empty());
	}

	/**
	 * The digest of a whole body.
	 * @param body the body
	 * @return 64 hex characters
	 */
	static String hex(byte[] body) {
		CanonicalJsonDigest digest = new CanonicalJsonDigest();
		digest.update(body, 0, body.length);
		return digest.hex();
	}

	/**
	 * Feeds the next bytes of the body.
	 * @param input the bytes
	 * @param offset where they start
	 * @param length how many
	 */
	void update(byte[] input, int offset, int length) {
		if (this.hex != null || this.bytesHex != null) {
			throw new IllegalStateException("The digest was already computed");
		}
		holdBytes(input, offset, length);
		if (this.writer.isInvalid() || length == 0) {
			return;
		}
		try {
			((ByteArrayFeeder) this.parser.nonBlockingInputFeeder()).feedInput(input, offset, offset + length);
			this.writer.writeAvailable(this.parser, this.canonical);
		}
		catch (JacksonException ex) {
			this.writer.invalidate();
		}
	}

	/**
	 * Ends the body and computes the digest: canonical when the body was one JSON document, of its bytes otherwise.
	 * @return 64 hex characters
	 */
	String hex() {
		String result = this.hex;
		if (result == null) {
			if (!this.writer.isInvalid()) {
				try {
					this.parser.nonBlockingInputFeeder().endOfInput();
					this.writer.writeAvailable(this.parser, this.canonical);
				}
				catch (JacksonException ex) {
					this.writer.invalidate();
				}
			}
			this.canonicalResult = this.writer.finish(this.canonical);
			result = this.canonicalResult ? finish(this.canonical) : bytesHex();
			this.hex = result;
			this.parser.close();
		}
		return result;
	}

	private void holdBytes(byte[] input, int offset, int length) {
		if (this.bytesStreamed) {
			this.bytes.update(input, offset, length);
			return;
		}
		int needed = this.heldLength + length;
		if (needed > MAX_HELD_BYTES) {
			startBytesDigest();
			this.bytes.update(input, offset, length);
			return;
		}
		if (needed > this.held.length) {
			this.held = Arrays.copyOf(this.held, Math.min(MAX_HELD_BYTES, Math.max(needed, 2 * this.held.length)));
		}
		System.arraycopy(input, offset, this.held, this.heldLength, length);
		this.heldLength = needed;
	}

	private void startBytesDigest() {
		this.bytes.reset();
		this.bytes.update(BYTES_DOMAIN);
		this.bytes.update(this.held, 0, this.heldLength);
		this.bytesStreamed = true;
	}

	/**
	 * The SHA-256 of the body's bytes, in the domain of the fallback, whether or not the body was one JSON document.
	 * @return 64 hex characters
	 */
	String bytesHex() {
		String result = this.bytesHex;
		if (result == null) {
			if (!this.bytesStreamed) {
				startBytesDigest();
			}
			result = finish(this.bytes);
			this.bytesHex = result;
		}
		return result;
	}

	/**
	 * Whether the digest is canonical, once {@link #hex()} was computed.
	 * @return {@code false} when the body was not one JSON document and its bytes were hashed
	 */
	boolean isCanonical() {
		if (this.hex == null) {
			throw new IllegalStateException("The digest is not computed yet");
		}
		return this.canonicalResult;
	}

	/** Ends a digest into this instance's own buffer rather than a new array per body. */
	private String finish(MessageDigest digest) {
		try {
			digest.digest(this.result, 0, this.result.length);
		}
		catch (DigestException ex) {
			// 32 bytes is SHA-256's length
			throw new IllegalStateException(ex);
		}
		return HEX.formatHex(this.result);
	}

	private static MessageDigest cloneSha256() {
		try {
			return (MessageDigest) SHA_256.clone();
		}
		catch (CloneNotSupportedException ex) {
			// a provider whose digests cannot be cloned
			return sha256();
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to provide SHA-256
			throw new IllegalStateException(ex);
		}
	}

}
