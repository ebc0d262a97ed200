package io.github.idempotency.spring.health;

import java.time.Clock;
import java.util.List;

import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyStoreHealthIndicatorTest {

	@Test
	void upWhenTheStoreAnswersTheProbeRead() {
		Health health = new IdempotencyStoreHealthIndicator(new InMemoryIdempotencyStore(), Clock.systemUTC(),
				List.of())
			.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("store", "memory").containsKey("latency");
	}

	@Test
	void downWithTheFailureWhenTheStoreIsUnreachable() {
		Health health = new IdempotencyStoreHealthIndicator(new UnreachableStore(), Clock.systemUTC(), List.of())
			.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("store", "unreachable");
		assertThat(health.getDetails().get("error").toString()).contains("Connection refused");
	}

	@Test
	void probesAddDetailsAndMayMarkItDown() {
		IdempotencyStoreProbe evicting = (store, health) -> health.down().withDetail("maxmemoryPolicy", "allkeys-lru");
		Health health = new IdempotencyStoreHealthIndicator(new InMemoryIdempotencyStore(), Clock.systemUTC(),
				List.of(evicting))
			.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("maxmemoryPolicy", "allkeys-lru");
	}

	@Test
	void probesDoNotRunWhenTheStoreIsUnreachable() {
		List<String> probed = new java.util.ArrayList<>();
		Health health = new IdempotencyStoreHealthIndicator(new UnreachableStore(), Clock.systemUTC(),
				List.of((store, builder) -> probed.add(store.name())))
			.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(probed).isEmpty();
	}

}
