package io.github.idempotency.spring.autoconfigure;

import java.util.Optional;
import java.util.function.Supplier;

import io.github.idempotency.spring.JoinedCompletion;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * The {@link JoinedCompletion} bean, looked up once on first use; supplies {@code null} when there is none
 * (completions are then not joined).
 */
final class LazyJoinedCompletion implements Supplier<JoinedCompletion> {

	private final SingletonSupplier<Optional<JoinedCompletion>> delegate;

	LazyJoinedCompletion(ObjectProvider<JoinedCompletion> joinedCompletion) {
		this.delegate = SingletonSupplier.of(() -> Optional.ofNullable(joinedCompletion.getIfAvailable()));
	}

	@Override
	public JoinedCompletion get() {
		return this.delegate.obtain().orElse(null);
	}

}
