package io.github.idempotency.spring.autoconfigure;

import java.util.function.Supplier;

import io.github.idempotency.spring.IdempotentHttpHandler;
import io.github.idempotency.spring.IdempotentMethod;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * The HTTP handler bean, looked up on first use; inactive when the application is not a servlet web application.
 */
final class LazyHttpHandler implements IdempotentHttpHandler {

	private static final IdempotentHttpHandler NONE = new IdempotentHttpHandler() {

		@Override
		public boolean isActive() {
			return false;
		}

		@Override
		public Object invoke(MethodInvocation invocation, IdempotentMethod method, Supplier<String> scope)
				throws Throwable {
			return invocation.proceed();
		}

	};

	private final SingletonSupplier<IdempotentHttpHandler> delegate;

	LazyHttpHandler(ObjectProvider<IdempotentHttpHandler> handler) {
		this.delegate = SingletonSupplier.of(() -> handler.getIfAvailable(() -> NONE));
	}

	@Override
	public boolean isActive() {
		return this.delegate.obtain().isActive();
	}

	@Override
	public Object invoke(MethodInvocation invocation, IdempotentMethod method, Supplier<String> scope)
			throws Throwable {
		return this.delegate.obtain().invoke(invocation, method, scope);
	}

}
