package io.github.idempotency.spring.autoconfigure;

import java.lang.reflect.Method;

import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.spring.ResultCodecFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * The codec factory bean, looked up on first use.
 */
final class LazyCodecs implements ResultCodecFactory {

	private final SingletonSupplier<ResultCodecFactory> delegate;

	LazyCodecs(ObjectProvider<ResultCodecFactory> codecs) {
		this.delegate = SingletonSupplier.of(() -> codecs.getIfAvailable(() -> (method) -> {
			throw new IllegalStateException("No ResultCodecFactory for " + method);
		}));
	}

	@Override
	public ResultCodec<Object> codecFor(Method method) {
		return this.delegate.obtain().codecFor(method);
	}

	@Override
	public byte[] encodeArguments(Object[] arguments) {
		return this.delegate.obtain().encodeArguments(arguments);
	}

}
