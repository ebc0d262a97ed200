package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.util.ClassUtils;

/**
 * {@code WAIT} on the connection that carried the write: Redis counts the replicas that acknowledged that
 * connection's last write, so the command must not go to any other connection. And since Redis holds every later
 * command of a connection blocked in {@code WAIT}, that connection must be nobody else's: the write and the
 * {@code WAIT} are both sent as {@link PipelinedCommand}s, on the {@code RedisConnection}'s dedicated connection.
 */
final class ReplicaAcknowledgement {

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.RedisClient",
			ReplicaAcknowledgement.class.getClassLoader());

	private ReplicaAcknowledgement() {
	}

	/**
	 * Waits until {@code replicas} replicas acknowledged this connection's pipelined writes, or the timeout.
	 * @param connection the connection whose pipelined command wrote
	 * @param replicas how many acknowledgements are wanted
	 * @param timeout how long to wait
	 * @return how many replicas acknowledged
	 */
	static long await(RedisConnection connection, int replicas, Duration timeout) {
		byte[][] args = { ascii(replicas), ascii(timeout.toMillis()) };
		Object reply = PipelinedCommand.run(connection, (pipelined) -> send(pipelined, args));
		if (reply instanceof Number number) {
			return number.longValue();
		}
		throw new IllegalStateException("Unexpected reply to WAIT: " + reply);
	}

	private static void send(RedisConnection connection, byte[][] args) {
		if (LETTUCE_PRESENT && connection instanceof LettuceConnection) {
			Lettuce.send(connection, args);
		}
		else {
			connection.execute("WAIT", args);
		}
	}

	private static byte[] ascii(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	/** Kept apart so that Lettuce's classes load only when Lettuce is the client. */
	private static final class Lettuce {

		static void send(RedisConnection connection, byte[][] args) {
			// the plain execute(String, byte[]...) expects a bulk reply; WAIT answers an integer
			((LettuceConnection) connection).execute("WAIT", new IntegerOutput<>(ByteArrayCodec.INSTANCE),
					args);
		}

	}

}
