package io.github.idempotency.spring.web;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.json.JsonFactory;

/**
 * A SHA-256 of a JSON body in canonical form, so that two bodies that mean the same document get the same digest:
 * object members in any order, any insignificant whitespace, any escape form of a string.
 * <p>
 * The body is fed as it is read ({@link #update}), through Jackson's non-blocking streaming parser: no tree, no copy
 * of the body. The canonical form is a tagged, length-prefixed encoding of the parsed values, never text:
 * <ul>
 * <li><strong>objects</strong>: members sorted by name (the encoded name's bytes, unsigned). Sorting buffers the
 * members of each open object, encoded, in one growing buffer per nesting depth, reused for the next object at that
 * depth; nested objects are sorted first and written into their parent's member.</li>
 * <li><strong>strings</strong> (values and names): the parsed characters as UTF-8, so {@code "\u0041"} and
 * {@code "A"} are the same string.</li>
 * <li><strong>numbers</strong>: by exact decimal value, so {@code 1}, {@code 1.0}, {@code 1e0} and {@code 10E-1} are
 * the same number, {@code 0} and {@code -0.0} too; no rounding to a double, so {@code 1} and
 * {@code 1.00000000000000000001} differ. Numbers are written, from their text, as their significant digits and an
 * exponent; one with an exponent of more than 15 digits is left to the byte digest.</li>
 * <li>{@code true}, {@code false}, {@code null} and array order are kept as they are.</li>
 * </ul>
 * A body that is not exactly one JSON document (invalid, empty, several documents in a row, or an object with a
 * member name twice, whose meaning depends on the reader) falls back to the SHA-256 of its bytes. Canonical and byte
 * digests are computed in separate domains (a tag byte first), so a body that is not JSON never matches a canonical
 * one. The fallback needs the bytes, which are not kept, so they are hashed as they are fed, next to the parser.
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

	private static final byte OBJECT_START = '{';

	private static final byte OBJECT_END = '}';

	private static final byte ARRAY_START = '[';

	private static final byte ARRAY_END = ']';

	private static final byte STRING = 's';

	private static final byte NUMBER = 'n';

	private static final byte NUMBER_END = ';';

	private static final byte TRUE = 't';

	private static final byte FALSE = 'f';

	private static final byte NULL = 'z';

	/** The root level is flushed to the digest once it holds this much. */
	private static final int FLUSH_THRESHOLD = 4096;

	/** Looked up once; every instance clones it, which skips the provider lookup of {@code getInstance}. */
	private static final MessageDigest SHA_256 = sha256();

	/** One idle instance per thread: a request's body is digested on one thread at a time. */
	private static final ThreadLocal<CanonicalJsonDigest> IDLE = new ThreadLocal<>();

	private final MessageDigest canonical = cloneSha256();

	private final MessageDigest bytes = cloneSha256();

	private JsonParser parser;

	/** Level 0 is outside any object; level k holds the members of the k-th open object, encoded. */
	private Level[] levels = { new Level() };

	private int depth;

	/** Open objects and arrays, to tell when a root value is complete. */
	private int nesting;

	private int rootValues;

	private boolean invalid;

	private boolean canonicalResult;

	private String hex;

	private String bytesHex;

	CanonicalJsonDigest() {
		start();
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
		idle.start();
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
		if (this.levels.length <= 8 && this.levels[0].bytes.length <= 64 * 1024) {
			IDLE.set(this);
		}
	}

	private void start() {
		this.canonical.reset();
		this.bytes.reset();
		this.canonical.update(CANONICAL_DOMAIN);
		this.bytes.update(BYTES_DOMAIN);
		this.parser = JSON.createNonBlockingByteArrayParser(ObjectReadContext.empty());
		this.levels[0].reset();
		this.depth = 0;
		this.nesting = 0;
		this.rootValues = 0;
		this.invalid = false;
		this.canonicalResult = false;
		this.hex = null;
		this.bytesHex = null;
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
		if (this.hex != null) {
			throw new IllegalStateException("The digest was already computed");
		}
		this.bytes.update(input, offset, length);
		if (this.invalid || length == 0) {
			return;
		}
		try {
			((ByteArrayFeeder) this.parser.nonBlockingInputFeeder()).feedInput(input, offset, offset + length);
			consumeTokens();
		}
		catch (JacksonException ex) {
			this.invalid = true;
		}
	}

	/**
	 * Ends the body and computes the digest: canonical when the body was one JSON document, of its bytes otherwise.
	 * @return 64 hex characters
	 */
	String hex() {
		if (this.hex == null) {
			if (!this.invalid) {
				try {
					this.parser.nonBlockingInputFeeder().endOfInput();
					consumeTokens();
				}
				catch (JacksonException ex) {
					this.invalid = true;
				}
			}
			this.canonicalResult = !this.invalid && this.rootValues == 1 && this.nesting == 0;
			if (this.canonicalResult) {
				flushRoot();
			}
			this.bytesHex = HEX.formatHex(this.bytes.digest());
			this.hex = this.canonicalResult ? HEX.formatHex(this.canonical.digest()) : this.bytesHex;
			this.parser.close();
		}
		return this.hex;
	}

	/**
	 * The SHA-256 of the body's bytes, in the domain of the fallback, whether or not the body was one JSON document.
	 * @return 64 hex characters
	 */
	String bytesHex() {
		hex();
		return this.bytesHex;
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

	private void consumeTokens() {
		JsonToken token;
		while (!this.invalid && (token = this.parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
			Level level = this.levels[this.depth];
			switch (token) {
				case START_OBJECT -> {
					this.nesting++;
					openObject();
				}
				case END_OBJECT -> {
					this.nesting--;
					closeObject();
				}
				case START_ARRAY -> {
					this.nesting++;
					level.write(ARRAY_START);
				}
				case END_ARRAY -> {
					this.nesting--;
					level.write(ARRAY_END);
				}
				case PROPERTY_NAME -> {
					level.startMember();
					level.writeString(this.parser.currentName());
				}
				case VALUE_STRING -> level.writeString(this.parser.getStringCharacters(),
						this.parser.getStringOffset(), this.parser.getStringLength());
				case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> this.invalid = !level.writeNumber(
						this.parser.getTextCharacters(), this.parser.getTextOffset(), this.parser.getTextLength());
				case VALUE_TRUE -> level.write(TRUE);
				case VALUE_FALSE -> level.write(FALSE);
				case VALUE_NULL -> level.write(NULL);
				default -> this.invalid = true;
			}
			if (this.nesting == 0 && token != JsonToken.PROPERTY_NAME) {
				// one more root value is complete; a body is one document, never several
				this.rootValues++;
				this.invalid |= this.rootValues > 1;
				if (this.levels[0].size >= FLUSH_THRESHOLD) {
					flushRoot();
				}
			}
		}
	}

	private void openObject() {
		this.depth++;
		if (this.depth == this.levels.length) {
			this.levels = Arrays.copyOf(this.levels, this.depth * 2);
		}
		if (this.levels[this.depth] == null) {
			this.levels[this.depth] = new Level();
		}
		this.levels[this.depth].reset();
	}

	private void closeObject() {
		Level members = this.levels[this.depth];
		this.depth--;
		Level parent = this.levels[this.depth];
		parent.write(OBJECT_START);
		this.invalid |= !members.writeSortedMembersTo(parent);
		parent.write(OBJECT_END);
	}

	private void flushRoot() {
		Level root = this.levels[0];
		this.canonical.update(root.bytes, 0, root.size);
		root.reset();
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

	/** Encoded bytes of one level, and where each member of the object at that level starts. */
	private static final class Level {

		private byte[] bytes = new byte[256];

		private int size;

		private int[] memberStarts = new int[16];

		private int members;

		private int[] order = new int[16];

		private int[] scratch = new int[16];

		void reset() {
			this.size = 0;
			this.members = 0;
		}

		void startMember() {
			if (this.members == this.memberStarts.length) {
				this.memberStarts = Arrays.copyOf(this.memberStarts, this.members * 2);
			}
			this.memberStarts[this.members++] = this.size;
		}

		void write(byte b) {
			ensure(1);
			this.bytes[this.size++] = b;
		}

		/** Writes a number's decimal digits without a string; the caller ensured room for 20 characters. */
		void writeLong(long value) {
			if (value == 0) {
				this.bytes[this.size++] = '0';
				return;
			}
			if (value < 0) {
				this.bytes[this.size++] = '-';
			}
			int start = this.size;
			// digits from the lowest, as negative values so that Long.MIN_VALUE needs no special case
			for (long rest = (value < 0) ? value : -value; rest != 0; rest /= 10) {
				this.bytes[this.size++] = (byte) ('0' - (rest % 10));
			}
			for (int i = start, j = this.size - 1; i < j; i++, j--) {
				byte swap = this.bytes[i];
				this.bytes[i] = this.bytes[j];
				this.bytes[j] = swap;
			}
		}

		void writeString(String value) {
			int length = value.length();
			int lengthAt = startString(length);
			for (int i = 0; i < length; i++) {
				writeChar(value.charAt(i), (i + 1 < length) ? value.charAt(i + 1) : 0);
				if (Character.isHighSurrogate(value.charAt(i)) && i + 1 < length
						&& Character.isLowSurrogate(value.charAt(i + 1))) {
					i++;
				}
			}
			endString(lengthAt);
		}

		void writeString(char[] chars, int offset, int length) {
			int lengthAt = startString(length);
			int end = offset + length;
			for (int i = offset; i < end; i++) {
				writeChar(chars[i], (i + 1 < end) ? chars[i + 1] : 0);
				if (Character.isHighSurrogate(chars[i]) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
					i++;
				}
			}
			endString(lengthAt);
		}

		/** Writes the tag and room for the byte length; returns where the length goes. */
		private int startString(int chars) {
			ensure(5 + 3 * chars);
			this.bytes[this.size++] = STRING;
			int lengthAt = this.size;
			this.size += 4;
			return lengthAt;
		}

		private void endString(int lengthAt) {
			int length = this.size - lengthAt - 4;
			this.bytes[lengthAt] = (byte) (length >>> 24);
			this.bytes[lengthAt + 1] = (byte) (length >>> 16);
			this.bytes[lengthAt + 2] = (byte) (length >>> 8);
			this.bytes[lengthAt + 3] = (byte) length;
		}

		/** UTF-8 of one character, or of a surrogate pair with the next; room was ensured by the caller. */
		private void writeChar(char c, char next) {
			if (c < 0x80) {
				this.bytes[this.size++] = (byte) c;
			}
			else if (c < 0x800) {
				this.bytes[this.size++] = (byte) (0xC0 | (c >> 6));
				this.bytes[this.size++] = (byte) (0x80 | (c & 0x3F));
			}
			else if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
				int codePoint = Character.toCodePoint(c, next);
				this.bytes[this.size++] = (byte) (0xF0 | (codePoint >> 18));
				this.bytes[this.size++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
				this.bytes[this.size++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
				this.bytes[this.size++] = (byte) (0x80 | (codePoint & 0x3F));
			}
			else {
				// a lone surrogate is kept as its own three bytes, so it still differs from every other string
				this.bytes[this.size++] = (byte) (0xE0 | (c >> 12));
				this.bytes[this.size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				this.bytes[this.size++] = (byte) (0x80 | (c & 0x3F));
			}
		}

		/**
		 * Writes this level's members, sorted, to the parent level.
		 * @return {@code false} when two members have the same name
		 */
		boolean writeSortedMembersTo(Level parent) {
			int count = this.members;
			if (this.order.length < count) {
				this.order = new int[Math.max(count, this.order.length * 2)];
				this.scratch = new int[this.order.length];
			}
			for (int i = 0; i < count; i++) {
				this.order[i] = i;
			}
			sort(0, count);
			for (int i = 1; i < count; i++) {
				if (sameName(this.order[i - 1], this.order[i])) {
					return false;
				}
			}
			parent.ensure(this.size);
			for (int i = 0; i < count; i++) {
				int member = this.order[i];
				int start = this.memberStarts[member];
				int length = end(member) - start;
				System.arraycopy(this.bytes, start, parent.bytes, parent.size, length);
				parent.size += length;
			}
			return true;
		}

		/** Whether two members' encoded names are equal: tag, four length bytes, then the name's bytes. */
		private boolean sameName(int a, int b) {
			int startA = this.memberStarts[a];
			int startB = this.memberStarts[b];
			int nameLength = 5 + (((this.bytes[startA + 1] & 0xFF) << 24) | ((this.bytes[startA + 2] & 0xFF) << 16)
					| ((this.bytes[startA + 3] & 0xFF) << 8) | (this.bytes[startA + 4] & 0xFF));
			return Arrays.equals(this.bytes, startA, startA + nameLength, this.bytes, startB, startB + nameLength);
		}

		/**
		 * Writes a JSON number by its exact value, from its text: the significant digits without leading or trailing
		 * zeros and the power of ten they are multiplied by ({@code 12.50} and {@code 1250e-2} are {@code 125e-1}).
		 * @return {@code false} when its exponent is too large to be worth a canonical form
		 */
		boolean writeNumber(char[] text, int offset, int length) {
			int end = offset + length;
			int i = offset;
			boolean negative = text[i] == '-';
			if (negative) {
				i++;
			}
			int mantissaEnd = i;
			while (mantissaEnd < end && text[mantissaEnd] != 'e' && text[mantissaEnd] != 'E') {
				mantissaEnd++;
			}
			long exponent = 0;
			if (mantissaEnd < end) {
				int e = mantissaEnd + 1;
				boolean negativeExponent = text[e] == '-';
				if (text[e] == '-' || text[e] == '+') {
					e++;
				}
				if (end - e > 15) {
					return false;
				}
				for (; e < end; e++) {
					exponent = exponent * 10 + (text[e] - '0');
				}
				exponent = negativeExponent ? -exponent : exponent;
			}
			// digits after the point scale the value down
			int point = -1;
			for (int d = i; d < mantissaEnd; d++) {
				if (text[d] == '.') {
					point = d;
				}
			}
			if (point >= 0) {
				exponent -= mantissaEnd - point - 1;
			}
			int first = i;
			while (first < mantissaEnd && (text[first] == '0' || text[first] == '.')) {
				first++;
			}
			int last = mantissaEnd - 1;
			// each trailing zero dropped, before or after the point, multiplies what is left by ten
			while (last >= first && (text[last] == '0' || text[last] == '.')) {
				if (text[last] == '0') {
					exponent++;
				}
				last--;
			}
			ensure(2 + (last - first + 1) + 21);
			this.bytes[this.size++] = NUMBER;
			if (last < first) {
				this.bytes[this.size++] = '0';
			}
			else {
				if (negative) {
					this.bytes[this.size++] = '-';
				}
				for (int d = first; d <= last; d++) {
					if (text[d] != '.') {
						this.bytes[this.size++] = (byte) text[d];
					}
				}
				this.bytes[this.size++] = 'e';
				writeLong(exponent);
			}
			this.bytes[this.size++] = NUMBER_END;
			return true;
		}

		/** Merge sort of {@code order[from, to)} by member bytes: stable, O(n log n) for objects of any size. */
		private void sort(int from, int to) {
			if (to - from < 2) {
				return;
			}
			int middle = (from + to) >>> 1;
			sort(from, middle);
			sort(middle, to);
			if (compare(this.order[middle - 1], this.order[middle]) <= 0) {
				return;
			}
			System.arraycopy(this.order, from, this.scratch, from, to - from);
			int left = from;
			int right = middle;
			for (int i = from; i < to; i++) {
				if (right >= to || (left < middle && compare(this.scratch[left], this.scratch[right]) <= 0)) {
					this.order[i] = this.scratch[left++];
				}
				else {
					this.order[i] = this.scratch[right++];
				}
			}
		}

		private int compare(int a, int b) {
			return Arrays.compareUnsigned(this.bytes, this.memberStarts[a], end(a), this.bytes, this.memberStarts[b],
					end(b));
		}

		private int end(int member) {
			return (member + 1 < this.members) ? this.memberStarts[member + 1] : this.size;
		}

		private void ensure(int more) {
			if (this.size + more > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.size + more, this.bytes.length * 2));
			}
		}

	}

}
