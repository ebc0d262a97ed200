package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.util.ClassUtils;

import static io.github.idempotency.spring.redis.RedisReplies.asLong;
import static io.github.idempotency.spring.redis.RedisReplies.fenced;
import static io.github.idempotency.spring.redis.RedisReplies.hasMessage;

/**
 * Records in Redis (standalone, Sentinel or Cluster), through a Spring Data {@link RedisConnectionFactory}.
 * <p>
 * Each operation is one Lua script, one round trip, atomic on the server: a first request costs two round trips
 * (claim, complete), a replay or a conflict one, since a claim that finds a record in force returns it whole. Every
 * write, claim, complete, renewal, is a {@code SET ... PX}, so no record without an expiry can exist.
 * <p>
 * <strong>Time is Redis's.</strong> The scripts read the server's {@code TIME} for lease deadlines and retention;
 * the {@code now} that callers pass is ignored, so instances with skewed clocks agree. (Redis 5 and later replicate
 * scripts by their effects, so a replica stores the same deadline.) An ongoing record is kept for twice its lease, so
 * that a claim after the lease ran out can tell a takeover from a fresh claim; it counts as absent from its deadline.
 * <p>
 * Keys are {@code prefix + "{" + hash + "}"}: a hash tag around the SHA-256 of the scoped key (in 40 base64url
 * characters), so that each record maps to one cluster slot and no client key or principal name is ever stored.
 * Values follow a compact, versioned encoding; a value that cannot be decoded raises {@link CorruptRecordException}
 * and is never overwritten or treated as absent. Records that earlier versions wrote (64 hex characters in the key,
 * version 1 of the value) are still found, except on Redis Cluster.
 * <p>
 * With {@link #setMinReplicas(int) min replicas}, a successful claim is followed by {@code WAIT} on the same
 * connection (one more round trip); a claim acknowledged by fewer replicas in time, or whose {@code WAIT} fails, is
 * released and fails with {@link IdempotencyStoreException}, so a failover cannot silently forget it. Since Redis
 * holds every later command of a connection blocked in {@code WAIT}, such claims run in pipelines, which Spring Data
 * sends on a dedicated connection rather than the one a Lettuce factory shares: without a connection pool that is a
 * new connection per claim. Not available on Redis Cluster, whose client routes a keyless {@code WAIT} to a
 * connection other than the one that carried the claim.
 * <p>
 * Failures to reach Redis, including command timeouts (the connection factory's, e.g.
 * {@code spring.data.redis.timeout}), are thrown as {@link IdempotencyStoreException}.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

	/** Default key prefix. */
	public static final String DEFAULT_KEY_PREFIX = "idempotency:";

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.RedisClient",
			RedisIdempotencyStore.class.getClassLoader());

	private static final byte[] FINISHED_OK = bytes(RedisRecordCodec.stateCode(RecordState.FINISHED_OK));

	private static final byte[] FINISHED_ERROR = bytes(RedisRecordCodec.stateCode(RecordState.FINISHED_ERROR));

	private final RedisConnectionFactory connectionFactory;

	private final RedisKeys keys;

	private final @Nullable LettuceScripts lettuce;

	// the lease and the retention are the same for most requests: encoded once, not per request
	private volatile EncodedMillis lease = EncodedMillis.NONE;

	private volatile EncodedMillis retention = EncodedMillis.NONE;

	private int minReplicas;

	private Duration replicaTimeout = Duration.ofMillis(100);

	/**
	 * A store that writes keys under {@value #DEFAULT_KEY_PREFIX}.
	 * @param connectionFactory the connection factory
	 */
	public RedisIdempotencyStore(RedisConnectionFactory connectionFactory) {
		this(connectionFactory, DEFAULT_KEY_PREFIX);
	}

	/**
	 * A store that writes keys under the given prefix.
	 * @param connectionFactory the connection factory
	 * @param keyPrefix the prefix of every key; without braces, which would change the keys' hash slot
	 */
	public RedisIdempotencyStore(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
		this.keys = new RedisKeys(keyPrefix);
		this.lettuce = LETTUCE_PRESENT ? LettuceScripts.of(connectionFactory) : null;
	}

	/**
	 * Sets how many replicas must acknowledge a claim before it counts.
	 * @param minReplicas the number of replicas, 0 (the default) to not wait
	 */
	public void setMinReplicas(int minReplicas) {
		if (minReplicas < 0) {
			throw new IllegalArgumentException("minReplicas must not be negative, was " + minReplicas);
		}
		this.minReplicas = minReplicas;
	}

	/**
	 * Sets how long a claim waits for its replicas' acknowledgement.
	 * @param replicaTimeout a positive duration, 100 ms by default
	 */
	public void setReplicaTimeout(Duration replicaTimeout) {
		if (replicaTimeout == null || replicaTimeout.isZero() || replicaTimeout.isNegative()) {
			throw new IllegalArgumentException("replicaTimeout must be positive, was " + replicaTimeout);
		}
		this.replicaTimeout = replicaTimeout;
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		Objects.requireNonNull(fingerprint, "fingerprint");
		EncodedMillis encodedLease = encodedLease(lease);
		OwnerToken owner = OwnerToken.randomWritten();
		byte[] redisKey = redisKey(key);
		byte[] storedFingerprint = RedisRecordCodec.encodeFingerprint(fingerprint);
		// a replay finds this very fingerprint in the record: no need to decode it
		RequestFingerprint known = RedisRecordCodec.readsBackExactly(storedFingerprint) ? fingerprint : null;
		return execute("claim", (connection) -> {
			if (this.minReplicas > 0 && connection instanceof RedisClusterConnection) {
				throw new IdempotencyStoreException(
						"idempotency.redis.min-replicas is not supported on Redis Cluster");
			}
			byte[][] keys = lookupKeys(connection, key, redisKey);
			byte[][] args = { storedFingerprint, bytes(owner.value()), encodedLease.value(), encodedLease.kept() };
			// WAIT holds every later command of its connection: with min-replicas, claim and WAIT go on a connection
			// of their own (a pipeline's), never on the connection that the factory shares with everyone else
			List<?> reply = (this.minReplicas > 0)
					? RedisScript.CLAIM.evalPipelined(connection, ReturnType.MULTI, keys, args)
					: RedisScript.CLAIM.evalOnKeys(this.lettuce, connection, ReturnType.MULTI, keys, args);
			if (reply == null || reply.size() < 2) {
				throw new IdempotencyStoreException("Unexpected reply to the Redis claim script: " + reply);
			}
			if (asLong(reply.get(0)) == 0) {
				return new ClaimResult.Existing(
						RedisRecordCodec.decode((byte[]) reply.get(1), known, storedFingerprint));
			}
			ClaimResult.Claimed claimed = new ClaimResult.Claimed(owner,
					Instant.ofEpochMilli(asLong(reply.get(2))), asLong(reply.get(1)) == 1);
			if (this.minReplicas > 0) {
				ReplicaAcknowledgement.requireForClaim(connection, this.minReplicas, this.replicaTimeout, redisKey,
						bytes(owner.value()));
			}
			return claimed;
		});
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		byte[] stateCode = stateArgument(state);
		Objects.requireNonNull(owner, "owner");
		EncodedMillis encodedRetention = encodedRetention(retention);
		byte[] encoded = RedisRecordCodec.encodeResponse(Objects.requireNonNull(response, "response"));
		byte[] redisKey = redisKey(key);
		byte[][] args = { bytes(owner.value()), stateCode, encodedRetention.value(), encoded };
		return execute("complete", (connection) -> fenced(
				RedisScript.COMPLETE.eval(this.lettuce, connection, ReturnType.INTEGER, redisKey, args)));
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		Objects.requireNonNull(owner, "owner");
		byte[] redisKey = redisKey(key);
		return execute("release", (connection) -> fenced(
				RedisScript.RELEASE.eval(this.lettuce, connection, ReturnType.INTEGER, redisKey, bytes(owner.value()))));
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		Objects.requireNonNull(owner, "owner");
		EncodedMillis encodedLease = encodedLease(lease);
		byte[] redisKey = redisKey(key);
		return execute("renew", (connection) -> fenced(RedisScript.RENEW.eval(this.lettuce, connection,
				ReturnType.INTEGER, redisKey, bytes(owner.value()), encodedLease.value(), encodedLease.kept())));
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		byte[] redisKey = redisKey(key);
		return execute("find", (connection) -> {
			byte[] value = RedisScript.FIND.evalOnKeys(this.lettuce, connection, ReturnType.VALUE,
					lookupKeys(connection, key, redisKey));
			return Optional.ofNullable(value).map(RedisRecordCodec::decode);
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * An ongoing record is deleted by the script that releases it (fenced by its owner token and a live lease); a
	 * finished one by its state and its end of retention as read, which no later completion repeats.
	 */
	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		Objects.requireNonNull(seen, "seen");
		byte[] redisKey = redisKey(key);
		if (seen.state() == RecordState.ONGOING) {
			byte[] owner = bytes(seen.owner().value());
			return execute("delete", (connection) -> fenced(RedisScript.RELEASE.evalOnKeys(this.lettuce, connection,
					ReturnType.INTEGER, lookupKeys(connection, key, redisKey), owner)));
		}
		byte[] stateCode = stateArgument(seen.state());
		byte[] expiry = bytes(seen.expiresAt().toEpochMilli());
		return execute("delete", (connection) -> fenced(RedisScript.DELETE_FINISHED_IF_UNCHANGED.evalOnKeys(this.lettuce,
				connection,
				ReturnType.INTEGER, lookupKeys(connection, key, redisKey), stateCode, expiry)));
	}

	@Override
	public boolean delete(StorageKey key) {
		byte[] redisKey = redisKey(key);
		return execute("delete", (connection) -> {
			Long deleted = connection.keyCommands().del(lookupKeys(connection, key, redisKey));
			return deleted != null && deleted > 0;
		});
	}

	@Override
	public String name() {
		return "redis";
	}

	/**
	 * The Redis key of a storage key: the prefix, then the storage key as a hash tag.
	 * @param key the storage key
	 * @return the Redis key's bytes
	 */
	byte[] redisKey(StorageKey key) {
		return this.keys.of(key);
	}

	/**
	 * The keys a record is looked up under: its key and, except on Redis Cluster (where the two keys live in
	 * different slots, so no script may touch both), the key that earlier versions of the store wrote it under, so
	 * that records written before an upgrade are still found. Writes by an owner go to the record's key only: an
	 * owner's claim always wrote there.
	 */
	private byte[][] lookupKeys(RedisConnection connection, StorageKey key, byte[] redisKey) {
		return (connection instanceof RedisClusterConnection) ? new byte[][] { redisKey }
				: new byte[][] { redisKey, this.keys.legacy(key) };
	}

	private <T> T execute(String operation, Function<RedisConnection, T> action) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return action.apply(connection);
		}
		catch (IdempotencyStoreException ex) {
			throw ex;
		}
		catch (QueryTimeoutException ex) {
			throw new IdempotencyStoreException("Redis did not answer the idempotency " + operation + " in time", ex);
		}
		catch (RuntimeException ex) {
			if (hasMessage(ex, "WRONGTYPE")) {
				throw new CorruptRecordException("An idempotency key in Redis holds a value of another type", ex);
			}
			throw new IdempotencyStoreException("Redis failed the idempotency " + operation + ": " + ex.getMessage(),
					ex);
		}
	}

	/** The code of a finished state as the scripts take it; fails for any other state. */
	private static byte[] stateArgument(RecordState state) {
		return switch (state) {
			case FINISHED_OK -> FINISHED_OK;
			case FINISHED_ERROR -> FINISHED_ERROR;
			default -> bytes(RedisRecordCodec.stateCode(state));
		};
	}

	private EncodedMillis encodedLease(Duration lease) {
		EncodedMillis encoded = this.lease;
		if (!encoded.encodes(lease)) {
			long millis = positiveMillis(lease, "lease");
			encoded = new EncodedMillis(lease, bytes(millis), bytes(keptMillis(millis)));
			this.lease = encoded;
		}
		return encoded;
	}

	private EncodedMillis encodedRetention(Duration retention) {
		EncodedMillis encoded = this.retention;
		if (!encoded.encodes(retention)) {
			long millis = positiveMillis(retention, "retention");
			encoded = new EncodedMillis(retention, bytes(millis), null);
			this.retention = encoded;
		}
		return encoded;
	}

	private static long positiveMillis(Duration duration, String name) {
		if (duration == null || duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
		return Math.max(1, duration.toMillis());
	}

	/** How long an ongoing record is kept: its lease, then as long again to tell a takeover from a fresh claim. */
	private static long keptMillis(long leaseMillis) {
		return (leaseMillis > Long.MAX_VALUE / 2) ? leaseMillis : leaseMillis * 2;
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A duration as the scripts take it, in decimal milliseconds, and for a lease also how long its ongoing record
	 * is kept. Never modified once built: the arrays go to Redis as they are.
	 */
	private record EncodedMillis(@Nullable Duration duration, byte[] value, byte @Nullable [] kept) {

		static final EncodedMillis NONE = new EncodedMillis(null, new byte[0], null);

		boolean encodes(Duration other) {
			return other != null && other.equals(this.duration);
		}

	}

}
