package io.github.idempotency.faultsuite.killpoints;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The kill point of the request that the current thread serves, and the pause there.
 */
final class KillPointRequest {

	private static final ThreadLocal<@Nullable KillPointRequest> current = new ThreadLocal<>();

	// far longer than any scenario waits: the thread stays there until the JVM is killed
	private static final Duration PAUSE = Duration.ofMinutes(10);

	private final KillPoint point;

	private final String key;

	KillPointRequest(KillPoint point, String key) {
		this.point = point;
		this.key = key;
	}

	static @Nullable KillPointRequest current() {
		return current.get();
	}

	static void bind(@Nullable KillPointRequest request) {
		if (request == null) {
			current.remove();
		}
		else {
			current.set(request);
		}
	}

	/**
	 * Stops the thread when it has reached this request's point: logs the marker the scenario waits for, then
	 * sleeps until the app is killed.
	 * @param reached the point the thread is at
	 */
	void stopIfAt(KillPoint reached) {
		if (reached != this.point) {
			return;
		}
		System.out.println(this.point.marker(this.key));
		System.out.flush();
		try {
			Thread.sleep(PAUSE.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new IllegalStateException("kill point " + this.point.value() + " was never killed");
	}

}
