package io.github.idempotency.spring.web;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.InvalidIdempotencyKeyException;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.Execution;
import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.Refusal;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.IdempotencyScopeResolver;
import io.github.idempotency.spring.IdempotentHttpHandler;
import io.github.idempotency.spring.IdempotentMethod;
import io.github.idempotency.spring.JoinedCompletion;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Protects controller handlers on a servlet container, together with {@link IdempotencyFilter}: resolves the key
 * (header, SpEL or body hash), scopes it by HTTP method and route template, fingerprints method, route and body,
 * claims, and either runs the handler (the filter then stores its response), leaves a replay for the filter to send,
 * or leaves a refusal on the exchange. Replays and refusals return {@link IdempotentMethod#shortCircuitValue()}:
 * a refusal is raised to Spring MVC as an {@link IdempotencyProblemException} by
 * {@link IdempotencyRefusalInterceptor#postHandle}, not thrown here, because Spring MVC calls the handler's proxy by
 * reflection and an exception thrown through it is wrapped in an {@code InvocationTargetException} whose stack trace
 * made a refusal cost more than a replay. Raised from {@code postHandle}, it still reaches the controller's and the
 * {@code @ControllerAdvice}'s exception handlers with the handler method; the filter sends the library's own problem
 * body when nothing rendered it. A handler method that another handler calls directly is not the one Spring MVC
 * dispatched to: its refusal is thrown to that caller, which must not go on as if the call had run.
 * <p>
 * With a {@link JoinedCompletion} ({@code idempotency.jpa.join-transaction}), the handler runs in a transaction that
 * also marks the record finished with a provisional response (the status and headers known when the handler
 * returned, body not retained); once it committed, the filter attaches the rendered response and never releases the
 * key.
 */
public final class ServletIdempotentHttpHandler implements IdempotentHttpHandler {

	private static final Log logger = LogFactory.getLog(ServletIdempotentHttpHandler.class);

	private final Supplier<IdempotentExecutor> executor;

	private final Supplier<IdempotencyListener> listener;

	private final IdempotencyKeyHeader header;

	private final int keyMaxLength;

	private final Supplier<JoinedCompletion> joinedCompletion;

	private BodyFingerprint bodyFingerprint = BodyFingerprint.CANONICAL;

	private Map<String, BodyFingerprint> endpointBodyFingerprints = Map.of();

	private AnonymousBodyHash anonymousBodyHash = AnonymousBodyHash.REJECT;

	private final DeclaredResponseStatus declaredStatus = new DeclaredResponseStatus();

	/** The keys' operations by HTTP method and route template ({@link #operation}). */
	private final Map<String, Map<String, String>> operations = new ConcurrentHashMap<>();

	/**
	 * @param executor the executor, resolved on first use
	 * @param listener receives the outcomes decided here (missing and invalid keys), resolved on first use
	 * @param headerName the key header's name
	 * @param keyMaxLength the longest accepted key
	 * @param joinedCompletion runs handlers in a transaction that marks their record finished, resolved on first
	 * use; supplies {@code null} when completions are not joined
	 */
	public ServletIdempotentHttpHandler(Supplier<IdempotentExecutor> executor, Supplier<IdempotencyListener> listener,
			String headerName, int keyMaxLength, Supplier<JoinedCompletion> joinedCompletion) {
		this.executor = executor;
		this.listener = listener;
		this.header = new IdempotencyKeyHeader(headerName, keyMaxLength);
		this.keyMaxLength = keyMaxLength;
		this.joinedCompletion = joinedCompletion;
	}

	/**
	 * Sets what of the body a repeated key must match.
	 * @param global the default ({@code idempotency.fingerprint}), {@link BodyFingerprint#CANONICAL} unless set
	 * @param byEndpoint overrides by endpoint name ({@code idempotency.endpoints.<name>.fingerprint})
	 */
	public void setBodyFingerprint(BodyFingerprint global, Map<String, BodyFingerprint> byEndpoint) {
		this.bodyFingerprint = Objects.requireNonNull(global, "global");
		this.endpointBodyFingerprints = Map.copyOf(byEndpoint);
	}

	/**
	 * Sets what an anonymous request to a body-hash endpoint scoped by principal gets.
	 * @param anonymousBodyHash {@link AnonymousBodyHash#REJECT} unless set
	 */
	public void setAnonymousBodyHash(AnonymousBodyHash anonymousBodyHash) {
		this.anonymousBodyHash = Objects.requireNonNull(anonymousBodyHash, "anonymousBodyHash");
	}

	@Override
	public boolean isActive() {
		return currentExchange() != null;
	}

	@Override
	public Object invoke(MethodInvocation invocation, IdempotentMethod method, Supplier<String> scope)
			throws Throwable {
		IdempotentExchange exchange = currentExchange();
		if (exchange == null || !exchange.claim()) {
			// a handler called from another idempotent handler runs within that one's protection
			return invocation.proceed();
		}
		BodyDigestingRequest request = exchange.request();
		String endpoint = method.endpoint();
		if (method.keySource() == Idempotent.KeySource.BODY_HASH && !method.hasKeyExpression()
				&& method.scope() == Idempotent.Scope.PRINCIPAL
				&& IdempotencyScopeResolver.ANONYMOUS_SCOPE.equals(scope.get())) {
			// every anonymous caller has the same scope: a body-hash record would hand one guest another's response
			if (this.anonymousBodyHash == AnonymousBodyHash.RUN_UNPROTECTED) {
				return invocation.proceed();
			}
			this.listener.get().onOutcome(endpoint, RequestOutcome.MISSING_KEY);
			return refused(exchange, method, Refusal.MISSING_KEY, IdempotencyProblem.anonymousBodyHash());
		}
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		String route = (pattern != null) ? pattern.toString() : request.getRequestURI();
		BodyFingerprint bodyMode = this.endpointBodyFingerprints.getOrDefault(endpoint, this.bodyFingerprint);
		// a body-hash key is the fingerprint itself: compute it once; it always covers the body
		RequestFingerprint bodyHash = (method.keySource() == Idempotent.KeySource.BODY_HASH
				&& !method.hasKeyExpression())
						? ServletRequestFingerprint.of(request, route, (bodyMode == BodyFingerprint.NONE) ? BodyFingerprint.CANONICAL
								: bodyMode)
						: null;
		RequestFingerprint fingerprint = (bodyMode == BodyFingerprint.NONE) ? null : bodyHash;
		String clientKey;
		try {
			clientKey = clientKey(invocation, method, request, bodyHash);
		}
		catch (InvalidIdempotencyKeyException ex) {
			this.listener.get().onOutcome(endpoint, RequestOutcome.INVALID_KEY);
			return refused(exchange, method, Refusal.INVALID_KEY, null, String.valueOf(ex.getMessage()));
		}
		if (clientKey == null) {
			if (!method.isRequired()) {
				return invocation.proceed();
			}
			this.listener.get().onOutcome(endpoint, RequestOutcome.MISSING_KEY);
			return refused(exchange, method, Refusal.MISSING_KEY, null, this.header.name());
		}
		IdempotencyKey key = IdempotencyKey.of(scope.get(), operation(request.getMethod(), route, pattern != null),
				clientKey);
		RequestFingerprint claimed = (fingerprint != null) ? fingerprint
				: ServletRequestFingerprint.of(request, route, bodyMode);
		ClaimOutcome outcome = this.executor.get().claim(key, claimed, method.policy());
		if (outcome instanceof ClaimOutcome.Acquired acquired) {
			Execution execution = acquired.execution();
			exchange.acquired(execution);
			try (IdempotencyContext.Scope bound = execution.context().bind()) {
				JoinedCompletion joined = this.joinedCompletion.get();
				if (joined == null) {
					Object value = invocation.proceed();
					exchange.returned(this.declaredStatus.of(value, method.method()));
					return value;
				}
				Object target = invocation.getThis();
				Object value = joined.inTransaction(method.method(),
						(target != null) ? AopUtils.getTargetClass(target) : null,
						() -> IdempotentHttpHandler.proceed(invocation),
						(result) -> exchange.provisional(result, this.declaredStatus.of(result, method.method())),
						execution.policy())
					.call();
				exchange.effectsCommitted();
				return value;
			}
		}
		if (outcome instanceof ClaimOutcome.Unprotected) {
			return invocation.proceed();
		}
		if (outcome instanceof ClaimOutcome.Refused refused) {
			return refused(exchange, method, refused.refusal(), refused.retryAfter(), "");
		}
		exchange.replay(((ClaimOutcome.Replay) outcome).response());
		return method.shortCircuitValue();
	}

	private static @Nullable Object refused(IdempotentExchange exchange, IdempotentMethod method, Refusal refusal,
			@Nullable Duration retryAfter, String particulars) {
		return refused(exchange, method, refusal, IdempotencyProblem.of(refusal, retryAfter, particulars));
	}

	private static @Nullable Object refused(IdempotentExchange exchange, IdempotentMethod method, Refusal refusal,
			IdempotencyProblem problem) {
		exchange.refused(refusal, problem);
		if (!isDispatchedHandler(exchange.request(), method)) {
			// called directly by code of the application's (another handler): its caller must not go on with the
			// short-circuit value as if the call had run, so the refusal is thrown here, as it always was
			IdempotencyProblemException raised = exchange.raiseRefusal();
			if (raised != null) {
				throw raised;
			}
		}
		return method.shortCircuitValue();
	}

	/**
	 * Whether the method is the handler Spring MVC dispatched this request to, whose return value goes to Spring MVC
	 * and after which {@link IdempotencyRefusalInterceptor} runs. Compared as the registry resolved the method, so
	 * that an inherited or bridged handler method matches; anything else is treated as a direct call.
	 */
	private static boolean isDispatchedHandler(BodyDigestingRequest request, IdempotentMethod method) {
		Object handler = request.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
		return handler instanceof HandlerMethod handlerMethod
				&& method.method().equals(AopUtils.getMostSpecificMethod(handlerMethod.getMethod(),
						handlerMethod.getBeanType()));
	}

	private @Nullable String clientKey(MethodInvocation invocation, IdempotentMethod method,
			BodyDigestingRequest request, @Nullable RequestFingerprint bodyHash) {
		if (method.hasKeyExpression()) {
			String key;
			try {
				key = method.evaluateKey(invocation.getArguments());
			}
			catch (RuntimeException ex) {
				// the request's arguments made the expression fail (a null property, a bad conversion): the client's
				// input, not a server error; the exception's text stays in the server's log only
				logger.debug("The key expression of " + method + " failed", ex);
				throw new InvalidIdempotencyKeyException("The idempotency key could not be derived from this request");
			}
			if (key == null || key.isBlank()) {
				throw new InvalidIdempotencyKeyException("The idempotency key derived from this request is empty");
			}
			IdempotencyKey.validate(key, this.keyMaxLength);
			return key;
		}
		if (bodyHash != null) {
			// the whole request as fingerprinted (path, query, form parameters and parts included), without the
			// version prefix
			return bodyHash.value().substring(bodyHash.value().indexOf(':') + 1);
		}
		return this.header.read(request);
	}

	/**
	 * The key's operation, {@code "<method> <route>"}. Built once per mapped route and kept: the HTTP methods are
	 * those of idempotent handlers (the filter wraps no other) and the route templates those of their mappings, both
	 * finite. A route that fell back to the request's URI, which a client chooses, is built per request and never
	 * kept.
	 */
	private String operation(String httpMethod, String route, boolean routed) {
		if (!routed) {
			return httpMethod + " " + route;
		}
		Map<String, String> byRoute = this.operations.get(httpMethod);
		if (byRoute == null) {
			byRoute = this.operations.computeIfAbsent(httpMethod, (name) -> new ConcurrentHashMap<>());
		}
		String operation = byRoute.get(route);
		if (operation == null) {
			operation = byRoute.computeIfAbsent(route, (template) -> httpMethod + " " + template);
		}
		return operation;
	}

	private static @Nullable IdempotentExchange currentExchange() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (attributes == null) {
			return null;
		}
		Object exchange = attributes.getAttribute(IdempotentExchange.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
		return (exchange instanceof IdempotentExchange idempotent) ? idempotent : null;
	}

}
