package io.github.idempotency.benchmarks.http;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Counts the app's Redis round trips with {@code MONITOR}: only the commands sent from the app's own connections
 * (found by their client name in {@code CLIENT LIST}), so that other clients of a shared Redis do not count, and
 * not the commands a script runs inside the server (MONITOR shows those as coming from {@code lua}). A marker
 * command sent after the requests tells when every command of the run has been seen.
 */
final class RedisMonitorCounter implements RoundTripCounter {

	private final String host;

	private final int port;

	private final String clientName;

	private RespConnection monitor;

	private Set<String> appAddresses;

	RedisMonitorCounter(String host, int port, String clientName) {
		this.host = host;
		this.port = port;
		this.clientName = clientName;
	}

	@Override
	public void start() throws Exception {
		this.appAddresses = appAddresses();
		if (this.appAddresses.isEmpty()) {
			throw new IllegalStateException("No Redis client is named '" + this.clientName + "'");
		}
		this.monitor = new RespConnection(this.host, this.port);
		if (!"OK".equals(this.monitor.command("MONITOR"))) {
			throw new IllegalStateException("MONITOR was refused");
		}
	}

	@Override
	public String stop(long requests) throws Exception {
		String marker = "bench-marker-" + UUID.randomUUID();
		try (RespConnection control = new RespConnection(this.host, this.port)) {
			control.command("ECHO", marker);
		}
		Map<String, Integer> commands = new TreeMap<>();
		int total = 0;
		for (Object line = this.monitor.read(); !line.toString().contains(marker); line = this.monitor.read()) {
			// 1700000000.123456 [0 127.0.0.1:50000] "evalsha" "..." ...
			String text = line.toString();
			int open = text.indexOf('[');
			int close = text.indexOf(']', open);
			if (open < 0 || close < 0) {
				continue;
			}
			String[] source = text.substring(open + 1, close).split(" ");
			if (source.length == 2 && this.appAddresses.contains(source[1])) {
				int quote = text.indexOf('"', close);
				String command = text.substring(quote + 1, text.indexOf('"', quote + 1)).toLowerCase();
				commands.merge(command, 1, Integer::sum);
				total++;
			}
		}
		this.monitor.close();
		StringBuilder cell = new StringBuilder(String.format("%.2f", (double) total / requests));
		if (!commands.isEmpty()) {
			cell.append(" (");
			commands.forEach((command, count) -> cell.append(command)
				.append(' ')
				.append(String.format("%.2f", (double) count / requests))
				.append(", "));
			cell.setLength(cell.length() - 2);
			cell.append(')');
		}
		return cell.toString();
	}

	private Set<String> appAddresses() throws Exception {
		Set<String> addresses = new HashSet<>();
		try (RespConnection control = new RespConnection(this.host, this.port)) {
			for (String client : control.command("CLIENT", "LIST").toString().split("\n")) {
				List<String> fields = List.of(client.trim().split(" "));
				if (fields.contains("name=" + this.clientName)) {
					fields.stream()
						.filter((field) -> field.startsWith("addr="))
						.forEach((field) -> addresses.add(field.substring(5)));
				}
			}
		}
		return addresses;
	}

	@Override
	public void close() throws Exception {
		if (this.monitor != null) {
			this.monitor.close();
		}
	}

}
