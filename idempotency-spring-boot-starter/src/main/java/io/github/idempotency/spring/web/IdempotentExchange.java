package io.github.idempotency.spring.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.Execution;
import jakarta.servlet.http.HttpServletResponse;

/**
 * One idempotent-candidate request as the filter and the interceptor share it (a request attribute): the interceptor
 * records its decision, the filter acts on it once the whole chain has returned.
 */
final class IdempotentExchange {

	static final String ATTRIBUTE = IdempotentExchange.class.getName();

	static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final BodyDigestingRequest request;

	private final CapturingResponse response;

	private final WebResponseSettings settings;

	private boolean claimed;

	private Execution execution;

	private StoredResponse replay;

	private IdempotencyProblem problem;

	IdempotentExchange(BodyDigestingRequest request, CapturingResponse response, WebResponseSettings settings) {
		this.request = request;
		this.response = response;
		this.settings = settings;
	}

	BodyDigestingRequest request() {
		return this.request;
	}

	/**
	 * Takes the exchange for one handler; a second idempotent handler in the same request does not get it.
	 * @return {@code true} for the first caller
	 */
	boolean claim() {
		if (this.claimed) {
			return false;
		}
		this.claimed = true;
		return true;
	}

	void acquired(Execution execution) {
		this.execution = execution;
		this.response.startCapture();
	}

	void replay(StoredResponse replay) {
		this.replay = replay;
		this.response.startCapture();
	}

	void problem(IdempotencyProblem problem) {
		this.problem = problem;
		this.response.startCapture();
	}

	/**
	 * Acts on the decision after the chain returned normally.
	 * @throws IOException when the client cannot be written to
	 */
	void finish() throws IOException {
		if (this.execution != null) {
			try {
				end();
			}
			finally {
				this.response.sendCaptured();
			}
		}
		else if (this.replay != null) {
			this.response.discardCapture();
			sendReplay();
		}
		else if (this.problem != null) {
			this.response.discardCapture();
			sendProblem(this.problem);
		}
		else if (this.response.isCapturing()) {
			this.response.sendCaptured();
		}
	}

	/** The chain threw: a running execution is released (or kept as a 500 if it asked to), nothing is sent. */
	void abort() {
		this.response.discardCapture();
		if (this.execution != null && !this.execution.isEnded()) {
			if (this.execution.context().isResultRetained()) {
				this.execution.complete(RecordState.FINISHED_ERROR, StoredResponse.of(500, Map.of(), new byte[0]));
			}
			else {
				this.execution.release();
			}
		}
	}

	private void end() {
		this.response.flushWriter();
		int status = this.response.finalStatus();
		if (this.settings.releases(status) && !this.execution.context().isResultRetained()) {
			this.execution.release();
			return;
		}
		Map<String, List<String>> headers = this.settings.replayableHeaders(this.response);
		StoredResponse stored = this.response.isOverflowed() ? StoredResponse.notRetained(status, headers)
				: StoredResponse.of(status, headers, this.response.capturedBody());
		this.execution.complete((status >= 400) ? RecordState.FINISHED_ERROR : RecordState.FINISHED_OK, stored);
	}

	private void sendReplay() throws IOException {
		HttpServletResponse target = (HttpServletResponse) this.response.getResponse();
		StoredResponse stored = this.replay;
		target.setStatus(stored.status());
		target.setHeader(REPLAYED_HEADER, "true");
		if (!stored.bodyRetained()) {
			stored.headers().forEach((name, values) -> {
				if (!"Content-Type".equals(name)) {
					values.forEach((value) -> target.addHeader(name, value));
				}
			});
			sendProblem(IdempotencyProblem.responseNotRetained(stored.status()));
			return;
		}
		WebResponseSettings.write(target, stored);
		if (stored.bodyLength() == 0 && stored.status() >= 400 && !stored.headers().containsKey("Content-Type")) {
			// first sent through sendError: let the container render its error page again
			this.response.sendContainerError(stored.status());
			return;
		}
		this.response.sendBody(stored.body());
	}

	private void sendProblem(IdempotencyProblem problem) throws IOException {
		HttpServletResponse target = (HttpServletResponse) this.response.getResponse();
		target.setStatus(problem.status());
		target.setContentType(IdempotencyProblem.MEDIA_TYPE);
		String retryAfter = problem.retryAfterHeader();
		if (retryAfter != null) {
			target.setHeader("Retry-After", retryAfter);
		}
		this.response.sendBody(problem.toJson());
	}

}
