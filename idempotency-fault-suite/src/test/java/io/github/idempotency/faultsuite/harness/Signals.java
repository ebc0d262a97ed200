package io.github.idempotency.faultsuite.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends a POSIX signal to one process, by its PID.
 */
public final class Signals {

	private Signals() {
	}

	/**
	 * Sends a signal.
	 * @param pid the process
	 * @param signal the signal's name without {@code SIG}, such as {@code STOP} or {@code CONT}
	 */
	public static void send(long pid, String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
				.start();
			kill.getInputStream().readAllBytes();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
