package io.github.idempotency.spring.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;

/**
 * One of the store's Lua scripts: its source, loaded from the classpath, and the SHA-1 that {@code EVALSHA} names
 * it by. A script takes the record's key, and may take the key an earlier version of the store wrote the record
 * under (never on Redis Cluster, where the two keys live in different slots).
 */
final class RedisScript {

	static final RedisScript CLAIM = load("claim");

	static final RedisScript COMPLETE = loadFenced("complete");

	static final RedisScript RELEASE = loadFenced("release");

	static final RedisScript RENEW = loadFenced("renew");

	static final RedisScript FIND = load("find");

	static final RedisScript DELETE_FINISHED_IF_UNCHANGED = load("delete-finished-if-unchanged");

	private final String name;

	private final byte[] source;

	private final String sha1;

	private RedisScript(String name, byte[] source) {
		this.name = name;
		this.source = source;
		try {
			this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to provide SHA-1
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A script that reads a record: the shared reader of the stored format ({@code record-prelude.lua}) followed by
	 * the script itself.
	 */
	private static RedisScript load(String name) {
		return new RedisScript(name, concat(read("record-prelude.lua"), read(name + ".lua")));
	}

	/**
	 * A fenced write: the shared reader, the shared owner check ({@code fenced-prelude.lua}) and the script's own
	 * write, sent as one script so that check and write stay one atomic step.
	 */
	private static RedisScript loadFenced(String name) {
		return new RedisScript(name,
				concat(read("record-prelude.lua"), read("fenced-prelude.lua"), read(name + ".lua")));
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] source = new byte[length];
		int position = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, source, position, part.length);
			position += part.length;
		}
		return source;
	}

	private static byte[] read(String resource) {
		try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("The Redis script " + resource + " is missing from the classpath");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to read the Redis script " + resource, ex);
		}
	}

	String name() {
		return this.name;
	}

	String sha1() {
		return this.sha1;
	}

	byte[] source() {
		return this.source;
	}

	/**
	 * Runs the script on the key: {@code EVALSHA}, or {@code EVAL} when the server does not have it cached yet (first
	 * use on this server, or after a restart, a failover or a script flush), which also caches it.
	 * @param connection the connection
	 * @param returnType the type of the script's reply
	 * @param key the one key the script touches
	 * @param args the script's arguments
	 * @return the reply
	 */
	<T> T eval(RedisConnection connection, ReturnType returnType, byte[] key, byte[]... args) {
		return evalOnKeys(null, connection, returnType, new byte[][] { key }, args);
	}

	/**
	 * {@link #eval}, through the native Lettuce connection when {@code lettuce} runs this connection's commands.
	 * @param lettuce the native runner, {@code null} without Lettuce
	 */
	<T> T eval(@Nullable LettuceScripts lettuce, RedisConnection connection, ReturnType returnType, byte[] key,
			byte[]... args) {
		return evalOnKeys(lettuce, connection, returnType, new byte[][] { key }, args);
	}

	/**
	 * {@link #eval} with the record's key and, when given, its key of an earlier version.
	 * @param lettuce the native runner, {@code null} without Lettuce
	 * @param keys the record's key, then optionally its legacy key
	 */
	@SuppressWarnings("unchecked")
	<T> T evalOnKeys(@Nullable LettuceScripts lettuce, RedisConnection connection, ReturnType returnType,
			byte[][] keys, byte[]... args) {
		if (lettuce != null && lettuce.runs(connection)) {
			return (T) lettuce.eval(this, connection, returnType, keys, args);
		}
		byte[][] keysAndArgs = keysAndArgs(keys, args);
		try {
			return (T) connection.scriptingCommands().evalSha(this.sha1, returnType, keys.length, keysAndArgs);
		}
		catch (RuntimeException ex) {
			if (!RedisReplies.hasMessage(ex, "NOSCRIPT")) {
				throw ex;
			}
			return (T) connection.scriptingCommands().eval(this.source, returnType, keys.length, keysAndArgs);
		}
	}

	/**
	 * {@link #eval} on the connection's dedicated native connection (see {@link PipelinedCommand}), on which a
	 * later {@code WAIT} can count the write.
	 */
	@SuppressWarnings("unchecked")
	<T> T evalPipelined(RedisConnection connection, ReturnType returnType, byte[][] keys, byte[]... args) {
		byte[][] keysAndArgs = keysAndArgs(keys, args);
		int numKeys = keys.length;
		try {
			return (T) PipelinedCommand.run(connection, (pipelined) -> pipelined.scriptingCommands()
				.evalSha(this.sha1, returnType, numKeys, keysAndArgs));
		}
		catch (RuntimeException ex) {
			if (!RedisReplies.hasMessage(ex, "NOSCRIPT")) {
				throw ex;
			}
			return (T) PipelinedCommand.run(connection,
					(pipelined) -> pipelined.scriptingCommands().eval(this.source, returnType, numKeys, keysAndArgs));
		}
	}

	private static byte[][] keysAndArgs(byte[][] keys, byte[]... args) {
		byte[][] keysAndArgs = new byte[keys.length + args.length][];
		System.arraycopy(keys, 0, keysAndArgs, 0, keys.length);
		System.arraycopy(args, 0, keysAndArgs, keys.length, args.length);
		return keysAndArgs;
	}

}
