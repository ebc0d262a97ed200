package io.github.idempotency.spring.web;

import java.io.IOException;
import java.util.Collection;

import io.github.idempotency.spring.IdempotentMethodRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Prepares requests that may reach an {@code @Idempotent} handler: hashes the body as it is read and captures the
 * response, so that after the whole chain returned (exception handlers and message converters included) the final
 * status and body bytes are stored before the client receives them, and a retry always finds the finished record.
 * When the interceptor replays, the filter discards what Spring MVC wrote and sends the stored response instead. A
 * refusal (conflict, mismatch, missing or invalid key, store unavailable) short-circuits the handler as a replay
 * does, and {@link IdempotencyRefusalInterceptor} raises it to Spring MVC as an {@link IdempotencyProblemException}:
 * what an application's exception handler renders for it is sent; when nothing did, or when the refusal was never
 * raised because something failed on the short-circuited return value first, the filter sends the library's problem
 * body. Neither a replay nor a refusal ever answers with a failure of the chain: the handler did not run.
 * <p>
 * Requests whose HTTP method no idempotent handler is mapped to pass through untouched.
 */
public final class IdempotencyFilter extends OncePerRequestFilter implements Ordered {

	/** Default order: early, so that later filters and the whole MVC chain write into the captured response. */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final IdempotentMethodRegistry methods;

	private final WebResponseSettings settings;

	private int order = DEFAULT_ORDER;

	private boolean canonicalJson = true;

	/**
	 * @param methods tells which HTTP methods idempotent handlers are mapped to
	 * @param replayHeaders headers replayed besides Content-Type, Location, Content-Location, ETag, Last-Modified
	 * and Link
	 * @param retryableClientErrors 4xx statuses that release the key
	 * @param maxResponseSize largest body kept for replay, in bytes
	 */
	public IdempotencyFilter(IdempotentMethodRegistry methods, Collection<String> replayHeaders,
			Collection<Integer> retryableClientErrors, long maxResponseSize) {
		this.methods = methods;
		this.settings = WebResponseSettings.of(replayHeaders, retryableClientErrors, maxResponseSize);
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	/**
	 * Sets whether JSON bodies are digested canonically as they are read, as endpoints fingerprinted
	 * {@link BodyFingerprint#CANONICAL} need; when none is, the parse is skipped.
	 * @param canonicalJson {@code true} (the default) when some endpoint fingerprints JSON bodies canonically
	 */
	public void setCanonicalJson(boolean canonicalJson) {
		this.canonicalJson = canonicalJson;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.methods.isWebCandidate(request.getMethod())) {
			chain.doFilter(request, response);
			return;
		}
		BodyDigestingRequest digesting = new BodyDigestingRequest(request, this.canonicalJson);
		CapturingResponse capturing = new CapturingResponse(response, this.settings.maxResponseSize());
		IdempotentExchange exchange = new IdempotentExchange(digesting, capturing, this.settings);
		digesting.setAttribute(IdempotentExchange.ATTRIBUTE, exchange);
		try {
			chain.doFilter(digesting, capturing);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			if (!exchange.answersDespiteFailure()) {
				exchange.abort();
				throw ex;
			}
		}
		finally {
			digesting.removeAttribute(IdempotentExchange.ATTRIBUTE);
			if (!isAsyncStarted(digesting)) {
				// an asynchronous handler may still read the body on its own thread: its digest is then left to the GC
				digesting.release();
			}
		}
		// a refusal or replay whose chain failed ends here too: its answer replaces the failure
		exchange.finish();
	}

}
