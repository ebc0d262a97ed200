package io.github.idempotency.benchmarks;

import java.lang.management.ManagementFactory;

import com.sun.management.ThreadMXBean;

/**
 * Bytes allocated by the benchmark's own thread per operation over one iteration: unlike JMH's {@code -prof gc},
 * which counts every thread of the JVM, this leaves out the I/O threads of a client (a Redis client's event loop), so
 * it stays the same from run to run even when an iteration holds only a few thousand operations.
 */
final class CallerAllocation {

	private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

	private long allocatedAtStart;

	private long operations;

	/** Starts counting; call at the start of an iteration, on the benchmark's thread. */
	void start() {
		this.operations = 0;
		this.allocatedAtStart = THREADS.getCurrentThreadAllocatedBytes();
	}

	/** Counts one operation. */
	void count() {
		this.operations++;
	}

	/** Prints the bytes per operation since {@link #start()}; call at the end of an iteration, on the same thread. */
	void report() {
		long allocated = THREADS.getCurrentThreadAllocatedBytes() - this.allocatedAtStart;
		System.out.printf("caller-thread allocation: %.1f B/op over %d ops%n",
				(this.operations > 0) ? (double) allocated / this.operations : 0.0, this.operations);
	}

}
