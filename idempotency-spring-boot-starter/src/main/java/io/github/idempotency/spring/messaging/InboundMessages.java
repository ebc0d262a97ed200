package io.github.idempotency.spring.messaging;

import java.util.Optional;

/**
 * Holds the {@link InboundMessage} being delivered on the current thread. A listener container's binding binds it
 * around the listener's invocation, so that {@code @Idempotent} finds a message id that the listener method does not
 * take as an argument.
 */
public final class InboundMessages {

	private static final ThreadLocal<InboundMessage> CURRENT = new ThreadLocal<>();

	private InboundMessages() {
	}

	/**
	 * Binds a message to the current thread until the returned binding is closed (which restores the previous one).
	 * @param message the message being delivered
	 * @return the binding to close
	 */
	public static Binding bind(InboundMessage message) {
		InboundMessage previous = CURRENT.get();
		CURRENT.set(message);
		return () -> {
			if (previous != null) {
				CURRENT.set(previous);
			}
			else {
				CURRENT.remove();
			}
		};
	}

	/**
	 * The message delivered on the current thread.
	 * @return the message, or empty outside a bound listener invocation
	 */
	public static Optional<InboundMessage> current() {
		return Optional.ofNullable(CURRENT.get());
	}

	/**
	 * A message bound to the current thread.
	 */
	@FunctionalInterface
	public interface Binding extends AutoCloseable {

		/** Unbinds the message. */
		@Override
		void close();

	}

}
