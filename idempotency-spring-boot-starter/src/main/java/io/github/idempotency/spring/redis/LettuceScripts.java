package io.github.idempotency.spring.redis;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Runs the store's scripts on the native Lettuce connection behind a Spring Data {@link LettuceConnection}, with the
 * byte-array codec that connection already uses: the same command on the same connection as through
 * {@code RedisConnection.scriptingCommands()}, without Spring Data's layer around it (copies of keys and arguments
 * into new arrays, the script digest converted from bytes to text, an invoker, a result converter and their lambdas
 * per command), which the end-to-end profile found among the store's largest costs per request.
 * <p>
 * Only for a connection that neither pipelines nor queues a transaction: those go through Spring Data, which keeps
 * their replies. Waits for a reply as long as Spring Data does (the factory's command timeout, e.g.
 * {@code spring.data.redis.timeout}) and reports a timeout as Spring Data does, as a {@link QueryTimeoutException}.
 * Referenced only when Lettuce is on the classpath, so that its classes load only then.
 */
final class LettuceScripts {

	private final LettuceConnectionFactory connectionFactory;

	private LettuceScripts(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/**
	 * The runner for a factory's connections, or {@code null} when they are not Lettuce's.
	 * @param connectionFactory the store's connection factory
	 * @return the runner, or {@code null}
	 */
	static @Nullable LettuceScripts of(Object connectionFactory) {
		return (connectionFactory instanceof LettuceConnectionFactory lettuce) ? new LettuceScripts(lettuce) : null;
	}

	/**
	 * Whether this runner can send a command of the connection.
	 * @param connection a connection of the factory
	 * @return {@code true} for a Lettuce connection that neither pipelines nor queues
	 */
	boolean runs(RedisConnection connection) {
		return connection instanceof LettuceConnection lettuce && !lettuce.isPipelined() && !lettuce.isQueueing();
	}

	/**
	 * {@code EVALSHA}, or {@code EVAL} when the server does not have the script cached yet.
	 * @param script the script
	 * @param connection a connection that this runner {@link #runs}
	 * @param returnType the type of the script's reply
	 * @param keys the script's keys
	 * @param args the script's arguments
	 * @return the reply: a {@code Long}, a {@code byte[]} or a {@code List} of them, as through Spring Data
	 */
	Object eval(RedisScript script, RedisConnection connection, ReturnType returnType, byte[][] keys, byte[][] args) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = ((LettuceConnection) connection).getNativeConnection();
		ScriptOutputType outputType = outputType(returnType);
		try {
			return await(commands.evalsha(script.sha1(), outputType, keys, args));
		}
		catch (RedisNoScriptException ex) {
			return await(commands.eval(script.source(), outputType, keys, args));
		}
	}

	private <T> T await(RedisFuture<T> reply) {
		try {
			return LettuceFutures.awaitOrCancel(reply, this.connectionFactory.getTimeout(), TimeUnit.MILLISECONDS);
		}
		catch (RedisCommandTimeoutException ex) {
			throw new QueryTimeoutException(ex.getMessage(), ex);
		}
	}

	private static ScriptOutputType outputType(ReturnType returnType) {
		return switch (returnType) {
			case BOOLEAN -> ScriptOutputType.BOOLEAN;
			case MULTI -> ScriptOutputType.MULTI;
			case VALUE -> ScriptOutputType.VALUE;
			case INTEGER -> ScriptOutputType.INTEGER;
			case STATUS -> ScriptOutputType.STATUS;
		};
	}

}
