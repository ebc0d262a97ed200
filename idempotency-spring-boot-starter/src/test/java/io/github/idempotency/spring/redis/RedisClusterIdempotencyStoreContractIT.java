package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration;
import io.github.idempotency.spring.health.RedisEvictionPolicyProbe;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import org.assertj.core.api.InstanceOfAssertFactories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The store contract, its races included, through a three-node Redis Cluster of the test's own. Skipped, with a
 * message, when no {@code redis-server} binary runs on this machine.
 */
class RedisClusterIdempotencyStoreContractIT extends AbstractRedisStoreContractIT {

	private static RedisClusterProcesses cluster;

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void startCluster() {
		Optional<Path> binary = RedisServerProcess.binary();
		assumeTrue(binary.isPresent(), "No redis-server binary runs here (neither the machine's nor the embedded "
				+ "artifact's): skipping the Redis Cluster tests, which start three cluster nodes of their own");
		cluster = RedisClusterProcesses.start(binary.get(), 3);
		connectionFactory = cluster.connectionFactory(Duration.ofSeconds(2));
		RedisTestServer.warmUp(connectionFactory);
	}

	@AfterAll
	static void stopCluster() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Override
	protected RedisConnectionFactory connectionFactory() {
		return connectionFactory;
	}

	@Test
	void spreadsRecordsOverEveryNodeOneSlotPerRecord() {
		RedisIdempotencyStore store = (RedisIdempotencyStore) store();
		Set<RedisClusterNode> owners = new HashSet<>();
		try (RedisClusterConnection connection = connectionFactory.getClusterConnection()) {
			for (int i = 0; i < 30; i++) {
				var key = newKey();
				assertThat(store.claim(key, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Claimed.class);
				byte[] redisKey = store.redisKey(key);
				int slot = connection.clusterGetSlotForKey(redisKey);
				String hashTag = new String(redisKey, StandardCharsets.US_ASCII).replaceAll(".*\\{(.*)}", "$1");
				assertThat(slot).isEqualTo(SlotHash.getSlot(hashTag.getBytes(StandardCharsets.US_ASCII)));
				RedisClusterNode owner = connection.clusterGetNodeForSlot(slot);
				owners.add(owner);
				assertThat(connection.clusterCountKeysInSlot(slot)).isPositive();
			}
		}
		assertThat(owners).hasSize(3);
	}

	@Test
	void refusesMinReplicasAtStartUpOnACluster() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisIdempotencyStoreAutoConfiguration.class))
			.withBean(RedisConnectionFactory.class, () -> cluster.connectionFactory(Duration.ofSeconds(2)))
			.withPropertyValues("idempotency.redis.min-replicas=1")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("idempotency.redis.min-replicas is not supported on Redis Cluster");
			});
	}

	@Test
	void readsTheEvictionPolicyOfEveryNode() {
		assertThat(RedisEvictionPolicyVerifier.policies(connectionFactory)).hasSize(3)
			.allSatisfy((node, policy) -> assertThat(policy).isEqualTo(RedisEvictionPolicyVerifier.NO_EVICTION));
		assertThatNoException().isThrownBy(() -> new RedisEvictionPolicyVerifier(true).verify(connectionFactory));
	}

	@Test
	void healthProbeReadsThePolicyOfEveryNode() {
		RedisServerProcess evicting = cluster.nodes().get(1);
		RedisIdempotencyStore store = new RedisIdempotencyStore(connectionFactory, RedisTestServer.uniquePrefix(getClass()));
		setPolicy(evicting, "allkeys-lru");
		try {
			Health.Builder health = Health.up();
			new RedisEvictionPolicyProbe(connectionFactory, EvictionPolicyCheck.FAIL).probe(store, health);
			Health result = health.build();

			assertThat(result.getStatus()).isEqualTo(Status.DOWN);
			assertThat(result.getDetails().get("maxmemoryPolicy"))
				.asInstanceOf(InstanceOfAssertFactories.map(String.class, String.class))
				.hasSize(3)
				.containsValue("allkeys-lru");
			assertThat(result.getDetails().get("error").toString()).contains("'allkeys-lru' on ")
				.contains(String.valueOf(evicting.port()))
				.doesNotContain("noeviction' on");
		}
		finally {
			setPolicy(evicting, RedisEvictionPolicyVerifier.NO_EVICTION);
		}
		Health.Builder healthy = Health.up();
		new RedisEvictionPolicyProbe(connectionFactory, EvictionPolicyCheck.FAIL).probe(store, healthy);
		assertThat(healthy.build().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void readsTheVersionOfEveryNodeAndAcceptsIt() {
		try (RedisClusterConnection connection = connectionFactory.getClusterConnection()) {
			assertThat(RedisVersionCheck.versions(connection.serverCommands().info("server"))).hasSize(3)
				.allSatisfy((node, version) -> assertThat(RedisVersionCheck.majorVersion(version))
					.isGreaterThanOrEqualTo(RedisVersionCheck.MINIMUM_MAJOR_VERSION));
		}
		assertThatNoException().isThrownBy(() -> RedisVersionCheck.verify(connectionFactory));
	}

	private static void setPolicy(RedisServerProcess node, String policy) {
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + node.port());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().configSet("maxmemory-policy", policy);
		}
		finally {
			client.shutdown();
		}
	}

}
