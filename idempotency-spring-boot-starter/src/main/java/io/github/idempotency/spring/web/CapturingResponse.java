package io.github.idempotency.spring.web;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

/**
 * Passes everything through until {@link #startCapture()}; from then on keeps the body (up to a limit, in a
 * {@link CapturedBody}) instead of sending it, so that the filter can store the final response before the client
 * sees it, or discard it and send a replay instead. Status and headers still go to the wrapped response (uncommitted
 * until the filter sends the body); {@code sendError} is recorded rather than committing; {@code Content-Length} is
 * set by the filter from the bytes actually sent.
 * <p>
 * Past the limit the buffered bytes are sent and the rest streams through: the client still gets the whole
 * response, which is then {@linkplain #isOverflowed() not retained} for replay.
 */
final class CapturingResponse extends HttpServletResponseWrapper {

	private final long limit;

	private boolean capturing;

	// created when the application first asks for the stream: a replay or a rejected request never does
	private @Nullable CapturedBody body;

	private @Nullable PrintWriter writer;

	/** The {@code Content-Length} the application declared while capturing, before it wrote; -1 when it did not. */
	private long declaredLength = -1;

	private int errorStatus = -1;

	private @Nullable String errorMessage;

	CapturingResponse(HttpServletResponse response, long limit) {
		super(response);
		this.limit = limit;
	}

	/** Starts keeping the body; nothing the application writes from now on reaches the client by itself. */
	void startCapture() {
		this.capturing = true;
	}

	boolean isCapturing() {
		return this.capturing;
	}

	boolean isOverflowed() {
		return this.body != null && this.body.isOverflowed();
	}

	/**
	 * The body kept so far (after {@link #flushWriter()}), for the stored record, which keeps its own copy.
	 * @return the bytes, possibly the capture's own buffer: never written to
	 */
	byte[] capturedBody() {
		return (this.body != null) ? this.body.toByteArray() : new byte[0];
	}

	int capturedSize() {
		return (this.body != null) ? this.body.size() : 0;
	}

	/**
	 * Whether {@code sendError} was called since the capture started (and not discarded since).
	 * @return {@code true} when an error is recorded
	 */
	boolean hasError() {
		return this.errorStatus != -1;
	}

	/**
	 * The status for the record: the one given to {@code sendError}, else the response's status.
	 * @return the status
	 */
	int finalStatus() {
		return (this.errorStatus != -1) ? this.errorStatus : getStatus();
	}

	void flushWriter() {
		if (this.writer != null) {
			this.writer.flush();
		}
	}

	/** Drops the body kept so far and any recorded error, for a response that replaces it. */
	void discardCapture() {
		resetCapturedBody();
		this.errorStatus = -1;
		this.errorMessage = null;
	}

	/**
	 * Sends what was captured to the client: the recorded error, or the kept body with its exact length.
	 * @throws IOException when the client cannot be written to
	 */
	void sendCaptured() throws IOException {
		flushWriter();
		HttpServletResponse response = (HttpServletResponse) getResponse();
		if (this.errorStatus != -1) {
			if (this.errorMessage != null) {
				response.sendError(this.errorStatus, this.errorMessage);
			}
			else {
				response.sendError(this.errorStatus);
			}
			return;
		}
		if (isOverflowed()) {
			response.flushBuffer();
			return;
		}
		// straight from the buffer: the stored record has its own copy (capturedBody), the client needs none
		response.setContentLength(capturedSize());
		if (this.body != null) {
			this.body.writeTo(response.getOutputStream());
		}
		response.flushBuffer();
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		if (!this.capturing) {
			return super.getOutputStream();
		}
		if (this.body == null) {
			this.body = new CapturedBody(getResponse(), this.limit, this.declaredLength);
		}
		return this.body;
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		if (!this.capturing) {
			return super.getWriter();
		}
		if (this.writer == null) {
			this.writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), getCharacterEncoding()));
		}
		return this.writer;
	}

	@Override
	public void sendError(int status) throws IOException {
		sendError(status, null);
	}

	@Override
	public void sendError(int status, String message) throws IOException {
		if (!this.capturing || isOverflowed()) {
			if (message != null) {
				super.sendError(status, message);
			}
			else {
				super.sendError(status);
			}
			return;
		}
		resetCapturedBody();
		this.errorStatus = status;
		this.errorMessage = message;
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		if (!this.capturing || isOverflowed()) {
			super.sendRedirect(location);
			return;
		}
		resetCapturedBody();
		super.setStatus(HttpServletResponse.SC_FOUND);
		super.setHeader("Location", location);
	}

	@Override
	public void setContentLength(int length) {
		if (!this.capturing) {
			super.setContentLength(length);
		}
		else {
			this.declaredLength = length;
		}
	}

	@Override
	public void setContentLengthLong(long length) {
		if (!this.capturing) {
			super.setContentLengthLong(length);
		}
		else {
			this.declaredLength = length;
		}
	}

	@Override
	public void setHeader(String name, String value) {
		if (!this.capturing || !"Content-Length".equalsIgnoreCase(name)) {
			super.setHeader(name, value);
		}
		else {
			this.declaredLength = declaredLength(value);
		}
	}

	@Override
	public void addHeader(String name, String value) {
		if (!this.capturing || !"Content-Length".equalsIgnoreCase(name)) {
			super.addHeader(name, value);
		}
		else {
			this.declaredLength = declaredLength(value);
		}
	}

	@Override
	public void setIntHeader(String name, int value) {
		if (!this.capturing || !"Content-Length".equalsIgnoreCase(name)) {
			super.setIntHeader(name, value);
		}
		else {
			this.declaredLength = value;
		}
	}

	@Override
	public void addIntHeader(String name, int value) {
		if (!this.capturing || !"Content-Length".equalsIgnoreCase(name)) {
			super.addIntHeader(name, value);
		}
	}

	@Override
	public void flushBuffer() throws IOException {
		if (!this.capturing || isOverflowed()) {
			super.flushBuffer();
		}
		else {
			flushWriter();
		}
	}

	@Override
	public boolean isCommitted() {
		if (this.capturing && !isOverflowed()) {
			return this.errorStatus != -1;
		}
		return super.isCommitted();
	}

	@Override
	public void resetBuffer() {
		if (this.capturing && !isOverflowed()) {
			resetCapturedBody();
		}
		else {
			super.resetBuffer();
		}
	}

	@Override
	public void reset() {
		super.reset();
		resetCapturedBody();
		this.errorStatus = -1;
		this.errorMessage = null;
	}

	/**
	 * A {@code Content-Length} header's value as a size hint (Spring MVC declares it as a header): -1 unless it is
	 * a plain decimal number, since it only sizes a buffer.
	 */
	private static long declaredLength(@Nullable String value) {
		if (value == null || value.isEmpty() || value.length() > 18) {
			return -1;
		}
		long length = 0;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			length = length * 10 + (c - '0');
		}
		return length;
	}

	private void resetCapturedBody() {
		if (this.body != null) {
			this.body.discard();
		}
	}

}
