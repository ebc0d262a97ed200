package io.github.idempotency.spring.redis;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The start-up refusal of a Redis older than 5, decided from {@code INFO server} answers (no old server runs here).
 */
class RedisVersionCheckTest {

	@Test
	void parsesTheMajorVersion() {
		assertThat(RedisVersionCheck.majorVersion("4.0.14")).isEqualTo(4);
		assertThat(RedisVersionCheck.majorVersion("5.0.0")).isEqualTo(5);
		assertThat(RedisVersionCheck.majorVersion("7.2.4")).isEqualTo(7);
		assertThat(RedisVersionCheck.majorVersion("255.255.255")).isEqualTo(255);
		assertThat(RedisVersionCheck.majorVersion("unknown")).isEqualTo(-1);
		assertThat(RedisVersionCheck.majorVersion("")).isEqualTo(-1);
		assertThat(RedisVersionCheck.majorVersion("v7.0")).isEqualTo(-1);
	}

	@Test
	void refusesRedisOlderThanFiveWithAClearMessage() {
		assertThatIllegalStateException().isThrownBy(() -> RedisVersionCheck.check(Map.of("", "4.0.14")))
			.withMessageContaining("runs version 4.0.14")
			.withMessageContaining("needs Redis 5 or later");
		assertThatIllegalStateException().isThrownBy(() -> RedisVersionCheck.check(Map.of("", "3.2.12")));
	}

	@Test
	void acceptsRedisFiveAndLaterAndWhatItCannotParse() {
		assertThatNoException().isThrownBy(() -> RedisVersionCheck.check(Map.of("", "5.0.0")));
		assertThatNoException().isThrownBy(() -> RedisVersionCheck.check(Map.of("", "7.4.1")));
		assertThatNoException().isThrownBy(() -> RedisVersionCheck.check(Map.of("", "unstable")));
		assertThatNoException().isThrownBy(() -> RedisVersionCheck.check(Map.of()));
	}

	@Test
	void namesTheOldNodeOfACluster() {
		Properties info = new Properties();
		info.setProperty("127.0.0.1:7000.redis_version", "7.2.4");
		info.setProperty("127.0.0.1:7001.redis_version", "4.0.9");
		info.setProperty("127.0.0.1:7001.redis_mode", "cluster");

		Map<String, String> versions = RedisVersionCheck.versions(info);

		assertThat(versions).containsOnly(Map.entry("127.0.0.1:7000", "7.2.4"), Map.entry("127.0.0.1:7001", "4.0.9"));
		assertThatIllegalStateException().isThrownBy(() -> RedisVersionCheck.check(versions))
			.withMessageContaining("node 127.0.0.1:7001");
	}

	@Test
	void readsTheVersionOfASingleServer() {
		Properties info = new Properties();
		info.setProperty("redis_version", "6.2.6 ");
		assertThat(RedisVersionCheck.versions(info)).containsOnly(Map.entry("", "6.2.6"));
		assertThat(RedisVersionCheck.versions(null)).isEmpty();
	}

}
