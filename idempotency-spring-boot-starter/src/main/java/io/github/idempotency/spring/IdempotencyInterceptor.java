package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.InvalidIdempotencyKeyException;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ExecutionResult;
import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.Refusal;
import io.github.idempotency.core.execution.RetainedFailureException;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.spring.messaging.InboundMessage;
import io.github.idempotency.spring.messaging.InboundMessages;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.expression.EvaluationException;

/**
 * Runs {@code @Idempotent} methods at most once per key. Controller handlers reached through the idempotency filter
 * are protected at the HTTP level (the filter stores and replays the exact response); every other method stores its
 * return value through its codec, returns the decoded value on replay and throws
 * {@link IdempotencyRejectedException} when it is refused. An exception thrown by a non-web method releases the key.
 * <p>
 * With a {@link JoinedCompletion} ({@code idempotency.jpa.join-transaction}), a non-web method runs in a transaction
 * that also writes its encoded result, so its database work and the finished record commit together.
 */
public final class IdempotencyInterceptor implements MethodInterceptor {

	private final IdempotentMethodRegistry methods;

	private final Supplier<IdempotentExecutor> executor;

	private final Supplier<IdempotencyListener> listener;

	private final IdempotencyScopeResolver principalScope;

	private final Supplier<IdempotencyScopeResolver> customScope;

	private final @Nullable IdempotentHttpHandler http;

	private final @Nullable ResultCodecFactory argumentEncoder;

	private final int keyMaxLength;

	private final Supplier<JoinedCompletion> joinedCompletion;

	/**
	 * @param methods the resolved annotated methods
	 * @param executor the executor, resolved on first use (the interceptor is created while beans are proxied)
	 * @param listener receives the outcomes decided by the interceptor itself, resolved on first use
	 * @param customScope the application's scope resolver for {@link Idempotent.Scope#CUSTOM}; supplies {@code null}
	 * when there is none
	 * @param http the HTTP half, or {@code null} without a servlet web application
	 * @param argumentEncoder encodes a non-web invocation's arguments for its fingerprint; may be {@code null}
	 * @param keyMaxLength longest accepted key
	 * @param joinedCompletion runs non-web methods in a transaction that writes their completion, resolved on first
	 * use; supplies {@code null} when completions are not joined
	 */
	public IdempotencyInterceptor(IdempotentMethodRegistry methods, Supplier<IdempotentExecutor> executor,
			Supplier<IdempotencyListener> listener, Supplier<IdempotencyScopeResolver> customScope,
			@Nullable IdempotentHttpHandler http, @Nullable ResultCodecFactory argumentEncoder, int keyMaxLength,
			Supplier<JoinedCompletion> joinedCompletion) {
		this.methods = methods;
		this.executor = executor;
		this.listener = listener;
		this.principalScope = new PrincipalScopeResolver();
		this.customScope = customScope;
		this.http = http;
		this.argumentEncoder = argumentEncoder;
		this.keyMaxLength = keyMaxLength;
		this.joinedCompletion = joinedCompletion;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		IdempotentMethod method = this.methods.find(invocation.getMethod(), targetClass).orElse(null);
		if (method == null) {
			return invocation.proceed();
		}
		Supplier<String> scope = () -> scope(method, invocation.getArguments());
		if (method.isWeb()) {
			if (this.http == null || !this.http.isActive()) {
				throw new IllegalStateException("@Idempotent handler " + method + " was called outside an HTTP "
						+ "request that passed the IdempotencyFilter; it is registered automatically in a servlet web "
						+ "application");
			}
			return this.http.invoke(invocation, method, scope);
		}
		return invokeNonWeb(invocation, method, scope);
	}

	private Object invokeNonWeb(MethodInvocation invocation, IdempotentMethod method, Supplier<String> scope)
			throws Throwable {
		String endpoint = method.endpoint();
		Object[] arguments = invocation.getArguments();
		String clientKey;
		try {
			clientKey = method.hasKeyExpression() ? method.evaluateKey(arguments) : messageKey(method);
		}
		catch (EvaluationException ex) {
			// the arguments made the expression fail (a null property, a bad conversion): the caller's input
			this.listener.get().onOutcome(endpoint, RequestOutcome.INVALID_KEY);
			throw rejected(Refusal.INVALID_KEY, method, "The key expression failed: " + ex.getMessage(), null, ex);
		}
		if (clientKey == null || clientKey.isEmpty()) {
			this.listener.get().onOutcome(endpoint, RequestOutcome.MISSING_KEY);
			throw rejected(Refusal.MISSING_KEY, method, "", null, null);
		}
		IdempotencyKey key;
		try {
			IdempotencyKey.validate(clientKey, this.keyMaxLength);
			key = IdempotencyKey.of(scope.get(), method.operation(), clientKey);
		}
		catch (InvalidIdempotencyKeyException ex) {
			this.listener.get().onOutcome(endpoint, RequestOutcome.INVALID_KEY);
			throw rejected(Refusal.INVALID_KEY, method, ex.getMessage(), null, ex);
		}
		RequestFingerprint fingerprint = fingerprint(method, arguments);
		JoinedCompletion joined = this.joinedCompletion.get();
		// a joined transaction encodes the value for the completion it commits; the executor's completion that
		// follows reuses those bytes rather than encode the value a second time
		ResultCodec<Object> codec = (joined != null) ? new EncodedOnce(method.codec()) : method.codec();
		ExecutionResult<Object> result;
		try {
			result = this.executor.get()
				.execute(key, fingerprint, method.policy(), codec, action(invocation, method, key, joined, codec));
		}
		catch (RetainedFailureException ex) {
			if (!method.isListener()) {
				throw ex;
			}
			// the first delivery failed for good and went its way (dead letter); a redelivery is acknowledged
			tellMessage(method, InboundMessage::skipped);
			return method.shortCircuitValue();
		}
		catch (Exception ex) {
			if (method.isNotRetryable(ex)) {
				tellMessage(method, InboundMessage::failedForGood);
			}
			throw ex;
		}
		if (result instanceof ExecutionResult.Executed<Object> executed) {
			return executed.value();
		}
		if (result instanceof ExecutionResult.Replayed<Object> replayed) {
			tellMessage(method, InboundMessage::skipped);
			return replayed.value();
		}
		ExecutionResult.Refused<Object> refused = (ExecutionResult.Refused<Object>) result;
		throw rejected(refused.refusal(), method, "", refused.retryAfter(), refused.cause());
	}

	private RequestFingerprint fingerprint(IdempotentMethod method, Object[] arguments) {
		RequestFingerprint.Builder fingerprint = RequestFingerprint.builder().add(method.operation());
		if (this.argumentEncoder != null) {
			try {
				fingerprint.add(this.argumentEncoder.encodeArguments(method.fingerprintValues(arguments)));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("The arguments of " + method + " cannot be fingerprinted ("
						+ ex.getMessage() + "); select what a repeated key must match with fingerprint = \"#...\"",
						ex);
			}
		}
		return fingerprint.build();
	}

	private static @Nullable String messageKey(IdempotentMethod method) {
		InboundMessage message = InboundMessages.current()
			.orElseThrow(() -> new IllegalStateException(method + " takes its key from the delivered message, but "
					+ "no listener container bound one: call it from its @RabbitListener or @KafkaListener container, "
					+ "or use a key expression"));
		return switch (method.keySource()) {
			case MESSAGE_ID -> message.messageId();
			case RECORD_KEY -> message.recordKey();
			default -> message.header(method.header());
		};
	}

	// the listener container's binding acknowledges a skipped message or dead-letters a final failure
	private static void tellMessage(IdempotentMethod method, Consumer<InboundMessage> news) {
		if (method.isListener()) {
			InboundMessages.current().ifPresent(news);
		}
	}

	private static IdempotencyRejectedException rejected(Refusal refusal, IdempotentMethod method, String reason,
			@Nullable Duration retryAfter, @Nullable Throwable cause) {
		String message = switch (refusal) {
			case MISSING_KEY -> "The key expression of " + method + " evaluated to no key";
			case INVALID_KEY -> reason + " (" + method + ")";
			case IN_PROGRESS -> "An invocation of " + method + " with the same key is still running";
			case KEY_MISMATCH -> "The key of this invocation of " + method
					+ " was used before with different arguments";
			case STORE_UNAVAILABLE -> "The idempotency store is unavailable; " + method + " did not run";
			case RECORD_CORRUPT -> "The stored record of this invocation's key cannot be read; " + method
					+ " did not run";
		};
		// a record that cannot be read does not heal by retrying, whatever delay the executor suggested
		return new IdempotencyRejectedException(refusal, message, refusal.isTransient() ? retryAfter : null, cause);
	}

	private Callable<Object> action(MethodInvocation invocation, IdempotentMethod method, IdempotencyKey key,
			@Nullable JoinedCompletion joined, ResultCodec<Object> codec) {
		Callable<Object> proceed = () -> proceedRetainingFinalFailures(invocation, method);
		if (joined == null) {
			return proceed;
		}
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		Callable<Object> inTransaction = joined.inTransaction(method.method(), targetClass, proceed,
				(value) -> joinedResult(codec, value), method.policy());
		// the executor runs the action without binding its claim when the store failed open: no record to join then
		return () -> IdempotencyContext.current().filter((context) -> context.key().equals(key)).isPresent()
				? inTransaction.call() : proceed.call();
	}

	/**
	 * The response a joined transaction commits with a returned value. A value that cannot be encoded must not roll
	 * the method's work back (it returned: its effects happened), so the transaction commits a provisional failure;
	 * the executor then gets the same failure from {@code codec} and attaches the failure that says why.
	 */
	private static StoredResponse joinedResult(ResultCodec<Object> codec, Object value) {
		try {
			return StoredResponse.of(200, Map.of(), codec.encode(value));
		}
		catch (RuntimeException ex) {
			return StoredResponse.notRetained(500, Map.of(), StoredResponse.NotRetained.POLICY);
		}
	}

	private static Object proceedRetainingFinalFailures(MethodInvocation invocation, IdempotentMethod method)
			throws Exception {
		try {
			return IdempotentHttpHandler.proceed(invocation);
		}
		catch (Exception ex) {
			if (method.isNotRetryable(ex)) {
				// noRetryFor: the failure is the outcome, so a redelivery must not run the method again
				IdempotencyContext.current().ifPresent(IdempotencyContext::retainResult);
			}
			throw ex;
		}
	}

	private String scope(IdempotentMethod method, Object[] arguments) {
		Method annotated = method.method();
		return switch (method.scope()) {
			case GLOBAL -> "";
			case PRINCIPAL -> this.principalScope.resolveScope(annotated, arguments);
			case CUSTOM -> {
				IdempotencyScopeResolver resolver = this.customScope.get();
				if (resolver == null) {
					throw new IllegalStateException(method + " uses Scope.CUSTOM but the application defines no "
							+ "IdempotencyScopeResolver bean");
				}
				String value = resolver.resolveScope(annotated, arguments);
				yield "custom:" + ((value != null) ? value : "");
			}
		};
	}

	/**
	 * The codec of one joined invocation: encodes its value once, for the completion its transaction commits, and
	 * answers the executor's completion that follows, for the same value, with those bytes (or that failure) again.
	 * One invocation runs on one thread, which both encodes.
	 */
	private static final class EncodedOnce implements ResultCodec<Object> {

		private final ResultCodec<Object> codec;

		private boolean encoded;

		private @Nullable Object value;

		private byte @Nullable [] bytes;

		private @Nullable RuntimeException failure;

		EncodedOnce(ResultCodec<Object> codec) {
			this.codec = codec;
		}

		@Override
		public byte[] encode(@Nullable Object value) {
			if (!this.encoded || this.value != value) {
				this.value = value;
				this.bytes = null;
				this.failure = null;
				try {
					this.bytes = this.codec.encode(value);
				}
				catch (RuntimeException ex) {
					this.failure = ex;
				}
				this.encoded = true;
			}
			if (this.failure != null) {
				throw this.failure;
			}
			return this.bytes;
		}

		@Override
		public Object decode(byte[] bytes) {
			return this.codec.decode(bytes);
		}

	}

}
