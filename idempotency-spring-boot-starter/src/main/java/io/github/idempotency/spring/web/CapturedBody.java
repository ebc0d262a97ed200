package io.github.idempotency.spring.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

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

	// allocated on the first byte: a replay or a rejected request never writes one
	private @Nullable ByteArrayOutputStream buffer;

	private boolean overflowed;

	/**
	 * @param client the response the bytes go to once the limit is passed
	 * @param limit the most bytes kept
	 */
	CapturedBody(ServletResponse client, long limit) {
		this.client = client;
		this.limit = limit;
	}

	boolean isOverflowed() {
		return this.overflowed;
	}

	int size() {
		return (this.buffer != null) ? this.buffer.size() : 0;
	}

	/**
	 * A copy of the bytes kept, for the stored record.
	 * @return the bytes
	 */
	byte[] toByteArray() {
		return (this.buffer != null) ? this.buffer.toByteArray() : new byte[0];
	}

	/**
	 * Writes the bytes kept to a stream, without a copy.
	 * @param out the stream
	 * @throws IOException when the stream cannot be written to
	 */
	void writeTo(OutputStream out) throws IOException {
		if (this.buffer != null && this.buffer.size() > 0) {
			this.buffer.writeTo(out);
		}
	}

	/** Drops the bytes kept so far. */
	void discard() {
		if (this.buffer != null) {
			this.buffer.reset();
		}
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
			buffer().write(b);
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
			buffer().write(bytes, offset, length);
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

	private ByteArrayOutputStream buffer() {
		if (this.buffer == null) {
			// small responses (most idempotent APIs answer a few hundred bytes) fit; larger ones grow by doubling
			this.buffer = new ByteArrayOutputStream(256);
		}
		return this.buffer;
	}

	private void overflow() throws IOException {
		this.overflowed = true;
		ServletOutputStream out = this.client.getOutputStream();
		if (this.buffer != null) {
			this.buffer.writeTo(out);
			this.buffer.reset();
		}
	}

}
