package io.github.idempotency.spring.redis;

import java.util.List;
import java.util.function.Consumer;

import org.springframework.data.redis.connection.RedisConnection;

/**
 * One command sent as a pipeline of its own, for the connection it then runs on: Spring Data sends pipelined
 * commands on the {@link RedisConnection}'s dedicated native connection, never on the one that a Lettuce factory
 * shares between all its {@code RedisConnection}s, and keeps that dedicated connection until the
 * {@code RedisConnection} is closed. So consecutive pipelined commands of one {@code RedisConnection} share one
 * native connection, which nobody else uses meanwhile.
 */
final class PipelinedCommand {

	private PipelinedCommand() {
	}

	/**
	 * Sends one command in a pipeline of its own and waits for its reply, within the connection's command timeout.
	 * @param connection the connection
	 * @param command issues exactly one command on the connection (its immediate result is {@code null})
	 * @return the command's reply
	 */
	static Object run(RedisConnection connection, Consumer<RedisConnection> command) {
		connection.openPipeline();
		try {
			command.accept(connection);
		}
		catch (RuntimeException ex) {
			try {
				connection.closePipeline();
			}
			catch (RuntimeException suppressed) {
				ex.addSuppressed(suppressed);
			}
			throw ex;
		}
		List<?> replies = connection.closePipeline();
		if (replies.size() != 1) {
			throw new IllegalStateException("Expected the reply to one pipelined command, got " + replies);
		}
		return replies.get(0);
	}

}
