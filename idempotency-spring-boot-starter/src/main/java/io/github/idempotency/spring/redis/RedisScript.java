package io.github.idempotency.spring.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;

/**
 * One of the store's Lua scripts: its source, loaded from the classpath, and the SHA-1 that {@code EVALSHA} names
 * it by. Every script takes one key, so that it runs on that key's cluster node.
 */
final class RedisScript {

	static final RedisScript CLAIM = load("claim");

	static final RedisScript COMPLETE = loadFenced("complete");

	static final RedisScript RELEASE = loadFenced("release");

	static final RedisScript RENEW = loadFenced("renew");

	static final RedisScript FIND = load("find");

	static final RedisScript DELETE_IF_UNCHANGED = load("delete-if-unchanged");

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

	private static RedisScript load(String name) {
		return new RedisScript(name, read(name + ".lua"));
	}

	/**
	 * A fenced write: the shared owner check ({@code fenced-prelude.lua}) followed by the script's own write, sent
	 * as one script so that check and write stay one atomic step.
	 */
	private static RedisScript loadFenced(String name) {
		byte[] prelude = read("fenced-prelude.lua");
		byte[] write = read(name + ".lua");
		byte[] source = new byte[prelude.length + write.length];
		System.arraycopy(prelude, 0, source, 0, prelude.length);
		System.arraycopy(write, 0, source, prelude.length, write.length);
		return new RedisScript(name, source);
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

	/**
	 * Runs the script on the key: {@code EVALSHA}, or {@code EVAL} when the server does not have it cached yet (first
	 * use on this server, or after a restart, a failover or a script flush), which also caches it.
	 * @param connection the connection
	 * @param returnType the type of the script's reply
	 * @param key the one key the script touches
	 * @param args the script's arguments
	 * @return the reply
	 */
	@SuppressWarnings("unchecked")
	<T> T eval(RedisConnection connection, ReturnType returnType, byte[] key, byte[]... args) {
		byte[][] keysAndArgs = keysAndArgs(key, args);
		try {
			return (T) connection.scriptingCommands().evalSha(this.sha1, returnType, 1, keysAndArgs);
		}
		catch (RuntimeException ex) {
			if (!RedisReplies.hasMessage(ex, "NOSCRIPT")) {
				throw ex;
			}
			return (T) connection.scriptingCommands().eval(this.source, returnType, 1, keysAndArgs);
		}
	}

	/**
	 * {@link #eval} on the connection's dedicated native connection (see {@link PipelinedCommand}), on which a
	 * later {@code WAIT} can count the write.
	 */
	@SuppressWarnings("unchecked")
	<T> T evalPipelined(RedisConnection connection, ReturnType returnType, byte[] key, byte[]... args) {
		byte[][] keysAndArgs = keysAndArgs(key, args);
		try {
			return (T) PipelinedCommand.run(connection,
					(pipelined) -> pipelined.scriptingCommands().evalSha(this.sha1, returnType, 1, keysAndArgs));
		}
		catch (RuntimeException ex) {
			if (!RedisReplies.hasMessage(ex, "NOSCRIPT")) {
				throw ex;
			}
			return (T) PipelinedCommand.run(connection,
					(pipelined) -> pipelined.scriptingCommands().eval(this.source, returnType, 1, keysAndArgs));
		}
	}

	private static byte[][] keysAndArgs(byte[] key, byte[]... args) {
		byte[][] keysAndArgs = new byte[args.length + 1][];
		keysAndArgs[0] = key;
		System.arraycopy(args, 0, keysAndArgs, 1, args.length);
		return keysAndArgs;
	}

}
