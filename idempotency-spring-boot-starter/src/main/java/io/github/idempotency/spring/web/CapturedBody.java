package io.github.idempotency.spring.web;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import org.jspecify.annotations.Nullable;

/**
 * The stream a {@link CapturingResponse} hands the application while it captures: keeps the body in memory up to a
 * limit; past it, sends what it kept to the client and streams the rest through, and the body is then
 * {@linkplain #isOverflowed() not retained}.
 */
final class CapturedBody extends ServletOutputStream {

	private final ServletResponse client;

	private final long limit;

	/** Most bytes allocated up front on the strength of a declared {@code Content-Length}. */
	private static final int MAX_PRESIZE = 64 * 1024;

	private static final byte[] EMPTY = new byte[0];

	// allocated on the first byte: a replay or a rejected request never writes one
	private byte @Nullable [] buffer;

	private int count;

	private final int initialCapacity;

	private boolean overflowed;

	/**
	 * @param client the response the bytes go to once the limit is passed
	 * @param limit the most bytes kept
	 * @param declaredLength the {@code Content-Length} the application declared before writing, or -1: the buffer
	 * is sized for it, so that a body of that length is kept in one array, without growing or a copy
	 */
	CapturedBody(ServletResponse client, long limit, long declaredLength) {
		this.client = client;
		this.limit = limit;
		// small responses (most idempotent APIs answer a few hundred bytes) fit; larger ones grow by doubling
		this.initialCapacity = (declaredLength > 0 && declaredLength <= Math.min(limit, MAX_PRESIZE))
				? (int) declaredLength : 256;
	}

	boolean isOverflowed() {
		return this.overflowed;
	}

	int size() {
		return this.count;
	}

	/**
	 * The bytes kept, for the stored record, which copies what it keeps: the buffer itself when the body filled it
	 * exactly (as it does when its length was declared), else a copy of the bytes kept.
	 * @return the bytes, not to be written to
	 */
	byte[] toByteArray() {
		byte[] bytes = this.buffer;
		if (bytes == null || this.count == 0) {
			return EMPTY;
		}
		return (this.count == bytes.length) ? bytes : Arrays.copyOf(bytes, this.count);
	}

	/**
	 * Writes the bytes kept to a stream, without a copy.
	 * @param out the stream
	 * @throws IOException when the stream cannot be written to
	 */
	void writeTo(OutputStream out) throws IOException {
		if (this.buffer != null && this.count > 0) {
			out.write(this.buffer, 0, this.count);
		}
	}

	/** Drops the bytes kept so far. */
	void discard() {
		this.count = 0;
	}

	@Override
	public void write(int b) throws IOException {
		if (!this.overflowed && size() + 1 > this.limit) {
			overflow();
		}
		if (this.overflowed) {
			this.client.getOutputStream().write(b);
		}
		else {
			ensureCapacity(this.count + 1L);
			this.buffer[this.count++] = (byte) b;
		}
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		if (!this.overflowed && size() + (long) length > this.limit) {
			overflow();
		}
		if (this.overflowed) {
			this.client.getOutputStream().write(bytes, offset, length);
		}
		else {
			Objects.checkFromIndexSize(offset, length, bytes.length);
			ensureCapacity((long) this.count + length);
			System.arraycopy(bytes, offset, this.buffer, this.count, length);
			this.count += length;
		}
	}

	@Override
	public void flush() throws IOException {
		if (this.overflowed) {
			this.client.getOutputStream().flush();
		}
	}

	@Override
	public boolean isReady() {
		return true;
	}

	@Override
	public void setWriteListener(WriteListener listener) {
		throw new IllegalStateException("Idempotent responses are written synchronously");
	}

	private void ensureCapacity(long needed) {
		if (needed > Integer.MAX_VALUE - 8) {
			throw new OutOfMemoryError("A response body of " + needed + " bytes does not fit in an array");
		}
		byte[] bytes = this.buffer;
		if (bytes == null) {
			this.buffer = new byte[(int) Math.max(needed, this.initialCapacity)];
		}
		else if (needed > bytes.length) {
			this.buffer = Arrays.copyOf(bytes, (int) Math.min(Math.max(needed, 2L * bytes.length), Integer.MAX_VALUE - 8));
		}
	}

	private void overflow() throws IOException {
		this.overflowed = true;
		ServletOutputStream out = this.client.getOutputStream();
		if (this.buffer != null && this.count > 0) {
			out.write(this.buffer, 0, this.count);
		}
		// nothing more is kept
		this.buffer = null;
		this.count = 0;
	}

}
