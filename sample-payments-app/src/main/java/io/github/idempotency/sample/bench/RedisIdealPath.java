package io.github.idempotency.sample.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.stereotype.Component;

/**
 * The minimal path for Redis: one Lua script claims the key ({@code SET NX PX}) or reads what holds it, then a plain
 * {@code SET PX} stores the response. Keys sit under the bench profile's own prefix.
 */
@Component
@Profile("bench")
@ConditionalOnProperty(name = "idempotency.store", havingValue = "redis")
class RedisIdealPath implements IdealPath {

	// an empty value marks a claim in progress; anything else is a finished response
	private static final String CLAIM_OR_READ = """
			if redis.call('SET', KEYS[1], '', 'NX', 'PX', ARGV[1]) then
			  return false
			end
			return redis.call('GET', KEYS[1])
			""";

	private final RedisTemplate<byte[], byte[]> redis = new RedisTemplate<>();

	private final String keyPrefix;

	private final byte[] ttlMillis;

	private final Expiration expiration;

	private final String sha;

	RedisIdealPath(RedisConnectionFactory connectionFactory,
			@Value("${bench.ideal.key-prefix:idempotency-bench-ideal:}") String keyPrefix,
			@Value("${idempotency.endpoints.bench.ttl:${idempotency.ttl}}") Duration ttl) {
		this.redis.setConnectionFactory(connectionFactory);
		this.redis.setEnableDefaultSerializer(false);
		this.redis.afterPropertiesSet();
		this.keyPrefix = keyPrefix;
		this.ttlMillis = Long.toString(ttl.toMillis()).getBytes(StandardCharsets.US_ASCII);
		this.expiration = Expiration.milliseconds(ttl.toMillis());
		byte[] script = CLAIM_OR_READ.getBytes(StandardCharsets.UTF_8);
		this.sha = this.redis.execute((RedisCallback<String>) (connection) -> connection.scriptingCommands()
			.scriptLoad(script));
	}

	@Override
	public IdealClaim claim(String key) {
		byte[] redisKey = redisKey(key);
		byte[] held = this.redis.execute((RedisCallback<byte[]>) (connection) -> connection.scriptingCommands()
			.evalSha(this.sha, ReturnType.VALUE, 1, redisKey, this.ttlMillis));
		if (held == null) {
			return IdealClaim.CLAIMED;
		}
		return (held.length == 0) ? IdealClaim.IN_PROGRESS : new IdealClaim.Finished(held);
	}

	@Override
	public void complete(String key, byte[] body) {
		byte[] redisKey = redisKey(key);
		this.redis.execute((RedisCallback<Boolean>) (connection) -> connection.stringCommands()
			.set(redisKey, body, this.expiration, SetOption.upsert()));
	}

	private byte[] redisKey(String key) {
		return (this.keyPrefix + key).getBytes(StandardCharsets.UTF_8);
	}

}
