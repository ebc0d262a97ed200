package io.github.idempotency.spring.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.Execution;
import io.github.idempotency.core.execution.Refusal;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * One idempotent-candidate request as the filter and the interceptor share it (a request attribute): the interceptor
 * records its decision, the filter acts on it once the whole chain has returned. A refusal is recorded here and left
 * for {@link IdempotencyRefusalInterceptor} to raise to Spring MVC once the short-circuited handler returned.
 */
final class IdempotentExchange {

	static final String ATTRIBUTE = IdempotentExchange.class.getName();

	static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final BodyDigestingRequest request;

	private final CapturingResponse response;

	private final WebResponseSettings settings;

	private boolean claimed;

	private @Nullable Execution execution;

	private @Nullable StoredResponse replay;

	private @Nullable IdempotencyProblem problem;

	private @Nullable Refusal refusal;

	private boolean refusalRaised;

	private boolean problemUnresolved;

	private @Nullable StoredResponse provisional;

	private boolean effectsCommitted;

	private boolean returned;

	private boolean returnedStatusReleases;

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

	/**
	 * The response known when the handler returned, before it is rendered: what a joined transaction writes to the
	 * record, in case the rendered response is never attached. The status is a {@link ResponseEntity}'s, else the
	 * handler's {@link ResponseStatus}, else the response's status so far; the replayable headers are those the
	 * handler set (on its {@code ResponseEntity} or on the response); the body is not retained.
	 * @param value the handler's return value
	 * @param declaredStatus the status the handler declared, or {@link DeclaredResponseStatus#NONE}
	 * @return the provisional response
	 */
	StoredResponse provisional(@Nullable Object value, int declaredStatus) {
		Map<String, List<String>> headers = new LinkedHashMap<>(this.settings.replayableHeaders(this.response));
		// a response that was not retained is replayed as a problem, in its own content type
		headers.remove("Content-Type");
		if (value instanceof ResponseEntity<?> entity) {
			for (String name : this.settings.replayHeaders()) {
				List<String> values = entity.getHeaders().get(name);
				if (values != null && !values.isEmpty()) {
					headers.put(name, List.copyOf(values));
				}
			}
		}
		int status = (declaredStatus != DeclaredResponseStatus.NONE) ? declaredStatus : this.response.getStatus();
		this.provisional = StoredResponse.notRetained(status, headers, StoredResponse.NotRetained.CRASH_WINDOW);
		return this.provisional;
	}

	/**
	 * The handler's transaction committed its effects with the {@link #provisional} response: from now on the key
	 * is never released (a release would be refused anyway), and the record gets the rendered response, or keeps the
	 * provisional one if none was captured.
	 */
	void effectsCommitted() {
		this.effectsCommitted = true;
	}

	/**
	 * The handler returned normally: its effects happened, so from now on the key is never released, whatever fails
	 * later (rendering, a {@code ResponseBodyAdvice}, a {@code HandlerInterceptor.postHandle}), unless the handler
	 * itself produced a status that releases (a {@link ResponseEntity} or {@link ResponseStatus} 5xx).
	 * @param declaredStatus the status the handler declared, or {@link DeclaredResponseStatus#NONE}
	 */
	void returned(int declaredStatus) {
		this.returned = true;
		this.returnedStatusReleases = declaredStatus != DeclaredResponseStatus.NONE
				&& this.settings.releases(declaredStatus);
	}

	/**
	 * Whether the key may still be released: not once the handler's transaction committed, nor once the handler
	 * returned (unless with a releasing status of its own), nor when it asked to retain its result.
	 */
	private boolean mayRelease() {
		return !this.effectsCommitted && (!this.returned || this.returnedStatusReleases)
				&& !this.execution.context().isResultRetained();
	}

	void replay(StoredResponse replay) {
		this.replay = replay;
		this.response.startCapture();
	}

	/**
	 * The handler is refused without running: the filter answers with the problem unless the refusal, once
	 * {@linkplain #raiseRefusal() raised}, is rendered by an exception handler of the application.
	 * @param refusal why
	 * @param problem the library's answer
	 */
	void refused(Refusal refusal, IdempotencyProblem problem) {
		this.refusal = refusal;
		this.problem = problem;
		this.response.startCapture();
	}

	/**
	 * Takes the refusal that the handler's short-circuited return left pending, once: the caller throws it to Spring
	 * MVC, whose exception handlers may then render it.
	 * @return the refusal to throw, or {@code null} when none is pending
	 */
	/** Whether the handler's short-circuited return left a refusal that was not raised yet. */
	boolean hasPendingRefusal() {
		return this.refusal != null && !this.refusalRaised;
	}

	@Nullable IdempotencyProblemException raiseRefusal() {
		if (this.refusal == null || this.refusalRaised) {
			return null;
		}
		this.refusalRaised = true;
		return new IdempotencyProblemException(this.refusal, this.problem);
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
			ReplayWriter.replay(client(), this.replay);
		}
		else if (this.problem != null) {
			answerProblem(this.problem);
		}
		else if (this.response.isCapturing()) {
			this.response.sendCaptured();
		}
	}

	/**
	 * Notes that the chain threw, and tells whether the exchange still has its own answer: a refusal or a replay,
	 * decided without running the handler, so what failed afterwards (the refusal itself, unresolved, or an
	 * application's {@code ResponseBodyAdvice} or interceptor tripping over the short-circuited return value) is not
	 * the client's concern; {@link #finish()} then answers instead of failing the request.
	 * @return {@code true} when the exchange answers anyway
	 */
	boolean answersDespiteFailure() {
		this.problemUnresolved = this.problem != null;
		return this.problemUnresolved || this.replay != null;
	}

	/**
	 * The chain threw: a running execution is released (or kept as a 500 if it asked to, or once the handler had
	 * returned, as a {@code response-not-retained} problem saying what happened), nothing is sent. Once the
	 * handler's transaction committed, the record keeps its provisional response: the effects happened, and nothing
	 * was captured that could replace it.
	 */
	void abort() {
		this.response.discardCapture();
		if (this.execution != null && !this.execution.isEnded()) {
			if (this.effectsCommitted) {
				// written again without the owner, so that a duplicate gets it at once rather than wait for a lease
				this.execution.complete(state(this.provisional.status()), this.provisional);
			}
			else if (this.execution.context().isResultRetained()) {
				this.execution.complete(RecordState.FINISHED_ERROR, StoredResponse.of(500, Map.of(), new byte[0]));
			}
			else if (!mayRelease()) {
				// the handler returned, then producing its response failed where nothing captured what the client
				// got (the container's error page): keep a problem that says so, and never run the handler again
				IdempotencyProblem problem = IdempotencyProblem.failedAfterProcessing(500);
				this.execution.complete(RecordState.FINISHED_ERROR, StoredResponse.of(problem.status(),
						Map.of("Content-Type", List.of(IdempotencyProblem.MEDIA_TYPE)), problem.toJson()));
			}
			else {
				this.execution.release();
			}
		}
	}

	private void end() {
		this.response.flushWriter();
		int status = this.response.finalStatus();
		if (this.settings.releases(status) && mayRelease()) {
			this.execution.release();
			return;
		}
		Map<String, List<String>> headers = this.settings.replayableHeaders(this.response);
		StoredResponse stored = this.response.isOverflowed()
				? StoredResponse.notRetained(status, headers, StoredResponse.NotRetained.TOO_LARGE)
				: StoredResponse.of(status, headers, this.response.capturedBody());
		this.execution.complete(state(status), stored);
	}

	private static RecordState state(int status) {
		return (status >= 400) ? RecordState.FINISHED_ERROR : RecordState.FINISHED_OK;
	}

	private void answerProblem(IdempotencyProblem problem) throws IOException {
		this.response.flushWriter();
		if (this.refusalRaised && !this.problemUnresolved && !this.response.hasError()
				&& (this.response.getStatus() >= 400 || this.response.capturedSize() > 0)) {
			// an exception handler of the application rendered the refusal: its answer stands
			this.response.sendCaptured();
			return;
		}
		// resolved by the library's resolver, which renders nothing, or never raised because something failed on the
		// short-circuited return value first (what was rendered then answers that failure, not the refusal): the
		// library's body
		this.response.discardCapture();
		ReplayWriter.problem(client(), problem);
	}

	private HttpServletResponse client() {
		return (HttpServletResponse) this.response.getResponse();
	}

}
