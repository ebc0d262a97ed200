package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.idempotency.core.store.IdempotencyStoreException;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.util.ClassUtils;

/**
 * {@code WAIT} on the connection that carried the write: Redis counts the replicas that acknowledged that
 * connection's last write, so the command must not go to any other connection. And since Redis holds every later
 * command of a connection blocked in {@code WAIT}, that connection must be nobody else's: the write and the
 * {@code WAIT} are both sent as {@link PipelinedCommand}s, on the {@code RedisConnection}'s dedicated connection.
 */
final class ReplicaAcknowledgement {

	private static final Log logger = LogFactory.getLog(ReplicaAcknowledgement.class);

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

	/**
	 * Waits for the acknowledgement of a claim ({@code idempotency.redis.min-replicas}); a claim that fewer replicas
	 * acknowledged in time, or whose {@code WAIT} failed, is released and fails.
	 * @param connection the connection whose pipelined claim script wrote
	 * @param minReplicas how many acknowledgements the claim needs
	 * @param timeout how long to wait for them
	 * @param redisKey the claimed key
	 * @param owner the claim's owner token
	 * @throws IdempotencyStoreException when the claim did not count, after releasing it
	 */
	static void requireForClaim(RedisConnection connection, int minReplicas, Duration timeout, byte[] redisKey,
			byte[] owner) {
		long replicas;
		try {
			replicas = await(connection, minReplicas, timeout);
		}
		catch (RuntimeException ex) {
			// nothing ran under this claim: give the key back rather than hold it for a whole lease
			release(connection, redisKey, owner);
			throw new IdempotencyStoreException("Redis failed to report the replicas' acknowledgement of the claim "
					+ "(idempotency.redis.min-replicas): " + ex.getMessage(), ex);
		}
		if (replicas < minReplicas) {
			// a claim that a failover may lose must not run: give the key back so a retry can claim it again
			release(connection, redisKey, owner);
			throw new IdempotencyStoreException("The claim was acknowledged by " + replicas + " of the " + minReplicas
					+ " replicas required (idempotency.redis.min-replicas) within " + timeout.toMillis() + " ms");
		}
	}

	private static void release(RedisConnection connection, byte[] redisKey, byte[] owner) {
		try {
			RedisScript.RELEASE.eval(connection, ReturnType.INTEGER, redisKey, owner);
		}
		catch (RuntimeException ex) {
			logger.warn("Failed to release a claim that its replicas did not acknowledge; it expires with its lease",
					ex);
		}
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
