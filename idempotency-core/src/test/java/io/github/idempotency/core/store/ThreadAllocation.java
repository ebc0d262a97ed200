package io.github.idempotency.core.store;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The bytes the current thread allocated, as HotSpot counts them, for tests that prove a path allocates little. A JVM
 * that cannot count them skips the test.
 */
final class ThreadAllocation {

	private final com.sun.management.ThreadMXBean threads;

	private final long threadId;

	private ThreadAllocation(com.sun.management.ThreadMXBean threads, long threadId) {
		this.threads = threads;
		this.threadId = threadId;
	}

	static ThreadAllocation ofCurrentThread() {
		assumeThat(ManagementFactory.getThreadMXBean()).isInstanceOf(com.sun.management.ThreadMXBean.class);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		assumeThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
		return new ThreadAllocation(threads, Thread.currentThread().getId());
	}

	long bytes() {
		return this.threads.getThreadAllocatedBytes(this.threadId);
	}

}
