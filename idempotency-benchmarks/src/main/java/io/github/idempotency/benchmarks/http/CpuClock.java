package io.github.idempotency.benchmarks.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The CPU time that the app's process and the store's server processes spend, read in nanoseconds from Linux's
 * {@code /proc} (the {@code schedstat} of every thread), so that each round's CPU per request can be set beside its
 * throughput. On a machine that the load driver, the app and the database share, req/s of one path swings between
 * rounds with what the others do; the CPU a request costs each process moves far less, and tells the app's share of
 * a gap from the server's. The app's JIT compiler threads are left out: what they do is the warm-up's, which goes on
 * at a falling rate for minutes, not a cost of each request. Of the app's time, the share of its garbage collector's
 * threads and of the VM thread (which runs the collector's pauses with serial collectors, and the safepoints of all)
 * is also given on its own: what a request allocates costs there, not on its own thread. Where {@code /proc} cannot
 * be read, or the server runs elsewhere, it measures nothing.
 */
final class CpuClock {

	private static final Path PROC = Path.of("/proc");

	private final long appPid;

	private final String serverCommand;

	/**
	 * A clock on the app and on the server processes of one name.
	 * @param appPid the app's process
	 * @param serverCommand the server's command name as {@code /proc/<pid>/comm} gives it ({@code postgres},
	 * {@code redis-server}), or {@code null} when the store lives in the app
	 */
	CpuClock(long appPid, String serverCommand) {
		this.appPid = appPid;
		this.serverCommand = serverCommand;
	}

	/**
	 * Whether this machine exposes the CPU time of threads; without it every reading is empty.
	 * @return {@code true} on Linux with {@code /proc}
	 */
	static boolean available() {
		return Files.isReadable(PROC.resolve("self/task"));
	}

	/**
	 * Reads the CPU time of every thread now.
	 * @return the reading, to pass to {@link #since}
	 */
	Reading read() {
		Map<Long, Long> app = new HashMap<>();
		Map<Long, Long> collector = new HashMap<>();
		Map<Long, Long> server = new HashMap<>();
		if (available()) {
			addAppThreads(PROC.resolve(Long.toString(this.appPid)), app, collector);
			if (this.serverCommand != null) {
				try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, (path) -> isPid(path))) {
					for (Path process : processes) {
						if (this.serverCommand.equals(command(process))) {
							addThreads(process, server);
						}
					}
				}
				catch (IOException ex) {
					// no server reading this time
				}
			}
		}
		return new Reading(app, collector, server);
	}

	/**
	 * The CPU time spent since an earlier reading, by the threads alive at both readings and those started since;
	 * a thread that ended in between is left out (its time is no longer reported), which the app's pooled threads
	 * and the database's pooled connections make rare.
	 * @param before the earlier reading
	 * @return the app's and the server's nanoseconds
	 */
	Spent since(Reading before) {
		Reading now = read();
		return new Spent(delta(before.app, now.app), delta(before.collector, now.collector),
				delta(before.server, now.server), !now.app.isEmpty(), !now.server.isEmpty());
	}

	private static long delta(Map<Long, Long> before, Map<Long, Long> after) {
		long total = 0;
		for (Map.Entry<Long, Long> thread : after.entrySet()) {
			total += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
		}
		return total;
	}

	// every thread of the app but the JIT compilers, and among them the collector's also on their own
	private static void addAppThreads(Path process, Map<Long, Long> app, Map<Long, Long> collector) {
		forEachThread(process, (task, nanos) -> {
			String name = command(task);
			if (isCompiler(name)) {
				return;
			}
			long id = Long.parseLong(task.getFileName().toString());
			app.put(id, nanos);
			if (isCollector(name)) {
				collector.put(id, nanos);
			}
		});
	}

	private static void addThreads(Path process, Map<Long, Long> into) {
		forEachThread(process, (task, nanos) -> into.put(Long.parseLong(task.getFileName().toString()), nanos));
	}

	private static void forEachThread(Path process, BiConsumer<Path, Long> action) {
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(process.resolve("task"), (path) -> isPid(path))) {
			for (Path task : tasks) {
				Long nanos = runNanos(task);
				if (nanos != null) {
					action.accept(task, nanos);
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	// the first field of schedstat: time spent running on a CPU, in nanoseconds
	private static Long runNanos(Path task) {
		try {
			String line = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII);
			int end = line.indexOf(' ');
			return Long.parseLong((end < 0) ? line.trim() : line.substring(0, end));
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
	}

	// HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1"..., which comm cuts to 15 characters
	private static boolean isCompiler(String name) {
		return name != null && name.contains("CompilerThre");
	}

	// HotSpot's "GC Thread#0" (the parallel workers of G1 and Parallel), "G1 Conc#0", "G1 Refine#0", "G1 Main
	// Marker", "G1 Service" and the "VM Thread"
	static boolean isCollector(String name) {
		return name != null && (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread"));
	}

	private static String command(Path process) {
		try {
			return Files.readString(process.resolve("comm"), StandardCharsets.UTF_8).trim();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static boolean isPid(Path path) {
		String name = path.getFileName().toString();
		for (int i = 0; i < name.length(); i++) {
			if (!Character.isDigit(name.charAt(i))) {
				return false;
			}
		}
		return !name.isEmpty();
	}

	/**
	 * The CPU time of every thread at one instant, by thread id.
	 */
	static final class Reading {

		private final Map<Long, Long> app;

		private final Map<Long, Long> collector;

		private final Map<Long, Long> server;

		private Reading(Map<Long, Long> app, Map<Long, Long> collector, Map<Long, Long> server) {
			this.app = app;
			this.collector = collector;
			this.server = server;
		}

	}

	/**
	 * CPU time spent between two readings.
	 * @param appNanos by the app's threads
	 * @param appCollectorNanos by those of them that collect garbage (included in {@code appNanos})
	 * @param serverNanos by the server's processes
	 * @param appMeasured whether the app's threads could be read
	 * @param serverMeasured whether any server process could be read
	 */
	record Spent(long appNanos, long appCollectorNanos, long serverNanos, boolean appMeasured, boolean serverMeasured) {
	}

}
