package io.github.idempotency.spring.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The body stream of a {@link BodyDigestingRequest}: hands every byte read to the request's digest, and once
 * {@linkplain #drain() drained} serves the remainder it kept.
 */
final class DigestingInputStream extends ServletInputStream {

	private static final byte[] NONE = new byte[0];

	private final ServletInputStream delegate;

	private final BodyDigestingRequest request;

	// for the rare application that reads byte by byte
	private byte @Nullable [] single;

	private byte @Nullable [] remainder;

	private int position;

	private boolean discarded;

	/**
	 * @param delegate the container's stream
	 * @param request the request whose digest every byte read goes to
	 */
	DigestingInputStream(ServletInputStream delegate, BodyDigestingRequest request) {
		this.delegate = delegate;
		this.request = request;
	}

	/**
	 * Reads what the application left unread, so that the digest is complete, and keeps it (up to
	 * {@value BodyDigestingRequest#MAX_KEPT_REMAINDER} bytes) for the application to read afterwards.
	 * @throws IOException when the body cannot be read
	 */
	void drain() throws IOException {
		if (this.remainder != null) {
			return;
		}
		// usually @RequestBody has read the whole body by now: find out without allocating a buffer
		int first = this.delegate.read();
		if (first == -1) {
			this.remainder = NONE;
			return;
		}
		byte[] buffer = new byte[8192];
		buffer[0] = (byte) first;
		ByteArrayOutputStream rest = new ByteArrayOutputStream();
		int read = 1;
		do {
			this.request.update(buffer, 0, read);
			if (!this.discarded) {
				rest.write(buffer, 0, read);
				if (rest.size() > BodyDigestingRequest.MAX_KEPT_REMAINDER) {
					this.discarded = true;
					rest.reset();
				}
			}
			read = this.delegate.read(buffer);
		}
		while (read != -1);
		this.remainder = rest.toByteArray();
	}

	private void checkKept() throws IOException {
		if (this.discarded) {
			throw new IOException("The request body was read to fingerprint it before the @Idempotent handler ran, "
					+ "and its unread part was larger than " + BodyDigestingRequest.MAX_KEPT_REMAINDER
					+ " bytes; read it through @RequestBody instead");
		}
	}

	@Override
	public int read() throws IOException {
		checkKept();
		if (this.remainder != null) {
			return (this.position < this.remainder.length) ? (this.remainder[this.position++] & 0xFF) : -1;
		}
		int b = this.delegate.read();
		if (b != -1) {
			if (this.single == null) {
				this.single = new byte[1];
			}
			this.single[0] = (byte) b;
			this.request.update(this.single, 0, 1);
		}
		return b;
	}

	@Override
	public int read(byte[] bytes, int offset, int length) throws IOException {
		checkKept();
		if (this.remainder != null) {
			int available = this.remainder.length - this.position;
			if (available <= 0) {
				return (length == 0) ? 0 : -1;
			}
			int count = Math.min(available, length);
			System.arraycopy(this.remainder, this.position, bytes, offset, count);
			this.position += count;
			return count;
		}
		int read = this.delegate.read(bytes, offset, length);
		if (read > 0) {
			this.request.update(bytes, offset, read);
		}
		return read;
	}

	@Override
	public boolean isFinished() {
		return (this.remainder != null) ? this.position >= this.remainder.length : this.delegate.isFinished();
	}

	@Override
	public boolean isReady() {
		return (this.remainder != null) || this.delegate.isReady();
	}

	@Override
	public void setReadListener(ReadListener listener) {
		this.delegate.setReadListener(listener);
	}

}
