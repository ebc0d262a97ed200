package io.github.idempotency.spring.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster of the test's own: {@code redis-server --cluster-enabled yes} processes on loopback ports, each
 * owning an equal share of the 16384 slots, joined with {@code CLUSTER MEET}. Built with plain cluster commands so
 * that no {@code redis-cli} is needed.
 */
final class RedisClusterProcesses implements AutoCloseable {

	private static final int SLOTS = 16384;

	private final List<RedisServerProcess> nodes = new ArrayList<>();

	private RedisClusterProcesses() {
	}

	/**
	 * Starts a cluster and waits until every node reports {@code cluster_state:ok}.
	 * @param binary the {@code redis-server} binary
	 * @param size the number of master nodes
	 * @return the running cluster
	 */
	static RedisClusterProcesses start(Path binary, int size) {
		RedisClusterProcesses cluster = new RedisClusterProcesses();
		try {
			for (int i = 0; i < size; i++) {
				cluster.nodes.add(RedisServerProcess.start(binary, "--cluster-enabled", "yes",
						"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"));
			}
			cluster.form();
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * A started connection factory for the cluster.
	 * @param commandTimeout how long a command may take
	 * @return the factory; destroy it after use
	 */
	LettuceConnectionFactory connectionFactory(Duration commandTimeout) {
		RedisClusterConfiguration configuration = new RedisClusterConfiguration(
				this.nodes.stream().map((node) -> "127.0.0.1:" + node.port()).toList());
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	List<RedisServerProcess> nodes() {
		return List.copyOf(this.nodes);
	}

	@Override
	public void close() {
		this.nodes.forEach(RedisServerProcess::close);
	}

	private void form() {
		RedisClient client = RedisClient.create();
		try {
			int size = this.nodes.size();
			for (int i = 0; i < size; i++) {
				int from = i * SLOTS / size;
				int to = (i + 1) * SLOTS / size;
				try (StatefulRedisConnection<String, String> connection = connect(client, this.nodes.get(i))) {
					connection.sync().clusterAddSlots(IntStream.range(from, to).toArray());
				}
			}
			try (StatefulRedisConnection<String, String> first = connect(client, this.nodes.get(0))) {
				for (RedisServerProcess node : this.nodes.subList(1, size)) {
					first.sync().clusterMeet("127.0.0.1", node.port());
				}
			}
			for (RedisServerProcess node : this.nodes) {
				try (StatefulRedisConnection<String, String> connection = connect(client, node)) {
					RedisCommands<String, String> commands = connection.sync();
					await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
						String info = commands.clusterInfo();
						return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + size)
								&& info.contains("cluster_slots_ok:" + SLOTS);
					});
				}
			}
		}
		finally {
			client.shutdown();
		}
	}

	private static StatefulRedisConnection<String, String> connect(RedisClient client, RedisServerProcess node) {
		return client.connect(RedisURI.create("127.0.0.1", node.port()));
	}

}
