package io.github.idempotency.benchmarks.http;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CPU clock reads what threads really spent: this JVM's own work as the app's, a child process's as the
 * server's, and nothing for a server that is not running here.
 */
class CpuClockTest {

	private static final long BURN_NANOS = 50_000_000L;

	@BeforeEach
	void linux() {
		assumeTrue(CpuClock.available(), "needs Linux's /proc");
	}

	@Test
	void countsTheCpuTimeOfTheAppsThreads() {
		CpuClock clock = new CpuClock(ProcessHandle.current().pid(), null);
		CpuClock.Reading before = clock.read();
		burn(BURN_NANOS);
		CpuClock.Spent spent = clock.since(before);
		assertThat(spent.appMeasured()).isTrue();
		assertThat(spent.appNanos()).isGreaterThanOrEqualTo(BURN_NANOS);
		assertThat(spent.serverMeasured()).isFalse();
		assertThat(spent.serverNanos()).isZero();
	}

	@Test
	void countsTheCollectorsCpuTimeAsPartOfTheApps() {
		CpuClock clock = new CpuClock(ProcessHandle.current().pid(), null);
		CpuClock.Spent idle = clock.since(clock.read());
		CpuClock.Reading before = clock.read();
		burn(BURN_NANOS);
		CpuClock.Spent burnt = clock.since(before);
		before = clock.read();
		// a full collection runs on the collector's threads (or the VM thread), not on this one
		System.gc();
		CpuClock.Spent collected = clock.since(before);

		assertThat(idle.appCollectorNanos()).isLessThanOrEqualTo(idle.appNanos());
		assertThat(burnt.appCollectorNanos()).isLessThan(burnt.appNanos() / 2);
		assertThat(collected.appCollectorNanos()).isPositive().isLessThanOrEqualTo(collected.appNanos());
	}

	@Test
	void tellsTheCollectorsThreadsByTheirNames() {
		assertThat(CpuClock.isCollector("GC Thread#0")).isTrue();
		assertThat(CpuClock.isCollector("G1 Conc#0")).isTrue();
		assertThat(CpuClock.isCollector("G1 Main Marker")).isTrue();
		assertThat(CpuClock.isCollector("VM Thread")).isTrue();
		assertThat(CpuClock.isCollector("http-nio-8080-exec-1")).isFalse();
		assertThat(CpuClock.isCollector("main")).isFalse();
	}

	@Test
	void countsTheCpuTimeOfTheServersProcessesByName() throws Exception {
		CpuClock clock = new CpuClock(ProcessHandle.current().pid(), "sh");
		CpuClock.Reading before = clock.read();
		// a server process that works, then waits, still alive, for its input
		Process server = new ProcessBuilder("sh", "-c",
				"i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo worked; read line").start();
		try {
			BufferedReader output = new BufferedReader(
					new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
			assertThat(output.readLine()).isEqualTo("worked");
			long serverSpent = Long.parseLong(
					Files.readString(Path.of("/proc", Long.toString(server.pid()), "schedstat")).split(" ")[0]);
			CpuClock.Spent spent = clock.since(before);
			assertThat(serverSpent).isPositive();
			assertThat(spent.serverMeasured()).isTrue();
			assertThat(spent.serverNanos()).isGreaterThanOrEqualTo(serverSpent);
		}
		finally {
			server.getOutputStream().close();
			server.waitFor();
		}
	}

	@Test
	void measuresNoServerWhenNoProcessHasItsName() {
		CpuClock clock = new CpuClock(ProcessHandle.current().pid(), "no-such-server-" + ProcessHandle.current().pid());
		CpuClock.Spent spent = clock.since(clock.read());
		assertThat(spent.serverMeasured()).isFalse();
		assertThat(spent.serverNanos()).isZero();
	}

	// spins until this thread has run for the given CPU time (not wall time: the machine may be busy)
	private static void burn(long nanos) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long start = threads.getCurrentThreadCpuTime();
		long sink = 0;
		while (threads.getCurrentThreadCpuTime() - start < nanos) {
			sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
		}
		assertThat(sink).isNotNegative();
	}

}
