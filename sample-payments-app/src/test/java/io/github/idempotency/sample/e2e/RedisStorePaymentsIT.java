package io.github.idempotency.sample.e2e;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.github.idempotency.spring.redis.RedisTestServer;
import org.junit.jupiter.api.AfterAll;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@code redis} profile: idempotency records in Redis, under a key prefix of this run only.
 */
class RedisStorePaymentsIT extends AbstractSharedStoreEndToEndIT {

	private final String keyPrefix = RedisTestServer.uniquePrefix(RedisStorePaymentsIT.class);

	@Override
	RunningApp startApp(Map<String, String> extraProperties) {
		Map<String, String> properties = new HashMap<>();
		properties.put("spring.data.redis.url", RedisTestServer.url());
		properties.put("idempotency.redis.key-prefix", this.keyPrefix);
		properties.putAll(extraProperties);
		return RunningApp.start("redis", properties);
	}

	// the shared server outlives this run: leave none of its keys behind
	@AfterAll
	void deleteThisRunsKeys() {
		if (this.app != null) {
			StringRedisTemplate redis = this.app.context().getBean(StringRedisTemplate.class);
			Set<String> keys = redis.keys(this.keyPrefix + "*");
			if (keys != null && !keys.isEmpty()) {
				redis.delete(keys);
			}
		}
	}

}
